"""Content loading: the shipped content, and each kind of broken file stopping the start with
its file, line and reason."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from plain_pcc.app import create_app
from plain_pcc.content import load_site
from plain_pcc.settings import Settings
from plain_pcc.source import ContentError

from .conftest import CONTENT, CheckedClient, edit, line_of

YEAR = Path("hmic-reports") / "2016.yaml"


def broken(content: Path) -> ContentError:
    with pytest.raises(ContentError) as caught:
        load_site(content)
    return caught.value


def test_shipped_content_loads() -> None:
    site = load_site(CONTENT)
    assert sorted(site.pages) == [
        "/",
        "/accessibility-statement/",
        "/cookies/",
        "/email-updates/",
        "/email-updates/check-your-email/",
        "/email-updates/confirm/",
        "/email-updates/link-not-valid/",
        "/email-updates/privacy/",
        "/email-updates/subscribed/",
        "/email-updates/try-later/",
        "/email-updates/unsubscribed/",
        "/finance-reporting/publications/hmic-reports/",
        "/finance-reporting/publications/hmic-reports/hmic-reports-2016/",
    ]
    (year,) = site.years
    assert len(year.reports) == 5
    assert [r.statement.prose.html().count("<p>") for r in year.reports] == [6, 9, 7, 8, 5]
    assert site.phone_uri == "tel:+441245291600"


def test_bad_yaml_syntax_names_the_line(content: Path) -> None:
    path = edit(content, YEAR, "    issued: 2016-11-03", "    issued: [2016-11-03")
    error = broken(content)
    assert error.path == path
    assert error.line is not None
    assert error.line >= line_of(path, "issued: [2016-11-03")
    assert error.reason.startswith("not valid YAML")


def test_missing_field_names_the_entry(content: Path) -> None:
    path = edit(content, YEAR, "    issued_as: HMIC inspection report\n", "")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "- title: HMIC PEEL Police Eff"))
    assert error.reason == "missing field 'issued_as'"


def test_unknown_field_is_a_typo_not_ignored(content: Path) -> None:
    path = edit(content, YEAR, "    issued: 2016-11-03", "    isued: 2016-11-03")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "isued: 2016-11-03"))
    assert error.reason.startswith("unknown field 'isued'")


def test_bad_date_says_how_to_write_one(content: Path) -> None:
    path = edit(content, YEAR, "    issued: 2016-11-03", "    issued: 3 November 2016")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "issued: 3 November 2016"))
    assert "write it as year-month-day, like 2016-11-03" in error.reason


def test_impossible_date_is_refused(content: Path) -> None:
    path = edit(content, YEAR, "      date: 2016-11-03", "      date: 2016-02-30")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "date: 2016-02-30"))
    assert error.reason == "'2016-02-30' is not a date in the calendar"


def test_duplicate_address_names_both_files(content: Path) -> None:
    path = edit(content, "pages/cookies.md", "path: /cookies/", "path: /accessibility-statement/")
    error = broken(content)
    # Pages are read in name order: the accessibility statement claims the address first.
    assert (error.path, error.line) == (path, 3)
    assert error.reason == (
        f"address /accessibility-statement/ is already used by "
        f"{content / 'pages' / 'accessibility-statement.md'}"
    )


def test_duplicate_field_is_refused(content: Path) -> None:
    path = edit(content, "site.yaml", "phone: 01245 291600\n", "phone: 01245 291600\nphone: 1\n")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "phone: 1"))
    assert error.reason == "field 'phone' appears twice (first on line 3)"


def test_unknown_link_target_names_the_link(content: Path) -> None:
    path = edit(
        content,
        "pages/home.md",
        "(/finance-reporting/publications/hmic-reports/)",
        "(/finance-reporting/publications/hmic-report/)",
    )
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "/hmic-report/)"))
    assert error.reason == (
        "the link 'HMIC reports, listed by year' goes to "
        "/finance-reporting/publications/hmic-report/: no such page"
    )


def test_menu_link_to_a_missing_page_is_refused(content: Path) -> None:
    path = edit(content, "site.yaml", "url: /cookies/", "url: /biscuits/")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "- text: Cookies"))
    assert "/biscuits/: no such page" in error.reason


def test_second_main_heading_in_prose_is_refused(content: Path) -> None:
    path = edit(content, "pages/home.md", "## Publications", "# Publications")
    error = broken(content)
    assert (error.path, error.line) == (path, line_of(path, "# Publications"))
    assert "second main heading" in error.reason


def test_bad_page_address_is_refused(content: Path) -> None:
    path = edit(content, "pages/cookies.md", "path: /cookies/", "path: /Cookies")
    error = broken(content)
    assert (error.path, error.line) == (path, 3)
    assert "is not a page address" in error.reason


def test_text_only_addresses_are_reserved(content: Path) -> None:
    edit(content, "pages/cookies.md", "path: /cookies/", "path: /text-only/cookies/")
    assert "kept for the text-only mode" in broken(content).reason


def test_report_in_the_wrong_year_file_is_refused(content: Path) -> None:
    path = edit(content, YEAR, "    issued: 2016-07-07", "    issued: 2015-07-07")
    error = broken(content)
    assert error.path == path
    assert "was issued in 2015, not 2016" in error.reason


def test_year_file_must_be_named_after_its_year(content: Path) -> None:
    shutil.copy(content / YEAR, content / "hmic-reports" / "latest.yaml")
    assert "named after its year" in broken(content).reason


def test_markdown_without_front_matter_is_refused(content: Path) -> None:
    path = content / "pages" / "cookies.md"
    path.write_text("Just text\n", encoding="utf-8")
    error = broken(content)
    assert (error.path, error.line) == (path, 1)
    assert "must start with a '---' line" in error.reason


def test_unclosed_front_matter_is_refused(content: Path) -> None:
    path = content / "pages" / "cookies.md"
    path.write_text("---\ntitle: Cookies\n", encoding="utf-8")
    assert "not closed" in broken(content).reason


def test_non_utf8_file_names_the_line(content: Path) -> None:
    path = content / "pages" / "cookies.md"
    path.write_bytes(path.read_bytes().replace(b"Cookies are", b"\xff\xfe are", 1))
    error = broken(content)
    assert error.path == path
    assert error.line == line_of_bytes(path, b"\xff\xfe are")
    assert "not UTF-8" in error.reason


def line_of_bytes(path: Path, needle: bytes) -> int:
    data = path.read_bytes()
    return data[: data.index(needle)].count(b"\n") + 1


def test_empty_field_is_refused(content: Path) -> None:
    path = edit(content, "site.yaml", "phone: 01245 291600", 'phone: ""')
    error = broken(content)
    assert (error.path, error.line, error.reason) == (path, 3, "'phone' is empty")


def test_list_where_text_is_expected_is_refused(content: Path) -> None:
    edit(content, "site.yaml", "phone: 01245 291600", "phone:\n  - 01245 291600")
    assert broken(content).reason == "'phone' must be text, not a list or a group of fields"


def test_missing_home_page_is_refused(content: Path) -> None:
    (content / "pages" / "home.md").unlink()
    assert "'/' (the home page)" in broken(content).reason


def test_missing_content_folder_is_refused(tmp_path: Path) -> None:
    error = broken(tmp_path / "nowhere")
    assert error.reason == "the content folder does not exist"
    assert str(error) == f"{tmp_path / 'nowhere'}: the content folder does not exist"


def test_error_text_has_file_and_line(content: Path) -> None:
    path = edit(content, YEAR, "    issued: 2016-11-03", "    issued: soon")
    assert str(broken(content)).startswith(f"{path}:{line_of(path, 'issued: soon')}: ")


# The accessibility statement's text, by the date it was last reviewed. A change to the text
# without a new review date fails here: update 'reviewed' in the statement's fields, then record
# the new text's hash under the new date (the page shows the date from the fields).
STATEMENT_REVIEWS = {"2026-11-25": "3e34a2ee96d912da", "2026-11-29": "8fe945abe1c0368d"}


def test_accessibility_statement_changes_only_with_a_new_review_date() -> None:
    page = load_site(CONTENT).pages["/accessibility-statement/"]
    assert page.body is not None
    assert page.reviewed is not None
    assert page.prepared is not None
    digest = hashlib.sha256(page.body.source.encode()).hexdigest()[:16]
    assert STATEMENT_REVIEWS.get(page.reviewed.iso) == digest, (
        "the accessibility statement changed without a new review date"
    )
    app = create_app(Settings(content_dir=CONTENT, access_log=False))
    with CheckedClient(app) as client:
        shown = client.get("/accessibility-statement/").text
    assert f"It was last reviewed on {page.reviewed.text}." in shown
    assert f"This statement was prepared on {page.prepared.text}." in shown


def test_error_pages_words_come_from_the_content(content: Path) -> None:
    edit(content, "errors.yaml", "title: Page not found", "title: We cannot find that page")
    app = create_app(Settings(content_dir=content, access_log=False))
    with CheckedClient(app) as client:
        page = client.get("/no-such-page/")
    assert page.status_code == 404
    assert "<h1>We cannot find that page</h1>" in page.text
    assert "<p>If you pasted the web address, check you copied the entire address.</p>" in page.text


def test_an_error_page_without_words_stops_the_start(content: Path) -> None:
    path = edit(content, "errors.yaml", '"413":', '"414":')
    with pytest.raises(ContentError, match="unknown field '414'") as caught:
        load_site(content)
    assert (caught.value.path, caught.value.rule) == (path, "field-unknown")
    assert caught.value.line == line_of(path, '"414":')
