"""Adding a year is adding a file: each reports file appears on the HMIC reports page, in the
menu of every page, in the sitemap and in breadcrumbs, in both modes, with no code change."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from plain_pcc.app import create_app
from plain_pcc.checker import check_content
from plain_pcc.modes import MODES, Mode, split
from plain_pcc.settings import Settings

from .conftest import CONTENT, FIXTURES, CheckedClient

YEARS_CONTENT = FIXTURES / "content-years"
SECTION = "/finance-reporting/publications/hmic-reports/"
YEARS = (2017, 2016, 2015)  # newest first, as the site lists them
MODE_IDS = [mode.name for mode in MODES]


def year_path(year: int) -> str:
    return f"{SECTION}hmic-reports-{year}/"


_APP = create_app(Settings(content_dir=YEARS_CONTENT, access_log=False))


@pytest.fixture
def years_client() -> Iterator[CheckedClient]:
    with CheckedClient(_APP, follow_redirects=False) as client:
        yield client


def soup(client: CheckedClient, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.text, "html5lib")


def menu_years(page: BeautifulSoup) -> list[tuple[str, str]]:
    """The years listed under "HMIC reports" in the site menu: (words, address)."""
    menu = page.select_one("nav.site-menu")
    assert menu is not None
    (section,) = [a for a in menu.select("a") if a.get_text(strip=True) == "HMIC reports"]
    nested = section.find_next_sibling("ul")
    assert nested is not None, "no years under HMIC reports"
    return [(a.get_text(strip=True), str(a["href"])) for a in nested.select("a")]


def expected_years(mode: Mode, years: tuple[int, ...] = YEARS) -> list[tuple[str, str]]:
    return [(f"HMIC Reports {year}", mode.url(year_path(year))) for year in years]


def test_years_fixture_is_clean() -> None:
    assert check_content(YEARS_CONTENT) == []


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
def test_each_year_is_listed_on_the_reports_page(years_client: CheckedClient, mode: Mode) -> None:
    page = soup(years_client, mode.url(SECTION))
    listed = [(a.get_text(strip=True), str(a["href"])) for a in page.select("ul.years a")]
    assert listed == expected_years(mode)
    counts = [li.get_text(" ", strip=True).rsplit(": ", 1)[1] for li in page.select("ul.years li")]
    assert counts == ["2 reports", "1 report", "1 report"]


def every_page(app: Starlette) -> list[str]:
    return sorted(app.state.catalogue.pages)


@pytest.mark.parametrize("url", every_page(_APP))
def test_each_year_is_in_the_menu_of_every_page(years_client: CheckedClient, url: str) -> None:
    mode, _path = split(url)
    page = soup(years_client, url)
    assert menu_years(page) == expected_years(mode)
    # The menu marks the page you are on, a year page included (every page here is in it).
    assert [a["href"] for a in page.select("nav.site-menu a[aria-current=page]")] == [url]


def test_each_year_is_in_the_sitemap(years_client: CheckedClient) -> None:
    response = years_client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    root = ElementTree.fromstring(response.content)
    addresses = {loc.text for loc in root.iter(f"{namespace}loc")}
    for year in YEARS:
        for mode in MODES:
            assert f"http://127.0.0.1:8000{mode.url(year_path(year))}" in addresses


@pytest.mark.parametrize("mode", MODES, ids=MODE_IDS)
@pytest.mark.parametrize("year", YEARS)
def test_each_year_page_has_breadcrumbs(years_client: CheckedClient, year: int, mode: Mode) -> None:
    page = soup(years_client, mode.url(year_path(year)))
    crumbs = page.select("nav.breadcrumbs li")
    assert [li.get_text(strip=True) for li in crumbs] == [
        "Home",
        "HMIC reports",
        f"HMIC Reports {year}",
    ]
    assert [a["href"] for a in page.select("nav.breadcrumbs a")] == [
        mode.url("/"),
        mode.url(SECTION),
    ]
    assert crumbs[-1].get("aria-current") == "page"
    assert page.h1 is not None
    assert page.h1.get_text(strip=True) == f"HMIC Reports {year}"


def test_a_year_file_dropped_into_a_copy_of_content_appears_everywhere(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    """The shipped content plus a 2017 file: no code, template or menu entry changes."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    shutil.copy(YEARS_CONTENT / "hmic-reports" / "2017.yaml", content / "hmic-reports")
    assert check_content(content) == []
    app = create_app(make_settings(content_dir=content))
    both = (2017, 2016)
    with CheckedClient(app, follow_redirects=False) as client:
        for mode in MODES:
            for url in every_page(app):
                if split(url)[0] == mode:
                    assert menu_years(soup(client, url)) == expected_years(mode, both)
            listed = [
                (a.get_text(strip=True), str(a["href"]))
                for a in soup(client, mode.url(SECTION)).select("ul.years a")
            ]
            assert listed == expected_years(mode, both)
            page = soup(client, mode.url(year_path(2017)))
            assert [li.get_text(strip=True) for li in page.select("nav.breadcrumbs li")] == [
                "Home",
                "HMIC reports",
                "HMIC Reports 2017",
            ]
            headings = [h2.get_text(strip=True) for h2 in page.select("section.report h2")]
            assert headings == [
                "December 2017: HMIC PEEL Police Legitimacy 2017",
                "March 2017: HMIC PEEL Police Effectiveness 2016",
            ]
        sitemap = client.get("/sitemap.xml").text
    for mode in MODES:
        assert f"<loc>http://127.0.0.1:8000{mode.url(year_path(2017))}</loc>" in sitemap
