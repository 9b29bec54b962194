"""Links: one rule for internal and external, one address per mode, and every link on every page
leads somewhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from plain_pcc.app import create_app
from plain_pcc.links import Link, href, is_internal
from plain_pcc.modes import FULL, MODES, TEXT
from plain_pcc.settings import Settings

from .conftest import CONTENT, CheckedClient, edit

_APP = create_app(Settings(content_dir=CONTENT, access_log=False))
PAGES = sorted(_APP.state.catalogue.pages)
# Addresses a template writes itself (the standard the accessibility statement names).
TEMPLATES = " ".join(
    path.read_text(encoding="utf-8")
    for path in (Path(__file__).parents[1] / "src" / "plain_pcc" / "templates").rglob("*.html")
)


@pytest.mark.parametrize(
    ("url", "internal"),
    [
        ("/", True),
        ("/cookies/", True),
        ("/cookies/#cookie-settings", True),
        ("//evil.example/cookies/", False),
        ("/\\evil.example", False),
        ("https://www.justiceinspectorates.gov.uk/hmicfrs/", False),
        ("mailto:pfcc@essex.police.uk", False),
        ("tel:+441245291600", False),
        ("#main-content", False),
    ],
)
def test_one_rule_says_what_is_a_page_of_this_site(url: str, internal: bool) -> None:
    assert is_internal(url) is internal
    assert Link("words", url, Path("x"), 1).internal is internal


def test_internal_links_stay_in_the_mode_and_others_are_untouched() -> None:
    assert href("/cookies/", FULL) == "/cookies/"
    assert href("/cookies/", TEXT) == "/text-only/cookies/"
    for url in ("https://example.org/a", "//example.org/a", "mailto:a@example.org", "#top"):
        assert href(url, TEXT) == url == href(url, FULL)


def test_page_of_a_link_drops_query_and_fragment() -> None:
    assert Link("a", "/cookies/?x=1#top", Path("x"), 1).page == "/cookies/"
    assert Link("a", "https://example.org/", Path("x"), 1).page is None


def _links(client: CheckedClient, path: str) -> Iterator[str]:
    page = BeautifulSoup(client.get(path).text, "html5lib")
    for anchor in page.find_all("a", href=True):
        yield str(anchor["href"])


def _external_urls(app: Starlette) -> set[str]:
    site = app.state.site
    found = {link.url for link in (*site.menu, *site.footer)}
    for prose in (site.policing_notice, site.signup):
        found |= {link.url for link in prose.links}
    for page in site.pages.values():
        for prose in page.prose():
            found |= {link.url for link in prose.links}
        for report in page.reports:
            found |= {link.url for link in report.links}
    return {url for url in found if not is_internal(url)}


@pytest.mark.parametrize("path", PAGES)
def test_every_link_on_every_page_resolves(client: CheckedClient, path: str) -> None:
    """Internal links lead to a page of the same mode (but the switch between modes), or a
    file the site serves; external ones are written exactly as in the content or template."""
    catalogue = client.app.state.catalogue  # type: ignore[attr-defined]
    mode = TEXT if path.startswith(TEXT.prefix + "/") else FULL
    other = FULL if mode is TEXT else TEXT
    external = _external_urls(client.app) | {f"tel:{client.app.state.site.phone_uri[4:]}"}  # type: ignore[attr-defined]
    email = f"mailto:{client.app.state.site.email}"  # type: ignore[attr-defined]
    for url in _links(client, path):
        if url.startswith("#"):
            continue
        if is_internal(url):
            target = urlsplit(url).path
            assert target in catalogue.pages or target in catalogue.files, (path, url)
            in_mode = target.startswith(TEXT.prefix + "/") == (mode is TEXT)
            switch = target == other.url(path.removeprefix(mode.prefix) or "/")
            assert in_mode or switch, (path, url)
        else:
            assert url in external or url == email or url in TEMPLATES, (path, url)


def test_external_menu_and_footer_links_are_untouched_in_text_only_mode(content: Path) -> None:
    external = "https://www.justiceinspectorates.gov.uk/hmicfrs/"
    edit(
        content,
        "site.yaml",
        "footer:\n",
        f"footer:\n  - text: His Majesty's Inspectorate of Constabulary\n    url: {external}\n",
    )
    edit(
        content,
        "site.yaml",
        "menu:\n",
        f"menu:\n  - text: The inspectorate's website\n    url: {external}\n",
    )
    app = create_app(Settings(content_dir=content, access_log=False))
    with CheckedClient(app) as client:
        for mode in MODES:
            hrefs = list(_links(client, mode.url("/")))
            assert hrefs.count(external) == 2
            assert not any(external in url and url != external for url in hrefs)
