"""The matrix: sitemap parsing, modes, cells and their ids (no browser)."""

from __future__ import annotations

import pytest
from browser_audit.checks import counterpart
from browser_audit.matrix import (
    ERROR_ROUTES,
    PREFERENCES,
    VIEWPORTS,
    Preference,
    SitemapError,
    build_cells,
    mode_of,
    parse_sitemap,
)

SITEMAP = """<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://www.pcc.example/</loc></url>
<url><loc>https://www.pcc.example/text-only/</loc></url>
<url><loc> https://www.pcc.example/finance/reports/ </loc></url>
<url><loc>https://www.pcc.example/</loc></url>
<url><loc>https://www.pcc.example/search/?q=a</loc></url>
</urlset>"""


def test_sitemap_keeps_only_paths_in_order_without_repeats() -> None:
    """The sitemap's host is the configured one, not necessarily the one being audited."""
    assert parse_sitemap(SITEMAP) == ["/", "/text-only/", "/finance/reports/", "/search/?q=a"]


@pytest.mark.parametrize(
    "text",
    ["<urlset", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'],
)
def test_unusable_sitemap_is_an_error(text: str) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(text)


@pytest.mark.parametrize(
    ("path", "mode"),
    [
        ("/", "full"),
        ("/text-only", "text-only"),
        ("/text-only/", "text-only"),
        ("/text-only/a/b/", "text-only"),
        ("/text-onlyish/", "full"),
        ("/finance/text-only/", "full"),
    ],
)
def test_mode_of_path(path: str, mode: str) -> None:
    assert mode_of(path) == mode


@pytest.mark.parametrize(
    ("route", "other"),
    [
        ("/", "/text-only/"),
        ("/a/b/", "/text-only/a/b/"),
        ("/text-only/", "/"),
        ("/text-only/a/", "/a/"),
    ],
)
def test_counterpart_is_the_same_page_in_the_other_mode(route: str, other: str) -> None:
    assert counterpart(route) == other
    assert counterpart(other) == route


def test_full_matrix_is_every_route_size_and_viewport() -> None:
    cells = build_cells(["/", "/text-only/"])
    assert len(cells) == 2 * 3 * 2
    assert cells[0].id == "full-normal-desktop-/"
    assert cells[-1].id == "text-only-extra-large-narrow-/text-only/"
    assert len({c.id for c in cells}) == len(cells)
    assert cells[-1].key() == {
        "route": "/text-only/",
        "mode": "text-only",
        "font_size": "extra-large",
        "viewport": "narrow",
    }


def test_default_only_matrix_keeps_each_preference_at_its_default() -> None:
    cells = build_cells(["/"], all_values=False, viewports=VIEWPORTS[:1])
    assert [c.id for c in cells] == ["full-normal-desktop-/"]


def test_a_new_preference_is_one_more_table_entry() -> None:
    """A colour scheme joins the matrix as data: no new code in the matrix."""
    scheme = Preference("colour scheme", "colour_scheme", ("default", "dark", "high-contrast"))
    cells = build_cells(["/"], preferences=(*PREFERENCES, scheme))
    assert len(cells) == 3 * 3 * 2
    assert "full-large-dark-narrow-/" in {c.id for c in cells}
    assert cells[0].preference("colour_scheme") == "default"


def test_narrow_viewport_is_wcag_reflow_width() -> None:
    assert {v.name: v.width for v in VIEWPORTS} == {"desktop": 1280, "narrow": 320}


def test_error_pages_cover_both_modes() -> None:
    assert {mode_of(r) for r in ERROR_ROUTES} == {"full", "text-only"}
