"""Rendering: every page, error page and file, in every mode and preference, built once into a
``Catalogue`` at start-up, so that no request ever renders a template."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from jinja2 import Template
from markupsafe import escape

from .catalogue import Catalogue
from .content import Page, Site
from .modes import FULL, MODES, TEXT, Mode
from .preferences import PREFERENCES, Selection, selections
from .representations import Representation
from .security import security_headers
from .settings import Settings
from .source import ContentError
from .templating import create_environment
from .variants import CLASSES, FORMS, RETURN_TO, Variants

STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}
# The typeface's files, installed at build time from npm (make fonts), never committed.
FONTS = "fonts"
_URL = re.compile(r'url\("([^"]+)"\)')
# Pages depend on the preference cookie, so caches must revalidate and key on it.
PAGE_HEADERS = [("Cache-Control", "no-cache"), ("Vary", "Cookie, Accept-Encoding")]
# Static files are named by their content's hash, so a name never changes meaning.
STATIC_HEADERS = [
    ("Cache-Control", "public, max-age=31536000, immutable"),
    ("Vary", "Accept-Encoding"),
]


@dataclass(frozen=True)
class ErrorPage:
    status: int
    title: str
    paragraphs: tuple[str, ...]


ERROR_PAGES = (
    ErrorPage(400, "Bad request", ("The address or the request was not understood.",)),
    ErrorPage(
        403,
        "This request was refused",
        ("Display settings can only be changed from a page of this website.",),
    ),
    ErrorPage(
        404,
        "Page not found",
        (
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
        ),
    ),
    ErrorPage(
        405,
        "This address cannot be used that way",
        ("The page exists, but not for this kind of request.",),
    ),
    ErrorPage(413, "The request was too large", ("The form sent more than this website accepts.",)),
    ErrorPage(415, "The request was not a form", ("This address accepts only a web form.",)),
    ErrorPage(
        500,
        "Sorry, there is a problem with the service",
        ("Try again later. The problem has been recorded.",),
    ),
)


def render_catalogue(site: Site, settings: Settings) -> Catalogue:
    environment = create_environment()
    security = security_headers(settings)
    catalogue = Catalogue(security_headers=[(k.lower().encode(), v.encode()) for k, v in security])
    _add_static(catalogue, security)

    forms = _forms(environment.get_template("components/_preferences.html"))
    for page in site.pages.values():
        template = environment.get_template(f"pages/{page.template}.html")
        for mode in MODES:
            context = _context(site, settings, catalogue, mode, page)
            catalogue.pages[mode.url(page.path)] = Variants(
                template.render(context), forms(context["return_to"]), security + PAGE_HEADERS
            )

    error_template = environment.get_template("errors/error.html")
    for error in ERROR_PAGES:
        for mode in MODES:
            context = _context(site, settings, catalogue, mode, None, error)
            catalogue.errors[(error.status, mode.name)] = Variants(
                error_template.render(context),
                forms(context["return_to"]),
                [*security, ("Cache-Control", "no-store"), ("Vary", "Cookie, Accept-Encoding")],
                status=error.status,
            )

    catalogue.files["/sitemap.xml"] = Representation(
        _sitemap(site, settings), "application/xml; charset=utf-8", [*security, *PAGE_HEADERS[:1]]
    )
    catalogue.files["/robots.txt"] = Representation(
        f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}/sitemap.xml\n".encode(),
        "text/plain; charset=utf-8",
        [*security, *PAGE_HEADERS[:1]],
    )
    catalogue.files["/healthz"] = Representation(
        b"ok\n",
        "text/plain; charset=utf-8",
        [*security, ("Cache-Control", "no-store")],
        compress=False,
    )
    return catalogue


def _forms(template: Template) -> Callable[[str], Callable[[Selection], str]]:
    """The preference forms of a page that returns to ``return_to``, for any selection.

    The forms differ from page to page only in the address they return to, so they are rendered
    once for each selection, with a mark where that address goes.
    """
    rendered = {
        selection: template.render(selection=selection, return_to=RETURN_TO)
        for selection in selections()
    }

    def for_page(return_to: str) -> Callable[[Selection], str]:
        address = str(escape(return_to))
        return lambda selection: rendered[selection].replace(RETURN_TO, address)

    return for_page


def _context(
    site: Site,
    settings: Settings,
    catalogue: Catalogue,
    mode: Mode,
    page: Page | None,
    error: ErrorPage | None = None,
) -> dict[str, Any]:
    other = TEXT if mode.full else FULL
    path = page.path if page is not None else None
    return {
        "site": site,
        "page": page,
        "error": error,
        "mode": mode,
        # A page is rendered once for every selection of preferences: its variants differ only
        # where these marks are (variants.py).
        "root_classes": CLASSES,
        "preference_forms": FORMS,
        "preferences": PREFERENCES,
        "title": page.title if page is not None else error.title if error else "",
        "description": page.description if page is not None else error.title if error else "",
        "path": path,
        "breadcrumbs": site.breadcrumbs(page) if page is not None else [],
        # Error pages are served at any address, so their links lead to the home page.
        "other_mode": other,
        "other_mode_url": other.url(path or "/"),
        "return_to": mode.url(path or "/"),
        "canonical": settings.base_url + path if path is not None else None,
        "static_url": catalogue.static_urls.__getitem__,
        "footer_links": site.footer,
    }


def _add_static(catalogue: Catalogue, security: list[tuple[str, str]]) -> None:
    folder = files("plain_pcc") / "static"
    entries = [
        (entry.name, entry)
        for entry in sorted(folder.iterdir(), key=lambda item: item.name)
        if entry.is_file()
    ]
    entries += [
        (f"{FONTS}/{entry.name}", entry)
        for entry in sorted((folder / FONTS).iterdir(), key=lambda item: item.name)
        if entry.name.endswith(".woff2")
    ]
    # Stylesheets last: they name the other files, whose addresses carry their hashes.
    entries.sort(key=lambda item: item[0].endswith(".css"))
    for name, entry in entries:
        suffix = "." + name.rsplit(".", 1)[-1]
        if suffix not in STATIC_TYPES:
            continue
        data = entry.read_bytes()
        if suffix == ".css":
            data = _link_static(data, name, catalogue.static_urls)
        stem = name.rsplit(".", 1)[0]
        url = f"/static/{stem}.{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
        catalogue.static_urls[name] = url
        # A font is already compressed (woff2 is Brotli inside).
        catalogue.files[url] = Representation(
            data, STATIC_TYPES[suffix], security + STATIC_HEADERS, compress=suffix != ".woff2"
        )


def _link_static(stylesheet: bytes, name: str, urls: dict[str, str]) -> bytes:
    """The stylesheet with each ``url("file")`` it names replaced by that file's address."""
    text = stylesheet.decode("utf-8")

    def address(match: re.Match[str]) -> str:
        target = match.group(1)
        if target not in urls:
            line = text.count("\n", 0, match.start()) + 1
            raise ContentError(
                Path("src/plain_pcc/static") / name,
                line,
                f"{target} is not installed: `make fonts` installs the typeface from its "
                "npm package",
            )
        return f'url("{urls[target]}")'

    return _URL.sub(address, text).encode("utf-8")


def _sitemap(site: Site, settings: Settings) -> bytes:
    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    urlset = ElementTree.Element("urlset", xmlns=namespace)
    for page in site.pages.values():
        for mode in MODES:
            url = ElementTree.SubElement(urlset, "url")
            ElementTree.SubElement(url, "loc").text = settings.base_url + mode.url(page.path)
    document: bytes = ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
