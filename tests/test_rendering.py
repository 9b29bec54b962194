"""What rendering produces: weight budgets that keep pages light on slow connections and old
phones, no script, one self-hosted typeface, small SVG images with text alternatives, and the
sitemap and robots.txt built from the configured origin."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.testclient import TestClient

from plain_pcc import rendering
from plain_pcc.app import create_app
from plain_pcc.catalogue import Catalogue
from plain_pcc.modes import TEXT
from plain_pcc.preferences import COOKIE_MAX_AGE, selections
from plain_pcc.rendering import PER_REQUEST, STATIC_TYPES, _link_static
from plain_pcc.security import CONTENT_SECURITY_POLICY
from plain_pcc.settings import Settings
from plain_pcc.source import ContentError

from .conftest import CheckedClient

KB = 1024
PAGE_BUDGET = 30 * KB  # HTML of one page, uncompressed
# All the CSS one page loads, uncompressed: the mode's stylesheet and the display preferences'
# (four preferences, three colour schemes each stated for a choice and for the device).
CSS_BUDGET = 16 * KB
FONT_BUDGET = 20 * KB  # one face of the typeface
IMAGE_BUDGET = 2 * KB  # one image
FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page_bodies(catalogue: Catalogue) -> Iterator[tuple[str, str, bytes]]:
    """Every page in every mode and preference: (address, selection id, HTML)."""
    for path, variants in sorted(catalogue.pages.items()):
        for selection, representation in variants.items():
            yield path, selection.id, representation.body


def subresources(catalogue: Catalogue, html: bytes) -> tuple[list[str], list[str]]:
    """The stylesheets and images a page loads, as addresses in the catalogue."""
    soup = BeautifulSoup(html, "html.parser")
    sheets = [link["href"] for link in soup.find_all("link", rel="stylesheet")]
    images = [image["src"] for image in soup.find_all("img")]
    for url in [*sheets, *images]:
        assert url in catalogue.files, f"{url} is not served by the site"
    return sheets, images


def weight(catalogue: Catalogue, html: bytes) -> int:
    """What a first visit to a page downloads, uncompressed: the HTML and what it loads."""
    sheets, images = subresources(catalogue, html)
    return len(html) + sum(len(catalogue.files[url].body) for url in {*sheets, *images})


@pytest.fixture(scope="module")
def catalogue(app: Starlette) -> Catalogue:
    return app.state.catalogue  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def reports(app: Starlette) -> str:
    return str(app.state.site.years[0].path)


# Weight budgets -----------------------------------------------------------------------------


def test_reports_page_is_within_its_budget(catalogue: Catalogue, reports: str) -> None:
    for selection, representation in catalogue.pages[reports].items():
        assert len(representation.body) <= PAGE_BUDGET, selection.id
        sheets, _ = subresources(catalogue, representation.body)
        css = sum(len(catalogue.files[url].body) for url in sheets)
        assert css <= CSS_BUDGET, selection.id


def test_every_page_is_within_the_page_budget(catalogue: Catalogue) -> None:
    for path, selection, body in page_bodies(catalogue):
        assert len(body) <= PAGE_BUDGET, f"{path} ({selection}): {len(body)} bytes"


def test_every_stylesheet_is_within_the_css_budget(catalogue: Catalogue) -> None:
    sheets = [url for url in catalogue.static_urls.values() if url.endswith(".css")]
    assert sheets
    for url in sheets:
        assert len(catalogue.files[url].body) <= CSS_BUDGET, url


def test_text_only_page_weighs_less_than_full(catalogue: Catalogue) -> None:
    """Text-only drops the logo and the layout: a first visit downloads less, for every page.

    The HTML alone is a little longer (its links carry the /text-only prefix): what a visitor
    on a slow connection waits for is the page and everything it loads.
    """
    for path, variants in catalogue.pages.items():
        if path.startswith(TEXT.prefix):
            continue
        text_variants = catalogue.pages[TEXT.url(path)]
        for selection, full in variants.items():
            text = text_variants[selection]
            assert weight(catalogue, text.body) < weight(catalogue, full.body), (
                f"{path} ({selection.id})"
            )


def test_text_only_page_loads_no_image(catalogue: Catalogue) -> None:
    for path, selection, body in page_bodies(catalogue):
        if path.startswith(TEXT.prefix):
            assert not subresources(catalogue, body)[1], f"{path} ({selection})"


# No script, no web fonts, small SVG images ---------------------------------------------------


def test_no_javascript_anywhere(catalogue: Catalogue) -> None:
    for path, selection, body in page_bodies(catalogue):
        soup = BeautifulSoup(body, "html.parser")
        assert not soup.find_all("script"), f"{path} ({selection})"
        for tag in soup.find_all(True):
            handlers = [name for name in tag.attrs if name.lower().startswith("on")]
            assert not handlers, f"{path} ({selection}): <{tag.name}> {handlers}"
            for name in ("href", "src", "action", "formaction"):
                value = str(tag.get(name, "")).strip().lower()
                assert not value.startswith("javascript:"), f"{path} ({selection})"
    assert not [url for url in catalogue.files if url.endswith((".js", ".mjs"))]
    assert ".js" not in STATIC_TYPES
    # The policy forbids script outright: default-src 'none' and no script-src to relax it.
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "script-src" not in CONTENT_SECURITY_POLICY


def test_the_one_typeface_is_self_hosted_woff2(catalogue: Catalogue) -> None:
    fonts = [url for url in catalogue.files if url.lower().endswith(FONT_SUFFIXES)]
    assert len(fonts) == 4, fonts
    for url in fonts:
        assert url.startswith("/static/fonts/atkinson-hyperlegible-latin-"), url
        assert url.endswith(".woff2"), url
        representation = catalogue.files[url]
        assert len(representation.body) <= FONT_BUDGET, url
        assert representation.body[:4] == b"wOF2", url
        # Already compressed: sent as it is, whatever the client accepts.
        assert set(representation.encodings) == {"identity"}, url
    faces = 0
    for url, representation in catalogue.files.items():
        if url.endswith(".css"):
            css = representation.body.decode()
            assert "@import" not in css, url
            # Every url() is a file of this site, by its hashed address: nothing from elsewhere.
            for target in re.findall(r"url\(([^)]*)\)", css):
                assert target.strip("\"'") in catalogue.files, (url, target)
            for face in re.findall(r"@font-face \{([^}]*)\}", css):
                faces += 1
                assert "font-display: swap;" in face, url
                assert 'format("woff2")' in face, url
    assert faces == len(fonts)
    assert "font-src 'self'" in CONTENT_SECURITY_POLICY
    for path, selection, body in page_bodies(catalogue):
        soup = BeautifulSoup(body, "html.parser")
        preloads = soup.find_all("link", rel="preload")
        assert not preloads, f"{path} ({selection})"


def test_a_stylesheet_naming_a_missing_file_stops_the_start() -> None:
    css = b'a { color: red; }\n@font-face {\n  src: url("fonts/missing.woff2");\n}\n'
    with pytest.raises(ContentError) as raised:
        _link_static(css, "display.css", {"fonts/present.woff2": "/static/fonts/p.woff2"})
    assert raised.value.line == 3
    assert raised.value.path.name == "display.css"
    assert "fonts/missing.woff2 is not installed" in str(raised.value)
    assert "make fonts" in str(raised.value)


def test_a_stylesheet_names_files_by_their_hashed_address() -> None:
    css = b'src: url("fonts/a.woff2"); background: url("logo.svg");'
    urls = {"fonts/a.woff2": "/static/fonts/a.0123.woff2", "logo.svg": "/static/logo.4567.svg"}
    assert _link_static(css, "x.css", urls) == (
        b'src: url("/static/fonts/a.0123.woff2"); background: url("/static/logo.4567.svg");'
    )


def test_images_are_small_svg_with_text_alternatives(catalogue: Catalogue) -> None:
    seen = set()
    for path, selection, body in page_bodies(catalogue):
        soup = BeautifulSoup(body, "html.parser")
        for tag in ("picture", "video", "audio", "object", "embed", "iframe", "canvas"):
            assert not soup.find_all(tag), f"{path} ({selection}): <{tag}>"
        for image in soup.find_all("img"):
            src = image["src"]
            seen.add(src)
            assert image.has_attr("alt"), f"{path} ({selection}): {src} has no alt"
            if not image["alt"].strip():
                # An empty alt marks a decorative image: the link it sits in must say where.
                link = image.find_parent("a")
                assert link is not None, f"{path} ({selection}): {src}"
                assert link.get_text(strip=True), f"{path} ({selection}): {src}"
    assert seen, "the full mode shows the logo"
    for url in seen:
        representation = catalogue.files[url]
        assert url.endswith(".svg"), url
        assert len(representation.body) <= IMAGE_BUDGET, url
    for name in catalogue.static_urls:
        assert name.endswith((".css", ".svg", ".woff2")), name


def test_svg_images_carry_no_script(catalogue: Catalogue) -> None:
    for url, representation in catalogue.files.items():
        if url.endswith(".svg"):
            root = ElementTree.fromstring(representation.body)
            tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
            assert not tags & {"script", "foreignObject", "image"}, url


# Sitemap and robots.txt ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def public_app(make_settings: Callable[..., Settings]) -> Starlette:
    """The site as deployed: a public origin, and any Host header let through."""
    return create_app(make_settings(base_url="https://www.example.org", allowed_hosts=("*",)))


def test_sitemap_lists_every_page_in_both_modes(public_app: Starlette) -> None:
    with TestClient(public_app) as client:
        response = client.get("/sitemap.xml", headers={"host": "attacker.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    expected = {"https://www.example.org" + path for path in public_app.state.catalogue.pages}
    assert sorted(locations) == sorted(expected)
    for page in public_app.state.site.pages.values():
        if page.template in PER_REQUEST:
            # A page that needs a visitor's token (the email confirmation) is no crawler's.
            assert f"https://www.example.org{page.path}" not in locations
            continue
        assert f"https://www.example.org{page.path}" in locations
        assert f"https://www.example.org{TEXT.url(page.path)}" in locations


def test_canonical_links_use_the_configured_origin(public_app: Starlette) -> None:
    for path, variants in public_app.state.catalogue.pages.items():
        for representation in variants.values():
            soup = BeautifulSoup(representation.body, "html.parser")
            canonical = soup.find("link", rel="canonical")
            assert canonical is not None, path
            assert canonical["href"].startswith("https://www.example.org/"), path


def test_robots_txt_allows_crawling_and_names_the_sitemap(public_app: Starlette) -> None:
    with TestClient(public_app) as client:
        response = client.get("/robots.txt", headers={"host": "attacker.example"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /" not in lines
    assert "Sitemap: https://www.example.org/sitemap.xml" in lines


def test_every_preference_is_rendered(catalogue: Catalogue) -> None:
    for path, variants in catalogue.pages.items():
        assert list(variants) == selections(), path


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (365 * 86400, "1 year"),
        (2 * 365 * 86400, "2 years"),
        (86400, "1 day"),
        (90 * 86400, "90 days"),
    ],
)
def test_cookie_lifetime_is_said_from_its_max_age(seconds: int, said: str) -> None:
    assert rendering._lifetime(seconds) == said


def test_cookies_page_states_the_cookies_own_lifetime(client: CheckedClient) -> None:
    assert rendering._lifetime(COOKIE_MAX_AGE) == "1 year"
    assert "<td>1 year after you last choose</td>" in client.get("/cookies/").text


def test_favicon_is_the_sites_logo_and_every_page_names_it(client: CheckedClient) -> None:
    catalogue = client.app.state.catalogue  # type: ignore[attr-defined]
    logo = catalogue.static_urls["logo.svg"]
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.content == client.get(logo).content
    for path in catalogue.pages:
        assert f'<link rel="icon" href="{logo}" type="image/svg+xml">' in client.get(path).text
