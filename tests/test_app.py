"""The site as a visitor meets it: every page in every mode and preference, and what each
page must carry."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from plain_pcc.app import create_app
from plain_pcc.content import RESPONSE_DAYS
from plain_pcc.modes import TEXT
from plain_pcc.preferences import DEFAULT, PREFERENCES, Selection, selections
from plain_pcc.settings import Settings

from .conftest import CONTENT, FIXTURES, CheckedClient

# The route table comes from the app itself, so a new page is covered with no new test code.
_APP = create_app(Settings(content_dir=CONTENT, access_log=False))
PAGES = sorted(_APP.state.catalogue.pages)
FULL_PAGES = [path for path in PAGES if not path.startswith(TEXT.prefix + "/")]
ALL_SELECTIONS = selections()
# Every value of every preference at least once on every page, and all of them at their last
# value together; the full product is served on one page (test_every_combination...).
SELECTIONS = [
    DEFAULT,
    *(
        Selection(tuple(c if q is not p else choice for q, c in DEFAULT.pairs()))
        for p in PREFERENCES
        for choice in p.choices[1:]
    ),
    Selection(tuple(p.choices[-1] for p in PREFERENCES)),
]
REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"


def soup(client: CheckedClient, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.text, "html5lib")


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("selection", SELECTIONS, ids=[s.id for s in SELECTIONS])
@pytest.mark.parametrize("path", PAGES)
def test_page_renders_in_every_preference(
    client: CheckedClient, path: str, selection: Selection
) -> None:
    client.cookies.update({p.name: c.value for p, c in selection.pairs()})
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = BeautifulSoup(response.text, "html5lib")
    assert page.html["class"] == selection.classes.split()
    for preference, choice in selection.pairs():
        form = page.select_one(f"header form#{preference.anchor}")
        assert form["action"] == "/preferences"
        assert form["method"] == "post"
        assert form.select_one('input[name="return_to"]')["value"] == path
        # A choice of one among several: a radio group in a fieldset named by its legend.
        assert form.fieldset.legend.get_text() == preference.legend
        radios = form.select(f'input[type="radio"][name="{preference.name}"]')
        assert [radio["value"] for radio in radios] == [c.value for c in preference.choices]
        for radio in radios:
            label = form.select_one(f'label[for="{radio["id"]}"]')
            assert label.get_text() == preference.choice(radio["value"]).label
        assert [radio["value"] for radio in radios if radio.has_attr("checked")] == [choice.value]
        status = form.select_one('[role="status"]')
        assert words(status.get_text()).startswith(f"Now set: {choice.label}")
        assert form.select_one('button[type="submit"]').get_text() == preference.action
    assert not page.select("[aria-pressed]")


@pytest.mark.parametrize("selection", ALL_SELECTIONS, ids=[s.id for s in ALL_SELECTIONS])
def test_every_combination_of_preferences_is_served(
    client: CheckedClient, selection: Selection
) -> None:
    """Each of the 36 variants of the reports page, in both modes, with the page check."""
    client.cookies.update({p.name: c.value for p, c in selection.pairs()})
    for path in (REPORTS, TEXT.url(REPORTS)):
        page = soup(client, path)
        assert page.html["class"] == selection.classes.split()
        checked = [radio["value"] for radio in page.select('input[type="radio"][checked]')]
        assert checked == [choice.value for choice in selection.choices]


@pytest.mark.parametrize("path", FULL_PAGES)
def test_both_modes_carry_the_same_main_content(client: CheckedClient, path: str) -> None:
    full = soup(client, path).main
    text = soup(client, TEXT.url(path)).main
    assert full is not None
    assert text is not None
    assert words(full.get_text(" ")) == words(text.get_text(" "))


@pytest.mark.parametrize("path", FULL_PAGES)
def test_mode_links_lead_to_the_same_page(client: CheckedClient, path: str) -> None:
    full = soup(client, path)
    assert full.find("a", string="View text only version")["href"] == TEXT.url(path)
    text = soup(client, TEXT.url(path))
    assert text.find("a", string="View full website")["href"] == path


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith(TEXT.prefix + "/")])
def test_text_only_pages_have_no_images_and_stay_text_only(
    client: CheckedClient, path: str
) -> None:
    page = soup(client, path)
    assert not page.find_all("img")
    for link in page.find_all("a", href=True):
        href = link["href"]
        if href.startswith("/") and link.get_text() != "View full website":
            assert href.startswith(TEXT.prefix + "/"), f"{link.get_text()!r} leaves text-only"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_site_chrome(client: CheckedClient, path: str) -> None:
    page = soup(client, path)
    assert page.select_one('meta[name="viewport"]')["content"] == (
        "width=device-width, initial-scale=1"
    )
    header = page.header
    # The phone and email links are named with what they are, not a bare number.
    assert header.select_one('a[href="tel:+441245291600"]').get_text() == "Phone: 01245 291600"
    assert page.footer.select_one('a[href="tel:+441245291600"]').get_text() == (
        "Phone: 01245 291600"
    )
    assert header.select_one('a[href="mailto:pfcc@essex.police.uk"]')
    forms = header.select('form[action="/preferences"][method="post"]')
    assert len(forms) == len(PREFERENCES)
    for form in forms:
        assert form.select_one('input[name="return_to"]')["value"] == path
    site = _APP.state.site
    in_menu = {link.url for link in site.menu} | {year.path for year in site.years}
    if (path.removeprefix(TEXT.prefix) or "/") in in_menu:
        assert page.select_one('nav[aria-label="Main"] [aria-current="page"]') is not None
    else:
        # A page outside the menu (the email updates flow) says where it is in its breadcrumbs.
        assert page.select_one('nav[aria-label="Breadcrumb"] [aria-current="page"]') is not None
    footer = page.footer
    assert "Kelvedon Park" in footer.address.get_text()
    assert "CM8 3HB" in footer.address.get_text()
    assert "operational policing or a crime" in footer.get_text()
    assert footer.find("a", string=re.compile("email notifications"))
    footer_links = [a.get_text() for a in footer.select(".footer-links a")]
    assert footer_links == ["Accessibility statement", "Cookies"]


def test_reports_page_shows_every_statement_paragraph_of_the_seed(
    client: CheckedClient,
) -> None:
    seed = (FIXTURES / "seed-hmic-reports-2016.txt").read_text(encoding="utf-8")
    content = seed.split("\nHMIC Reports 2016\n", 1)[1].split("\nPFCC for Essex, Kelvedon")[0]
    paragraphs = [
        words(line)
        for line in content.splitlines()
        # Long lines are the page's paragraphs; the one ambiguous link is reworded on purpose.
        if len(line) > 60 and "the link here" not in line
    ]
    assert len(paragraphs) > 40
    for path in (REPORTS, TEXT.url(REPORTS)):
        text = words(soup(client, path).main.get_text(" "))
        missing = [paragraph for paragraph in paragraphs if paragraph not in text]
        assert not missing, f"{path} lacks: {missing[:2]}"


def test_reports_page_has_five_reports_with_dates_and_attributed_statements(
    client: CheckedClient,
) -> None:
    page = soup(client, REPORTS)
    sections = page.select("main section.report")
    assert [section.h2.get_text() for section in sections] == [
        "November 2016: HMIC PEEL Police Efficiency 2016",
        "July 2016: HMIC PEEL Police Effectiveness 2015 (Vulnerability) revisit",
        "March 2016: HMIC National Child Protection Inspections – Inspection of Essex Police",
        "February 2016: HMIC Report into Effectiveness of Essex Police",
        "February 2016: HMIC Report into Leadership of Essex Police",
    ]
    for section in sections:
        # Unnamed, a section is no region landmark, so its heading is announced once.
        assert not section.has_attr("aria-labelledby")
        assert not section.has_attr("aria-label")
        assert [time["datetime"] for time in section.find_all("time")]
        figure = section.find("figure")
        assert figure.blockquote.find("p")
        assert "Commissioner for Essex" in figure.figcaption.get_text()
        for link in section.select(".report-links a"):
            assert link["href"].startswith("https://")
            assert "inspectorate" in link.get_text()
    first = sections[0]
    assert [t["datetime"] for t in first.find_all("time")] == ["2016-11-03", "2016-11-03"]
    assert "the day the report was issued" in first.get_text()
    assert page.find("nav", attrs={"aria-labelledby": "contents-heading"})


def test_no_link_says_only_here(client: CheckedClient) -> None:
    for path in PAGES:
        for link in soup(client, path).find_all("a"):
            assert words(link.get_text()).lower() not in {"here", "click here", "link", "more"}


def test_menu_lists_the_year_pages_and_marks_the_current_one(client: CheckedClient) -> None:
    menu = soup(client, REPORTS).select_one('nav[aria-label="Main"]')
    assert [a.get_text() for a in menu.find_all("a")] == [
        "Home",
        "HMIC reports",
        "HMIC Reports 2016",
        "Accessibility statement",
        "Cookies",
    ]
    assert menu.select_one('[aria-current="page"]').get_text() == "HMIC Reports 2016"


def test_breadcrumbs_lead_home_through_the_section(client: CheckedClient) -> None:
    crumbs = soup(client, TEXT.url(REPORTS)).select_one('nav[aria-label="Breadcrumb"]')
    assert [(a.get_text(), a["href"]) for a in crumbs.find_all("a")] == [
        ("Home", "/text-only/"),
        ("HMIC reports", "/text-only/finance-reporting/publications/hmic-reports/"),
    ]
    assert crumbs.select_one('[aria-current="page"]').get_text() == "HMIC Reports 2016"
    assert soup(client, "/").select_one('nav[aria-label="Breadcrumb"]') is None


def test_section_index_lists_the_years(client: CheckedClient) -> None:
    page = soup(client, "/finance-reporting/publications/hmic-reports/")
    years = page.select("main ul.years a")
    assert [(a.get_text(), a["href"]) for a in years] == [("HMIC Reports 2016", REPORTS)]


def test_cookies_page_lists_every_cookie_and_offers_a_reset(client: CheckedClient) -> None:
    client.cookies.set("colour_scheme", "dark")
    page = soup(client, "/cookies/")
    rows = page.select("main table tbody tr")
    assert [row.code.get_text() for row in rows] == [p.name for p in PREFERENCES]
    for row, preference in zip(rows, PREFERENCES, strict=True):
        assert preference.purpose in words(row.get_text(" "))
        assert "1 year" in row.get_text()
    reset = page.select_one('main form[action="/preferences"]')
    assert {field["name"]: field["value"] for field in reset.select("input")} == {
        "return_to": "/cookies/",
        **{p.name: p.default.value for p in PREFERENCES},
    }


def test_breadcrumb_separators_are_drawn_not_written(client: CheckedClient) -> None:
    """A separator in the text (or in CSS content) is read aloud; a drawn one is not."""
    crumbs = soup(client, REPORTS).select_one('nav[aria-label="Breadcrumb"]')
    assert "›" not in crumbs.get_text()
    css = client.get(soup(client, REPORTS).select('link[rel="stylesheet"]')[-1]["href"]).text
    separator = re.search(r"\.breadcrumbs li \+ li::before \{([^}]*)\}", css)
    assert separator is not None
    assert 'content: "";' in separator.group(1)


def test_accessibility_statement_follows_the_public_sector_model(client: CheckedClient) -> None:
    text = words(soup(client, "/accessibility-statement/").main.get_text(" "))
    for part in (
        "Compliance status",
        "Web Content Accessibility Guidelines version 2.2 AA standard",
        "Enforcement procedure",
        "Equality Advisory and Support Service",
        "Reporting accessibility problems",
        "pfcc@essex.police.uk",
        "This statement was prepared on",
        "It was last reviewed on",
    ):
        assert part in text


def test_get_on_the_form_address_is_a_405_page(client: CheckedClient) -> None:
    response = client.get("/preferences")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_health_robots_and_sitemap(client: CheckedClient) -> None:
    assert client.get("/healthz").text == "ok\n"
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in robots
    sitemap = client.get("/sitemap.xml")
    assert sitemap.headers["content-type"] == "application/xml; charset=utf-8"
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap.text)
    assert sorted(location.removeprefix("http://127.0.0.1:8000") for location in locations) == (
        PAGES
    )


def test_pages_ship_no_script_and_no_inline_style() -> None:
    templates = Path(__file__).resolve().parents[1] / "src" / "plain_pcc" / "templates"
    for template in templates.rglob("*.html"):
        source = template.read_text()
        assert "<script" not in source
        assert "style=" not in source
        assert "|safe" not in source


def test_report_without_a_response_says_it_is_not_yet_published(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    year = content / "hmic-reports" / "2016.yaml"
    text = year.read_text(encoding="utf-8")
    start = text.index("    statement:\n")
    end = text.index("  - title:", start)
    year.write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    app = create_app(Settings(content_dir=content, access_log=False))
    with CheckedClient(app) as client:
        section = soup(client, REPORTS).select("main section.report")[0]
    assert section.h3.get_text() == "PCC statement"
    assert "has not been published yet" in section.get_text()
    assert f"It is due within {RESPONSE_DAYS} days of the report." in section.get_text()
    assert section.find("figure") is None


def test_the_readmes_project_layout_names_every_module() -> None:
    """README.md's layout is how a new maintainer finds their way: it lists every module and
    package of the server, and nothing that is gone."""
    readme = (CONTENT.parent / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Project layout", 1)[1].split("```")[1]
    # An entry is indented two spaces; a description's continuation, further.
    listed = {
        line.split()[0]
        for line in layout.splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    }
    package = CONTENT.parent / "src" / "plain_pcc"
    present = {
        path.name + ("/" if path.is_dir() else "")
        for path in package.iterdir()
        if not path.name.startswith(("_", "."))
    }
    assert present - listed == set(), "add these to README.md's project layout"
    assert listed - present == set(), "these are gone: remove them from README.md's layout"
