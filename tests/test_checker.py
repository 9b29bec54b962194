"""The content checker: exact findings on the old page, a clean shipped site, each rule, the
``plain-pcc check`` command, and start-up refusing content with an error in it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from plain_pcc.app import create_app
from plain_pcc.checker import RULES, Finding, check_content, check_site, main
from plain_pcc.cli import main as cli
from plain_pcc.content import load_site
from plain_pcc.settings import Settings
from plain_pcc.source import ContentError

from .conftest import CONTENT, FIXTURES, edit, line_of

OLD_PAGE = FIXTURES / "content-old-page"
YEAR = Path("hmic-reports") / "2016.yaml"
HOME = Path("pages") / "home.md"
COOKIES = Path("pages") / "cookies.md"

# Every finding on the old page, by file, line and rule: nothing more, nothing less.
OLD_PAGE_FINDINGS = [
    ("hmic-reports/2016.yaml", 8, "image-alt-missing"),
    ("hmic-reports/2016.yaml", 10, "heading-skip"),
    ("hmic-reports/2016.yaml", 12, "text-capitals"),
    ("hmic-reports/2016.yaml", 22, "link-not-https"),
    # "The full report ... can be read at the link here": the old page's own wording.
    ("hmic-reports/2016.yaml", 22, "link-text-vague"),
    ("hmic-reports/2016.yaml", 26, "link-document-details"),
    ("hmic-reports/2016.yaml", 34, "heading-level"),
    ("hmic-reports/2016.yaml", 38, "heading-empty"),
    ("hmic-reports/2016.yaml", 44, "link-text-duplicate"),
    ("hmic-reports/2016.yaml", 47, "response-late"),
    ("hmic-reports/2016.yaml", 57, "link-text-url"),
    ("hmic-reports/2016.yaml", 60, "text-capitals"),
    ("hmic-reports/2016.yaml", 61, "response-timing-unknown"),
    ("pages/home.md", 7, "link-text-vague"),
]


def where(findings: list[Finding], root: Path) -> list[tuple[str, int, str]]:
    return [(f.file.relative_to(root).as_posix(), f.line, f.rule) for f in findings]


def findings(content: Path) -> list[tuple[str, int, str]]:
    return where(check_content(content), content)


# The shipped content and the old page.


def test_shipped_content_has_no_findings() -> None:
    """No errors and no warnings: what ships is what the guide asks editors to write."""
    assert check_content(CONTENT) == []


def test_old_page_has_exactly_its_findings() -> None:
    assert findings(OLD_PAGE) == OLD_PAGE_FINDINGS


def test_old_page_findings_carry_criterion_severity_and_fix() -> None:
    by_rule: dict[str, Finding] = {}
    for finding in check_content(OLD_PAGE):
        by_rule.setdefault(finding.rule, finding)
    vague = by_rule["link-text-vague"]
    assert (vague.wcag, vague.severity) == ("2.4.4", "error")
    assert vague.message == (
        "the link text 'here' does not say where it goes "
        "(http://www.justiceinspectorates.gov.uk/hmic/peel-assessments/peel-2016/essex/)"
    )
    assert vague.fix.startswith("Make the words of the link say where it goes")
    assert (by_rule["image-alt-missing"].wcag, by_rule["heading-skip"].wcag) == ("1.1.1", "1.3.1")
    assert by_rule["heading-skip"].message == (
        "'### About the reports' is level 3 but follows level 1 (the page title), skipping level 2"
    )
    assert by_rule["link-text-duplicate"].wcag == "2.4.4, 3.2.4"
    assert by_rule["response-late"].severity == "warning"
    assert by_rule["response-late"].message == (
        "the response came 43 days after the report, later than 30 days "
        "(issued on 7 July 2016, the response on 19 August 2016)"
    )
    assert by_rule["link-not-https"].severity == "warning"


def test_every_rule_has_a_fix_and_a_known_severity() -> None:
    for rule in RULES.values():
        assert rule.severity in ("error", "warning")
        assert rule.fix.endswith(".")


# The command.


def test_check_prints_each_finding_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--content", str(OLD_PAGE)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(OLD_PAGE_FINDINGS) + 1
    assert lines[0] == (
        f"{OLD_PAGE / YEAR}:8: error image-alt-missing (WCAG 1.1.1): the image "
        "/static/hmic-logo.png has no alternative text. Fix: Write what the image shows between "
        "the [ ]: ![Chief Constable at the launch](photo.jpg). If it is only decoration, mark it "
        'so: ![](photo.jpg "decorative").'
    )
    # Rules with no WCAG criterion of their own say so by leaving it out.
    assert lines[3].startswith(f"{OLD_PAGE / YEAR}:22: warning link-not-https: ")
    assert lines[-1] == f"11 errors and 3 warnings in {OLD_PAGE}"


def test_check_json_lists_every_finding(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--content", str(OLD_PAGE), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert (report["errors"], report["warnings"]) == (11, 3)
    first = report["findings"][0]
    assert first == {
        "file": str(OLD_PAGE / YEAR),
        "line": 8,
        "rule": "image-alt-missing",
        "message": "the image /static/hmic-logo.png has no alternative text",
        "severity": "error",
        "wcag": "1.1.1",
        "fix": RULES["image-alt-missing"].fix,
    }
    assert [(f["line"], f["rule"]) for f in report["findings"]] == [
        (line, rule) for _file, line, rule in OLD_PAGE_FINDINGS
    ]


def test_check_passes_on_shipped_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--content", str(CONTENT)]) == 0
    assert capsys.readouterr().out == f"No problems found in {CONTENT}\n"


def test_check_warnings_alone_pass(content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(content, YEAR, "      date: 2016-11-03", "      date: 2016-12-20")
    assert main(["--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert "warning response-late: the response came 47 days after the report" in out
    assert out.endswith(f"0 errors and 1 warning in {content}\n")


def test_check_reads_the_content_folder_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLAIN_PCC_CONTENT_DIR", str(OLD_PAGE))
    assert cli(["check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["content"] == str(OLD_PAGE)


def test_check_reports_a_bad_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PLAIN_PCC_LOG_LEVEL", "loud")
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("plain-pcc check: PLAIN_PCC_LOG_LEVEL")


def test_check_refuses_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--format", "xml"])
    assert exited.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


# Files the site cannot be built from: reported with the loader's file and line, under the rule
# the problem belongs to, rather than a crash.

YEAR_TEXT = (CONTENT / YEAR).read_text(encoding="utf-8")
LOAD_ERRORS = [
    # (rule, file, old, new, the text on the line the finding names)
    ("date-invalid", YEAR, "    issued: 2016-11-03", "    issued: 3/11/2016", "issued: 3/11/2016"),
    ("date-invalid", YEAR, "      date: 2016-11-03", "      date: 2016-11-31", "date: 2016-11-31"),
    ("report-issued-missing", YEAR, "    issued: 2016-11-03\n", "", "- title: HMIC PEEL Police E"),
    ("report-issued-missing", YEAR, "    issued: 2016-11-03", "    issued: ''", "issued: ''"),
    ("statement-by-missing", YEAR, "      by: Police and Crime Commissioner for Essex\n", "",
     "title: PCC statement"),
    ("statement-by-missing", YEAR, "      by: Police and Crime Commissioner for Essex",
     "      by: ''", "by: ''"),
    ("field-missing", YEAR, "      date: 2016-11-03\n", "", "title: PCC statement"),
    ("content-invalid", YEAR, "      date: 2016-11-03", "      date: ''", "date: ''"),
    # The loader names the line the link starts on.
    ("link-internal-missing", HOME, "(/cookies/)", "(/biscuits/)", "and the [cookies page]"),
    ("link-internal-missing", "site.yaml", "    url: /cookies/", "    url: cookies",
     "url: cookies"),
    ("link-internal-missing", COOKIES, "path: /cookies/\n", "path: /cookies/\nparent: /no/\n",
     None),
    ("heading-level", HOME, "## Publications", "# Publications", "# Publications"),
    ("heading-empty", HOME, "title: Police and Crime Commissioner for Essex", "title: ''",
     "title: ''"),
    ("yaml-syntax", YEAR, "    issued: 2016-11-03", "    issued: [2016-11-03", "issued_as"),
    ("field-unknown", YEAR, "    issued_as:", "    issued_by:", "issued_by:"),
    ("field-missing", YEAR, "    issued_as: HMIC inspection report\n", "",
     "- title: HMIC PEEL Police E"),
    ("content-invalid", HOME, "path: /\n", "path: home\n", "path: home"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule", "name", "old", "new", "at"),
    LOAD_ERRORS,
    ids=[f"{rule}-{index}" for index, (rule, *_rest) in enumerate(LOAD_ERRORS)],
)
def test_file_that_cannot_load_is_one_finding(
    content: Path, rule: str, name: Path, old: str, new: str, at: str | None
) -> None:
    path = edit(content, name, old, new)
    (finding,) = check_content(content)
    assert (finding.file, finding.rule, finding.severity) == (path, rule, "error")
    if rule == "yaml-syntax":
        # The YAML parser names the line where it noticed, at or after the mistake.
        assert finding.line >= line_of(path, "issued: [2016-11-03")
    else:
        assert finding.line == (line_of(path, at) if at else 0)


def test_unloadable_folder_is_a_finding_without_a_line(tmp_path: Path) -> None:
    (finding,) = check_content(tmp_path / "missing")
    assert (finding.file, finding.line, finding.rule) == (
        tmp_path / "missing",
        0,
        "content-invalid",
    )
    assert finding.text().startswith(f"{tmp_path / 'missing'}: error content-invalid: ")


# Each rule, one change at a time to a copy of the shipped content.


def test_decorative_image_needs_no_alternative_text(content: Path) -> None:
    edit(content, HOME, "## Publications", '![](/static/logo.svg "decorative")\n\n## Publications')
    assert findings(content) == []


def test_image_with_its_file_name_as_alt_is_missing_alt(content: Path) -> None:
    path = edit(
        content, HOME, "## Publications", "![logo.svg](/static/logo.svg)\n\n## Publications"
    )
    assert findings(content) == [("pages/home.md", line_of(path, "![logo"), "image-alt-missing")]


def test_image_with_alternative_text_passes(content: Path) -> None:
    edit(content, HOME, "## Publications", "![The PCC's logo](/static/logo.svg)\n\n## Publications")
    assert findings(content) == []


@pytest.mark.parametrize(
    ("text", "url", "missing"),
    [
        ("Annual report", "https://example.org/report.pdf", "its type or its size"),
        ("Annual report (PDF)", "https://example.org/report.PDF", "its size"),
        ("Annual report (2 MB)", "https://example.org/report.docx", "its type"),
        ("Spending (spreadsheet 40KB)", "https://example.org/a.xlsx?download=1", None),
        ("Annual report (PDF, 120 KB)", "https://example.org/report.pdf", None),
        ("Figures (CSV, 1.5 MB)", "https://example.org/figures.csv", None),
        ("Minutes (Word, 30 KB)", "https://example.org/minutes.doc", None),
    ],
)
def test_document_links_name_type_and_size(
    content: Path, text: str, url: str, missing: str | None
) -> None:
    path = edit(content, HOME, "## Publications", f"[{text}]({url})\n\n## Publications")
    found = check_content(content)
    if missing is None:
        assert found == []
    else:
        (finding,) = found
        assert (finding.line, finding.rule) == (line_of(path, text), "link-document-details")
        assert finding.message.endswith(f"does not say {missing}")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("here", "link-text-vague"),
        ("Click here", "link-text-vague"),
        ("click here to read the report", "link-text-vague"),
        ("Read more…", "link-text-vague"),
        ("more", "link-text-vague"),
        ("this page", "link-text-vague"),
        ("link", "link-text-vague"),
        ("https://www.equalityadvisoryservice.com/", "link-text-url"),
        ("www.equalityadvisoryservice.com", "link-text-url"),
        ("", "link-text-empty"),
    ],
)
def test_link_text_must_say_where_it_goes(content: Path, text: str, rule: str) -> None:
    path = edit(
        content,
        HOME,
        "## Publications",
        f"The advisory service is\n[{text}](https://www.equalityadvisoryservice.com/).\n\n"
        "## Publications",
    )
    assert findings(content) == [("pages/home.md", line_of(path, "equalityadvisory"), rule)]


def test_autolink_is_a_bare_address(content: Path) -> None:
    path = edit(content, HOME, "## Publications", "<https://www.w3.org/>\n\n## Publications")
    assert findings(content) == [("pages/home.md", line_of(path, "<https"), "link-text-url")]


def test_email_address_as_link_text_passes(content: Path) -> None:
    edit(content, HOME, "## Publications", "Email <pfcc@essex.police.uk>.\n\n## Publications")
    assert findings(content) == []


def test_link_line_is_the_line_the_link_is_on(content: Path) -> None:
    """A link in the third line of a paragraph is reported on that line, not the first."""
    path = edit(
        content,
        HOME,
        "## Publications",
        "One line,\nanother line,\nthen [here](https://www.w3.org/).\n\n## Publications",
    )
    assert findings(content) == [("pages/home.md", line_of(path, "then [here]"), "link-text-vague")]


def test_relative_address_is_not_a_page(content: Path) -> None:
    path = edit(content, HOME, "(/cookies/)", "(cookies/)")
    assert findings(content) == [
        ("pages/home.md", line_of(path, "(cookies/)"), "link-internal-missing")
    ]


def test_same_words_to_two_places_on_one_page(content: Path) -> None:
    path = edit(content, HOME, "[cookies page](/cookies/)", "[Accessibility statement](/cookies/)")
    assert findings(content) == [
        ("pages/home.md", line_of(path, "[Accessibility statement]"), "link-text-duplicate")
    ]
    (finding,) = check_content(content)
    menu = line_of(content / "site.yaml", "text: Accessibility statement")
    assert finding.message == (
        "'Accessibility statement' goes to /cookies/, but the same words on / go to "
        f"/accessibility-statement/ (line {menu} of {content / 'site.yaml'})"
    )


def test_same_words_on_different_pages_pass(content: Path) -> None:
    """Consistency is per page: two pages may each use the same words for their own link."""
    edit(content, HOME, "## Publications", "[Our policy](/cookies/)\n\n## Publications")
    edit(content, COOKIES, "Cookies are", "[Our policy](/)\n\nCookies are")
    assert findings(content) == []


def test_report_without_a_response_is_an_error(content: Path) -> None:
    path = content / "hmic-reports" / "2015.yaml"
    path.write_text(
        "description: HMIC reports issued in 2015.\n"
        "intro: Reports.\n"
        "reports:\n"
        "  - title: A report\n"
        "    issued: 2015-06-01\n"
        "    issued_as: HMIC inspection report\n"
        "    links:\n"
        "      - text: The report on the inspectorate's website\n"
        "        url: https://www.justiceinspectorates.gov.uk/\n",
        encoding="utf-8",
    )
    (finding,) = check_content(content)
    assert (finding.file, finding.line, finding.rule) == (path, 4, "response-missing")
    assert finding.severity == "warning"
    assert finding.message == (
        "'A report' has no PCC response yet: it is due within 30 days of the report"
    )


def test_site_wide_clash_is_reported_once(content: Path) -> None:
    path = edit(content, "site.yaml", "  - text: Cookies\n    url: /cookies/\n# Links", (
        "  - text: Cookies\n    url: /cookies/\n  - text: Privacy\n    url: /cookies/\n# Links"
    ))  # fmt: skip
    edit(content, "site.yaml", "footer:\n  - text: Accessibility statement", (
        "footer:\n  - text: Privacy\n    url: /accessibility-statement/\n"
        "  - text: Accessibility statement"
    ))  # fmt: skip
    assert findings(content) == [
        ("site.yaml", line_of(path, "footer:") + 1, "link-text-duplicate"),
    ]


def test_year_title_clashing_with_the_menu_is_reported(content: Path) -> None:
    path = edit(content, YEAR, "title: HMIC Reports 2016", "title: Cookies")
    assert findings(content) == [("hmic-reports/2016.yaml", line_of(path, "title: Cookies"),
                                  "link-text-duplicate")]  # fmt: skip


def test_content_link_clashing_with_the_menu_is_reported(content: Path) -> None:
    path = edit(
        content,
        YEAR,
        "  Letters from the PCC",
        "  See [HMIC reports](https://www.justiceinspectorates.gov.uk/).\n\n  Letters from the PCC",
    )
    # "HMIC reports" is the menu's and the breadcrumb's words for the section page.
    assert findings(content) == [
        ("hmic-reports/2016.yaml", line_of(path, "See [HMIC"), "link-text-duplicate")
    ]


@pytest.mark.parametrize(
    ("body", "rules"),
    [
        ("## A\n\n### B\n\n## C\n\n### D\n\n#### E", []),
        ("### A", ["heading-skip"]),
        ("## A\n\n#### B", ["heading-skip"]),
        ("## A\n\n##", ["heading-empty"]),
        ("## A\n\n####", ["heading-empty", "heading-skip"]),
    ],
)
def test_heading_levels_go_down_one_at_a_time(content: Path, body: str, rules: list[str]) -> None:
    edit(content, COOKIES, "Cookies are small", f"{body}\n\nCookies are small")
    assert [rule for _file, _line, rule in findings(content)] == rules


@pytest.mark.parametrize(
    ("field", "heading", "rule"),
    [
        ("summary", "### Background", None),
        ("summary", "## Background", "heading-level"),
        ("summary", "#### Background", "heading-skip"),
        ("text", "#### Background", None),
        ("text", "### Background", "heading-level"),
        ("text", "# Background", "heading-level"),
        ("text", "##### Background", "heading-skip"),
    ],
)
def test_report_headings_sit_under_the_page_template(
    content: Path, field: str, heading: str, rule: str | None
) -> None:
    """The template gives each report an h2 and its statement an h3 (reports_year.html)."""
    if field == "summary":
        old = "    issued_as: HMIC inspection report\n    links:"
        new = (
            "    issued_as: HMIC inspection report\n"
            f"    summary: |\n      {heading}\n\n      Text.\n    links:"
        )
    else:
        old = "      text: |\n        I welcome the HMIC report"
        new = f"      text: |\n        {heading}\n\n        I welcome the HMIC report"
    path = edit(content, YEAR, old, new)
    expected = [] if rule is None else [("hmic-reports/2016.yaml", line_of(path, heading), rule)]
    assert findings(content) == expected


def test_site_wide_notice_headings_sit_under_the_footer(content: Path) -> None:
    path = edit(content, "site.yaml", "policing_notice: |\n", "policing_notice: |\n  ## Police\n\n")
    assert findings(content) == [("site.yaml", line_of(path, "## Police"), "heading-level")]


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("HMIC PEEL PCC report", None),
        ("The HMIC, PEEL and PCC report", None),
        ("READ THIS NOTICE NOW", "READ THIS NOTICE NOW"),
        ("Please NOTE: I AM SHOUTING – 2016 – LOUDLY today", "NOTE: I AM SHOUTING – 2016 – LOUDLY"),
        ("A B C D E", None),
    ],
)
def test_passages_in_capitals(content: Path, text: str, flagged: str | None) -> None:
    path = edit(content, HOME, "## Publications", f"{text}\n\n## Publications")
    found = check_content(content)
    if flagged is None:
        assert found == []
    else:
        (finding,) = found
        assert (finding.line, finding.rule) == (line_of(path, text), "text-capitals")
        assert finding.message == f"'{flagged}' is written in capitals"


def test_capitals_in_a_field_and_on_a_later_line(content: Path) -> None:
    path = edit(content, YEAR, "title: PCC statement", "title: PCC STATEMENT ON THE REPORT")
    edit(content, YEAR, "        This is an encouraging report", (
        "        Text on one line,\n        THEN A LINE IN CAPITALS.\n\n"
        "        This is an encouraging report"
    ))  # fmt: skip
    assert findings(content) == [
        ("hmic-reports/2016.yaml", line_of(path, "PCC STATEMENT"), "text-capitals"),
        ("hmic-reports/2016.yaml", line_of(path, "THEN A LINE"), "text-capitals"),
    ]


def test_long_capital_passage_is_shortened_in_the_message(content: Path) -> None:
    edit(content, HOME, "## Publications", ("NOTICE " * 20) + "\n\n## Publications")
    (finding,) = check_content(content)
    assert finding.message == f"'{('NOTICE ' * 9)[:57]}...' is written in capitals"


# The 30-day rule.


@pytest.mark.parametrize(
    ("issued", "answered", "rule"),
    [
        ("2016-11-03", "2016-11-03", None),
        ("2016-11-03", "2016-12-03", None),  # 30 days: on time
        ("2016-11-03", "2016-12-04", "response-late"),  # 31 days
        ("2016-11-03", "2016-11-02", "response-before-report"),
        ("2016-11", "2016-11", None),
        ("2016-11-03", "2016-11", None),  # the same month counts as within 30 days
        ("2016-11", "2016-11-29", None),
        ("2016-11", "2016-12", "response-timing-unknown"),
        ("2016-11-28", "2016-12", "response-timing-unknown"),
        ("2016-11-02", "2016-12", "response-timing-unknown"),
        ("2016-11-01", "2016-12", "response-timing-unknown"),
        ("2016-10-31", "2016-12", "response-late"),  # 31 days at the soonest
        ("2016-10", "2016-12-02", "response-late"),
        ("2016-11", "2016-10", "response-before-report"),
        ("2016-11-03", "2016-10", "response-before-report"),
    ],
)
def test_response_within_30_days(
    content: Path, issued: str, answered: str, rule: str | None
) -> None:
    path = edit(content, YEAR, "    issued: 2016-11-03", f"    issued: {issued}")
    edit(content, YEAR, "      date: 2016-11-03", f"      date: {answered}")
    line = line_of(path, f"date: {answered}")
    expected = [] if rule is None else [("hmic-reports/2016.yaml", line, rule)]
    assert findings(content) == expected
    if rule is not None:
        (finding,) = check_content(content)
        assert finding.severity == ("error" if rule == "response-before-report" else "warning")


def test_check_site_takes_a_loaded_site() -> None:
    assert check_site(load_site(OLD_PAGE)) == check_content(OLD_PAGE)


# Start-up.


def test_start_up_refuses_the_first_error(make_settings: Callable[..., Settings]) -> None:
    with pytest.raises(ContentError) as caught:
        create_app(make_settings(content_dir=OLD_PAGE))
    error = caught.value
    assert (error.path, error.line) == (OLD_PAGE / YEAR, 8)
    assert error.reason == (
        "image-alt-missing: the image /static/hmic-logo.png has no alternative text. Fix: "
        + RULES["image-alt-missing"].fix
    )


def test_start_up_logs_warnings_and_serves(
    content: Path, make_settings: Callable[..., Settings], caplog: pytest.LogCaptureFixture
) -> None:
    path = edit(content, YEAR, "      date: 2016-11-03", "      date: 2016-12-20")
    with caplog.at_level(logging.WARNING, logger="plain_pcc.checker"):
        app = create_app(make_settings(content_dir=content))
    assert app.state.site.years
    (record,) = caplog.records
    assert record.getMessage().startswith(
        f"{path}:{line_of(path, 'date: 2016-12-20')}: warning response-late: "
    )


def test_serve_refuses_content_with_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # serve puts the folder in the environment for its workers; monkeypatch restores it.
    monkeypatch.setenv("PLAIN_PCC_CONTENT_DIR", str(CONTENT))
    assert cli(["serve", "--content", str(OLD_PAGE)]) == 2
    assert capsys.readouterr().err == (
        f"plain-pcc: cannot start: {OLD_PAGE / YEAR}:8: image-alt-missing: the image "
        f"/static/hmic-logo.png has no alternative text. Fix: {RULES['image-alt-missing'].fix}\n"
    )


def test_late_response_with_a_month_only_date_says_at_least(content: Path) -> None:
    edit(content, YEAR, "    issued: 2016-11-03", "    issued: 2016-10")
    edit(content, YEAR, "      date: 2016-11-03", "      date: 2016-12-02")
    (finding,) = check_content(content)
    assert finding.message == (
        "the response came at least 32 days after the report, later than 30 days "
        "(issued in October 2016, the response on 2 December 2016)"
    )


def test_same_words_as_the_breadcrumbs_home_link_clash(content: Path) -> None:
    """The breadcrumbs say "Home" for the home page on every page below it."""
    edit(content, "site.yaml", "  - text: Home\n    url: /\n", "")
    path = edit(content, COOKIES, "Cookies are", "[Home](/cookies/)\n\nCookies are")
    (finding,) = check_content(content)
    assert (finding.file, finding.line, finding.rule) == (
        path,
        line_of(path, "[Home]"),
        "link-text-duplicate",
    )
    assert finding.message == (
        "'Home' goes to /cookies/, but the same words on /cookies/ go to / (the breadcrumbs)"
    )


def test_the_checker_reads_no_file_the_loader_has_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line the checker names comes from the content model: nothing is read twice."""
    site = load_site(FIXTURES / "content-old-page")
    expected = check_site(site)
    assert expected

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("the checker read a file")

    monkeypatch.setattr(Path, "read_text", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    monkeypatch.setattr(Path, "open", refuse)
    assert check_site(site) == expected
