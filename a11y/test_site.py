"""The audit of the site: axe and the browser checks on every cell of the matrix.

Each test visits its own cell afresh (cookies cleared, viewport and preferences set through the
site's form), runs one engine, and fails with every finding's rule, impact, help and selector.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from browser_audit import checks
from browser_audit.axe import AxeRunner
from browser_audit.browser import Page, url_for, visit
from browser_audit.findings import Finding, Violations, from_axe
from browser_audit.judge import Judge, Site
from browser_audit.matrix import PREFERENCES, VIEWPORTS, Cell, build_cells, mode_of
from browser_audit.report import Recorder
from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.site_audit


def test_exceptions_file(exceptions: tuple[list[Any], list[str]], recorder: Recorder) -> None:
    """An expired exception or one naming no known rule fails the audit."""
    problems = exceptions[1]
    recorder.problems += problems
    if problems:
        raise Violations("a11y/exceptions.toml:\n" + "\n".join(problems))


def test_preference_table_matches_the_site(browser: WebDriver, site: Site) -> None:
    """A preference the site offers but the matrix lacks would go unaudited: stop the run.

    Failing here is the audit being out of date (exit 2), not a fault in the site.
    """
    browser.get(url_for(site.base_url, site.routes[0]))
    offered = browser.execute_script(
        """
        const offered = {};
        for (const b of document.querySelectorAll('form[action="/preferences"] button[name]')) {
          (offered[b.name] = offered[b.name] || []).push(b.value);
        }
        return offered;
        """
    )
    assert offered == {p.field: list(p.values) for p in PREFERENCES}, (
        "the site's preference form offers a different set from PREFERENCES in "
        "a11y/browser_audit/matrix.py: add the new entry there"
    )


def test_axe(page: Page, axe: AxeRunner, judge: Judge) -> None:
    """WCAG 2.0 to 2.2 A and AA and best practice, by the pinned axe-core, in every cell."""
    results, timings = axe.run()
    judge(
        "axe",
        page.driver,
        page.cell,
        page.url,
        from_axe(results["violations"]),
        page.timings | timings,
        axe=results,
    )


def _timed(page: Page, test: str, run: Callable[[Page], list[Finding]], judge: Judge) -> None:
    start = time.perf_counter()
    found = run(page)
    judge(test, page.driver, page.cell, page.url, found, page.timings | {test: _since(start)})


def _since(start: float) -> float:
    return time.perf_counter() - start


@pytest.mark.cells(viewports=("narrow",))
def test_reflow(page: Page, judge: Judge) -> None:
    """1.4.10: no horizontal scrolling at 320 CSS px, at every font size."""
    _timed(page, "reflow", checks.reflow, judge)


@pytest.mark.cells(preferences="default")
def test_resize_text(page: Page, judge: Judge) -> None:
    """1.4.4: the browser's text size at 200% clips and overlaps no text."""
    _timed(page, "resize-text", checks.resize_text, judge)


@pytest.mark.cells(preferences="default")
def test_text_spacing(page: Page, judge: Judge) -> None:
    """1.4.12: WCAG's line, letter, word and paragraph spacing clips and overlaps no text."""
    _timed(page, "text-spacing", checks.text_spacing, judge)


@pytest.mark.cells(preferences="default")
def test_skip_link(page: Page, judge: Judge) -> None:
    """2.4.1: the first Tab shows a skip link; Enter on it moves focus into main."""
    _timed(page, "skip-link", checks.skip_link, judge)


@pytest.mark.cells(preferences="default")
def test_focus(page: Page, judge: Judge) -> None:
    """2.4.7, 2.4.11, 2.1.1, 2.1.2: Tab reaches everything, visibly, unobscured, untrapped."""
    _timed(page, "focus", checks.focus, judge)


@pytest.mark.cells(preferences="default")
def test_target_size(page: Page, judge: Judge) -> None:
    """2.5.8: every target 24 by 24 CSS px, inline in text, or spaced apart."""
    _timed(page, "target-size", checks.target_size, judge)


@pytest.mark.cells(preferences="default", viewports=("desktop",))
def test_preferences_without_javascript(
    cell: Cell, site: Site, browser_without_javascript: WebDriver, judge: Judge
) -> None:
    """The font-size form works with JavaScript off, grows text, survives reload and moving on."""
    start = time.perf_counter()
    found = checks.preferences_without_javascript(
        browser_without_javascript, site.base_url, cell.route
    )
    judge(
        "preferences-without-javascript",
        browser_without_javascript,
        cell,
        url_for(site.base_url, cell.route),
        found,
        {"check": _since(start)},
    )


@pytest.mark.cells(preferences="default", viewports=("desktop",))
def test_mode_toggle(cell: Cell, site: Site, browser: WebDriver, judge: Judge) -> None:
    """ "View text only version" and "View full website" land on the same page."""
    start = time.perf_counter()
    found = checks.mode_toggle(browser, site.base_url, cell.route)
    judge(
        "mode-toggle",
        browser,
        cell,
        url_for(site.base_url, cell.route),
        found,
        {"check": _since(start)},
    )


_references: dict[str, tuple[str, dict[str, Any]]] = {}


def _reference(browser: WebDriver, site: Site, mode: str) -> tuple[str, dict[str, Any]]:
    """The home page of the mode (or its first page): what every other page is compared with."""
    if mode not in _references:
        home = "/" if mode == "full" else "/text-only/"
        route = home if home in site.routes else next(r for r in site.routes if mode_of(r) == mode)
        cell = build_cells([route], all_values=False, viewports=VIEWPORTS[:1])[0]
        reference_page = visit(browser, site.base_url, cell)
        _references[mode] = (route, checks.repeated_parts(reference_page.driver))
    return _references[mode]


@pytest.mark.cells(preferences="default", viewports=("desktop",))
def test_consistency(cell: Cell, site: Site, browser: WebDriver, judge: Judge) -> None:
    """3.2.3, 3.2.6: navigation and contact details in the same order as on the home page."""
    start = time.perf_counter()
    route, reference = _reference(browser, site, cell.mode)
    page = visit(browser, site.base_url, cell)
    found = checks.consistency(page, reference, route)
    judge(
        "consistency", page.driver, cell, page.url, found, page.timings | {"check": _since(start)}
    )
