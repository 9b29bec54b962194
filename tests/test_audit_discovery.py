"""Discovery: sitemaps (index, gzip, another host's locs), a list of URLs, a bounded crawl,
and a base URL with a path; a missing sitemap falls back to a crawl."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from plain_pcc.audit.discovery import DiscoveryError, Site, crawl, discover, from_file, from_sitemap
from plain_pcc.audit.localsite import LiveServer

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locs: str) -> bytes:
    return f"<urlset {NS}>{''.join(f'<url><loc>{u}</loc></url>' for u in locs)}</urlset>".encode()


FILES = {
    "/council/sitemap.xml": urlset(
        "https://public.example/council/", "https://public.example/council/a/"
    ),
    "/index.xml": f"<sitemapindex {NS}><sitemap><loc>https://x.example/one.xml</loc></sitemap>"
    f"<sitemap><loc>https://x.example/two.xml.gz</loc></sitemap></sitemapindex>".encode(),
    "/one.xml": urlset("https://x.example/", "https://x.example/a/"),
    "/two.xml.gz": gzip.compress(urlset("https://x.example/b/?page=2", "https://x.example/a/")),
    "/empty.xml": urlset(),
    "/broken.xml": b"<urlset",
    "/feed.xml": b"<rss></rss>",
}
PAGES = {
    "/council/": '<a href="a/">A</a> <a href="/council/b/#top">B</a> <a href="/elsewhere/">out</a>'
    ' <a href="https://other.example/">other</a> <a href="c.pdf">PDF</a>',
    "/council/a/": '<a href="../">up</a> <a href="/council/b/">B</a>',
    "/council/b/": "<p>No links.</p>",
    "/elsewhere/": "<p>Outside the base path.</p>",
}


async def serve(request: Request) -> Response:
    path = request.url.path
    if path in FILES:
        return Response(FILES[path], media_type="application/xml")
    if path in PAGES:
        return HTMLResponse(PAGES[path])
    if path == "/council/c.pdf":
        return Response(b"%PDF", media_type="application/pdf")
    return HTMLResponse("missing", status_code=404)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with LiveServer(lambda url: Starlette(routes=[Route("/{p:path}", serve)])) as server:
        yield server.base_url


def test_a_base_url_may_carry_a_path() -> None:
    site = Site.parse("https://example.org/council")
    assert (site.origin, site.root, site.base_url) == (
        "https://example.org",
        "/council/",
        "https://example.org/council/",
    )
    assert site.page_of("https://example.org/council/a/?x=1#top") == "/council/a/?x=1"
    assert site.page_of("https://other.example/council/") is None


@pytest.mark.parametrize("url", ["ftp://x.org/", "example.org", "http://x.org/?a=1", "http:///a"])
def test_a_base_url_must_be_http_without_query(url: str) -> None:
    with pytest.raises(ValueError, match="must"):
        Site.parse(url)


def test_sitemap_under_the_base_path_with_another_hosts_locs(base: str) -> None:
    pages, how = discover(Site.parse(base + "/council/"))
    assert pages == ["/council/", "/council/a/"]
    assert how.endswith("/council/sitemap.xml")


def test_sitemap_index_and_gzip(base: str) -> None:
    pages = from_sitemap(Site.parse(base), base + "/index.xml")
    assert pages == ["/", "/a/", "/b/?page=2"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/empty.xml", "lists no pages"),
        ("/broken.xml", "not well-formed"),
        ("/feed.xml", "neither a sitemap"),
        ("/nothing.xml", "answered 404"),
    ],
)
def test_unusable_sitemaps_say_why(base: str, name: str, message: str) -> None:
    with pytest.raises(DiscoveryError, match=message):
        from_sitemap(Site.parse(base), base + name)


def test_an_unreachable_site_is_an_error() -> None:
    with pytest.raises(DiscoveryError, match="cannot reach"):
        from_sitemap(Site.parse("http://127.0.0.1:9/"))


def test_crawl_stays_on_the_origin_under_the_base_path_and_within_bounds(base: str) -> None:
    site = Site.parse(base + "/council/")
    assert crawl(site, 10) == ["/council/", "/council/a/", "/council/b/"]
    assert crawl(site, 2) == ["/council/", "/council/a/"]


def test_no_sitemap_falls_back_to_a_crawl(base: str) -> None:
    pages, how = discover(Site.parse(base + "/council/a/"))
    assert pages == ["/council/a/"], "the crawl stays under the base path"
    assert how.startswith("a crawl of at most 100 pages")


def test_a_list_of_urls_and_paths(base: str, tmp_path: Path) -> None:
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# pages\n/council/\n\n{base}/council/a/\na/\n", encoding="utf-8")
    assert from_file(Site.parse(base + "/council/"), listing) == ["/council/", "/council/a/"]
    listing.write_text("https://other.example/\n", encoding="utf-8")
    with pytest.raises(DiscoveryError, match=r"urls.txt:1: https://other.example/ is not on"):
        from_file(Site.parse(base), listing)
