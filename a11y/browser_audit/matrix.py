"""The audit matrix: routes from the site's sitemap x display preferences x viewports."""

from __future__ import annotations

import itertools
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

TEXT_ONLY_PREFIX = "/text-only"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# Error pages are in no sitemap, yet visitors land on them: audit a 404 in each mode.
ERROR_ROUTES = ("/no-such-page/", "/text-only/no-such-page/")


class SitemapError(RuntimeError):
    """The site's sitemap could not be read, so there is nothing to audit."""


@dataclass(frozen=True)
class Preference:
    """A display preference the site offers through its ``/preferences`` form.

    ``values`` are in increasing order of effect, the site's default first. ``measure``, when
    set, is a JavaScript expression whose number must grow strictly along ``values``.
    """

    name: str
    field: str
    values: tuple[str, ...]
    measure: str | None = None

    @property
    def default(self) -> str:
        return self.values[0]


# A new preference (a colour scheme, text spacing) is one more entry here: the matrix, the
# form submission and the JavaScript-off test all read this table.
PREFERENCES: tuple[Preference, ...] = (
    Preference(
        name="font size",
        field="font_size",
        values=("normal", "large", "extra-large"),
        measure="parseFloat(getComputedStyle(document.documentElement).fontSize)",
    ),
)


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int


VIEWPORTS: tuple[Viewport, ...] = (
    Viewport("desktop", 1280, 1024),
    # WCAG 1.4.10 Reflow: 320 CSS px is 1280 px at 400% zoom.
    Viewport("narrow", 320, 1024),
)


def mode_of(path: str) -> str:
    """``text-only`` for paths under the text-only prefix, else ``full``."""
    if path == TEXT_ONLY_PREFIX or path.startswith(TEXT_ONLY_PREFIX + "/"):
        return "text-only"
    return "full"


@dataclass(frozen=True)
class Cell:
    """One page as one visitor sees it: route (which carries the mode), preferences, viewport."""

    route: str
    preferences: tuple[tuple[str, str], ...]
    viewport: Viewport

    @property
    def mode(self) -> str:
        return mode_of(self.route)

    def preference(self, field: str) -> str:
        return dict(self.preferences)[field]

    @property
    def id(self) -> str:
        values = "-".join(value for _, value in self.preferences)
        return f"{self.mode}-{values}-{self.viewport.name}-{self.route}"

    def key(self) -> dict[str, str]:
        """The cell as report keys."""
        return {
            "route": self.route,
            "mode": self.mode,
            **dict(self.preferences),
            "viewport": self.viewport.name,
        }


def build_cells(
    routes: Iterable[str],
    *,
    preferences: Sequence[Preference] = PREFERENCES,
    all_values: bool = True,
    viewports: Sequence[Viewport] = VIEWPORTS,
) -> list[Cell]:
    """Every combination, route-major so one route's cells sit together in the output.

    With ``all_values`` false each preference keeps its default: checks whose subject does not
    depend on the preference run once per route and viewport.
    """
    choices = [
        [(p.field, v) for v in (p.values if all_values else (p.default,))] for p in preferences
    ]
    return [
        Cell(route, tuple(combo), viewport)
        for route in routes
        for combo in itertools.product(*choices)
        for viewport in viewports
    ]


def parse_sitemap(xml_text: str | bytes) -> list[str]:
    """Paths (with any query) of every ``<loc>``, in sitemap order, without repeats.

    The host of each ``<loc>`` comes from the site's configured base URL, which need not be the
    address the audit reached it at, so only the path is kept.
    """
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise SitemapError(f"sitemap.xml is not well-formed XML: {exc}") from exc
    paths: list[str] = []
    for loc in root.iter(f"{SITEMAP_NS}loc"):
        parts = urlsplit((loc.text or "").strip())
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    if not paths:
        raise SitemapError("sitemap.xml lists no pages")
    return paths


def fetch_routes(base_url: str, timeout: float = 10.0) -> list[str]:
    """The site's own page list plus the error pages."""
    url = base_url.rstrip("/") + "/sitemap.xml"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = response.read()
    except OSError as exc:
        raise SitemapError(f"could not fetch {url}: {exc}") from exc
    routes = parse_sitemap(body)
    return routes + [route for route in ERROR_ROUTES if route not in routes]
