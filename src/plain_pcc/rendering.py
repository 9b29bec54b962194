"""Rendering: every page, error page and file, in every mode and preference, built once into a
``Catalogue`` at start-up, so that no request ever renders a template."""

from __future__ import annotations

import hashlib
from importlib.resources import files
from typing import Any
from xml.etree import ElementTree

from .catalogue import Catalogue, Variants
from .content import RESPONSE_DAYS, ErrorPage, Page, Site
from .modes import FULL, MODES, TEXT, Mode
from .preferences import COOKIE_MAX_AGE, FONT_SIZE, PREFERENCES, Selection, selections
from .representations import Representation, redirect
from .security import security_headers
from .settings import Settings
from .templating import create_environment

HTML = "text/html; charset=utf-8"
STATIC_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
# Pages depend on the preference cookie, so caches must revalidate and key on it.
REVALIDATE = [("Cache-Control", "no-cache")]
BY_PREFERENCE = ("Cookie",)
# Static files are named by their content's hash, so a name never changes meaning.
STATIC_HEADERS = [("Cache-Control", "public, max-age=31536000, immutable")]


def render_catalogue(site: Site, settings: Settings) -> Catalogue:
    environment = create_environment()
    security = security_headers(settings)
    catalogue = Catalogue(security_headers=security)
    _add_static(catalogue, security)

    for page in site.pages.values():
        template = environment.get_template(f"pages/{page.template}.html")
        for mode in MODES:
            catalogue.pages[mode.url(page.path)] = _variants(
                lambda selection, page=page, mode=mode, template=template: template.render(
                    _context(site, settings, catalogue, mode, selection, page)
                ),
                security + REVALIDATE,
            )
            address = mode.url(page.path)
            if address != "/":
                # A page address typed without its trailing slash. The Location is relative, so
                # it can never name another host, whatever the request's Host header said.
                catalogue.redirects[address.removesuffix("/")] = redirect(
                    address.rstrip("/").rsplit("/", 1)[-1] + "/", 308, security
                )

    error_template = environment.get_template("errors/error.html")
    for error in site.errors.values():
        for mode in MODES:
            catalogue.errors[(error.status, mode.name)] = _variants(
                lambda selection, error=error, mode=mode: error_template.render(
                    _context(site, settings, catalogue, mode, selection, None, error)
                ),
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


def _variants(render: Any, headers: list[tuple[str, str]], status: int = 200) -> Variants:
    return {
        selection: Representation(
            render(selection).encode(), HTML, headers, status=status, vary=BY_PREFERENCE
        )
        for selection in selections()
    }


def _context(
    site: Site,
    settings: Settings,
    catalogue: Catalogue,
    mode: Mode,
    selection: Selection,
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
        "selection": selection,
        "font_size": FONT_SIZE,
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
    }


def _add_static(catalogue: Catalogue, security: list[tuple[str, str]]) -> None:
    folder = files("plain_pcc") / "static"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        suffix = "." + entry.name.rsplit(".", 1)[-1]
        if suffix not in STATIC_TYPES:
            continue
        data = entry.read_bytes()
        stem = entry.name.rsplit(".", 1)[0]
        url = f"/static/{stem}.{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
        catalogue.static_urls[entry.name] = url
        catalogue.files[url] = Representation(data, STATIC_TYPES[suffix], security + STATIC_HEADERS)


def _sitemap(site: Site, settings: Settings) -> bytes:
    namespace = "http://www.sitemaps.org/schemas/sitemap/0.9"
    urlset = ElementTree.Element("urlset", xmlns=namespace)
    for page in site.pages.values():
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
