"""Which pages to audit: from a sitemap (or sitemap index, gzipped or not), a file of URLs, or a
bounded same-origin crawl. Nothing is invented: the audit visits only what these name."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_SITEMAPS = 50  # a sitemap index may name at most this many sitemaps
USER_AGENT = "plain-pcc-audit"
DEFAULT_CRAWL = 100  # pages crawled when a site has no sitemap and no list was given


class DiscoveryError(RuntimeError):
    """No page list could be had: the site is unreachable or says nothing usable."""


@dataclass(frozen=True)
class Site:
    """Where the site is: its origin and the path it lives under (``/`` or ``/council/``)."""

    origin: str
    root: str = "/"

    @classmethod
    def parse(cls, base_url: str) -> Site:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an absolute http(s) URL, got {base_url!r}")
        if parts.query or parts.fragment:
            raise ValueError(f"must have no query or fragment, got {base_url!r}")
        root = parts.path or "/"
        if not root.endswith("/"):
            root += "/"
        return cls(f"{parts.scheme}://{parts.netloc}", root)

    @property
    def base_url(self) -> str:
        return self.origin + self.root

    def url(self, page: str) -> str:
        """A page (an absolute path, with any query) as a URL on this site."""
        return self.origin + page

    def page_of(self, url: str) -> str | None:
        """The page a URL names on this site, or None when it is elsewhere."""
        parts = urlsplit(urldefrag(url)[0])
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            return None
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def fetch(url: str, timeout: float = 15.0) -> tuple[int, str, bytes]:
    """Status, content type and body; a 4xx or 5xx is an answer, not an error."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get_content_type(), exc.read()
    except (OSError, ValueError) as exc:
        raise DiscoveryError(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from exc


def _xml(url: str, body: bytes) -> ET.Element:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError) as exc:
            raise DiscoveryError(f"{url} is not a readable gzip file: {exc}") from exc
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise DiscoveryError(f"{url} is not well-formed XML: {exc}") from exc


def from_sitemap(site: Site, url: str | None = None) -> list[str]:
    """Every page a sitemap lists, following a sitemap index one level down, in order.

    A ``<loc>`` on another host is taken as a path on this one: a site often writes its public
    address into its sitemap, which is not the address a test deployment is reached at.
    """
    first = url or site.base_url + "sitemap.xml"
    queue = deque([first])
    seen_maps: set[str] = set()
    pages: list[str] = []
    while queue:
        current = queue.popleft()
        if current in seen_maps:
            continue
        seen_maps.add(current)
        if len(seen_maps) > MAX_SITEMAPS:
            raise DiscoveryError(f"{first} names more than {MAX_SITEMAPS} sitemaps")
        status, _, body = fetch(current)
        if status != 200:
            raise DiscoveryError(f"{current} answered {status}")
        root = _xml(current, body)
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            for loc in root.iter(f"{SITEMAP_NS}loc"):
                queue.append(_rebased(site, (loc.text or "").strip()))
            continue
        if root.tag != f"{SITEMAP_NS}urlset":
            raise DiscoveryError(f"{current} is neither a sitemap nor a sitemap index")
        for loc in root.iter(f"{SITEMAP_NS}loc"):
            page = site.page_of(_rebased(site, (loc.text or "").strip()))
            if page and page not in pages:
                pages.append(page)
    if not pages:
        raise DiscoveryError(f"{first} lists no pages")
    return pages


def _rebased(site: Site, url: str) -> str:
    parts = urlsplit(url)
    return site.origin + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def from_file(site: Site, path: Path) -> list[str]:
    """One URL or path per line; blank lines and lines starting with ``#`` are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DiscoveryError(f"cannot read {path}: {exc.strerror}") from exc
    pages: list[str] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        page = site.page_of(urljoin(site.base_url, line))
        if page is None:
            raise DiscoveryError(f"{path}:{number}: {line} is not on {site.origin}")
        if page not in pages:
            pages.append(page)
    if not pages:
        raise DiscoveryError(f"{path} lists no pages")
    return pages


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        if tag in ("a", "area") and values.get("href"):
            self.hrefs.append(values["href"] or "")


def crawl(site: Site, limit: int) -> list[str]:
    """Breadth first from the base URL: HTML pages on the same origin, under the base path."""
    start = site.page_of(site.base_url) or "/"
    queue, seen = deque([start]), {start}
    pages: list[str] = []
    while queue and len(pages) < limit:
        page = queue.popleft()
        status, kind, body = fetch(site.url(page))
        if status != 200 or kind not in ("text/html", "application/xhtml+xml"):
            continue
        pages.append(page)
        parser = _Links()
        parser.feed(body.decode("utf-8", errors="replace"))
        base = urljoin(site.url(page), parser.base or "")
        for href in parser.hrefs:
            found = site.page_of(urljoin(base, href.strip()))
            if found and found not in seen and found.startswith(site.root):
                seen.add(found)
                queue.append(found)
    if not pages:
        raise DiscoveryError(f"{site.base_url} has no HTML page to crawl from")
    return pages


def discover(
    site: Site, *, urls: Path | None = None, crawl_limit: int = 0, sitemap: str | None = None
) -> tuple[list[str], str]:
    """The pages, and how they were found (for the report)."""
    if urls is not None:
        return from_file(site, urls), f"the list in {urls}"
    if crawl_limit:
        return crawl(site, crawl_limit), f"a crawl of at most {crawl_limit} pages"
    if sitemap is None:
        default = site.base_url + "sitemap.xml"
        status, _, _ = fetch(default)
        if status == 404:
            # A site without a sitemap is still audited: from its links, within bounds.
            pages = crawl(site, DEFAULT_CRAWL)
            return pages, f"a crawl of at most {DEFAULT_CRAWL} pages ({default} is missing)"
    return from_sitemap(site, sitemap), f"the sitemap {sitemap or site.base_url + 'sitemap.xml'}"
