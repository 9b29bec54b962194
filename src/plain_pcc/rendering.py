"""Rendering: every page, error page and file, in every mode and preference, built once into a
``Catalogue`` at start-up, so that no request ever renders a template."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from jinja2 import Environment, Template
from markupsafe import escape

from .catalogue import Catalogue
from .content import RESPONSE_DAYS, ErrorPage, Page, Site
from .modes import FULL, MODES, TEXT, Mode
from .preferences import COOKIE_MAX_AGE, PREFERENCES, Selection, selections
from .representations import Representation, redirect
from .security import security_headers
from .settings import Settings
from .source import ContentError
from .subscribers import TOPICS
from .templating import create_environment
from .variants import CLASSES, FORMS, RETURN_TO, Variants, splice

STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}
# The typeface's files, installed at build time from npm (make fonts), never committed.
FONTS = "fonts"
_URL = re.compile(r'url\("([^"]+)"\)')
PREFERENCE_FORMS = "components/_preferences.html"
# Pages depend on the preference cookie, so caches must revalidate and key on it.
REVALIDATE = [("Cache-Control", "no-cache")]
# Pages that carry a visitor's token are rendered for each request (email_updates.py): never
# stored in the catalogue, nor listed in the sitemap.
PER_REQUEST = frozenset({"email_confirm"})
# Static files are named by their content's hash, so a name never changes meaning.
STATIC_HEADERS = [("Cache-Control", "public, max-age=31536000, immutable")]


def render_catalogue(site: Site, settings: Settings) -> Catalogue:
    environment = create_environment()
    security = security_headers(settings)
    catalogue = Catalogue(security_headers=security)
    _add_static(catalogue, security)

    forms = _forms(environment.get_template(PREFERENCE_FORMS))
    for page in site.pages.values():
        if page.template in PER_REQUEST:
            continue
        template = environment.get_template(f"pages/{page.template}.html")
        for mode in MODES:
            context = page_context(site, settings, catalogue, mode, page)
            address = mode.url(page.path)
            catalogue.pages[address] = Variants(
                template.render(context), forms(context["return_to"]), security + REVALIDATE
            )
            if address != "/":
                # A page address typed without its trailing slash. The Location is relative, so
                # it can never name another host, whatever the request's Host header said.
                catalogue.redirects[address.removesuffix("/")] = redirect(
                    address.rstrip("/").rsplit("/", 1)[-1] + "/", 308, security
                )

    error_template = environment.get_template("errors/error.html")
    for error in site.errors.values():
        for mode in MODES:
            context = page_context(site, settings, catalogue, mode, None, error)
            catalogue.errors[(error.status, mode.name)] = Variants(
                error_template.render(context),
                forms(context["return_to"]),
                [*security, ("Cache-Control", "no-store")],
                status=error.status,
            )

    catalogue.files["/sitemap.xml"] = Representation(
        _sitemap(site, settings), "application/xml; charset=utf-8", security + REVALIDATE
    )
    catalogue.files["/robots.txt"] = Representation(
        f"User-agent: *\nAllow: /\n\nSitemap: {settings.base_url}/sitemap.xml\n".encode(),
        "text/plain; charset=utf-8",
        security + REVALIDATE,
    )
    # Browsers ask for /favicon.ico on a first visit whatever the page says: the site's logo,
    # rather than a 404 in every visitor's console.
    logo = catalogue.static_urls["logo.svg"]
    catalogue.files["/favicon.ico"] = Representation(
        catalogue.files[logo].body,
        STATIC_TYPES[".svg"],
        [*security, ("Cache-Control", "public, max-age=86400")],
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


def render_page(
    environment: Environment,
    site: Site,
    settings: Settings,
    catalogue: Catalogue,
    mode: Mode,
    selection: Selection,
    page: Page,
    **extra: Any,
) -> str:
    """One page for one request, in one selection: for the pages that carry a visitor's own
    words or token (``PER_REQUEST``), which no catalogue can hold."""
    context = page_context(site, settings, catalogue, mode, page)
    html = environment.get_template(f"pages/{page.template}.html").render({**context, **extra})
    forms = environment.get_template(PREFERENCE_FORMS).render(
        selection=selection, return_to=context["return_to"]
    )
    return splice(html, selection, forms)


def page_context(
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
        "tested": site.tested,
        # Numbers that are also rules, from the one constant.
        "response_days": RESPONSE_DAYS,
        "cookie_lifetime": _lifetime(COOKIE_MAX_AGE),
        # The email updates form's checkboxes.
        "topics": TOPICS,
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
        if page.template in PER_REQUEST:
            continue
        for mode in MODES:
            url = ElementTree.SubElement(urlset, "url")
            ElementTree.SubElement(url, "loc").text = settings.base_url + mode.url(page.path)
    document: bytes = ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _lifetime(seconds: int) -> str:
    """A cookie's max-age as the cookies page says it: in years, else days."""
    days = seconds // (24 * 60 * 60)
    years, rest = divmod(days, 365)
    if years and not rest:
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
