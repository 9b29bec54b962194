"""Proof the audit bites: on the fixture site it reports exactly the faults put there.

Each fault alone trips its own rule and no other; the whole audit, run the way QA runs it,
reports exactly the six faults in exactly the cells where a visitor would meet them.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_audit import checks
from browser_audit import exceptions as exceptions_file
from browser_audit.axe import AxeRunner, EngineMismatch, pinned_version
from browser_audit.browser import Page, visit
from browser_audit.findings import CHECKS, Finding, from_axe
from browser_audit.matrix import VIEWPORTS, Cell, build_cells
from browser_audit.report import Recorder
from browser_audit.server import LiveServer
from fixture.site import BROKEN, CUT_OFF, FAULTS, PREFERENCES_GO_HOME
from fixture.site import create_app as fixture_app
from selenium.webdriver.chrome.webdriver import WebDriver

from plain_pcc import audit

NARROW = VIEWPORTS[1]
SKIP_LINK_MISSING = "html > body > header > ul > li:nth-of-type(1) > a"
# What each fault alone must produce: (rule, selector), and nothing else.
EXPECTED = {
    "missing-alt": {("image-alt", "#fault-missing-alt")},
    "low-contrast": {("color-contrast", "#fault-low-contrast")},
    "unlabelled-control": {("label", "#fault-unlabelled-control")},
    "missing-skip-link": {("skip-link", SKIP_LINK_MISSING)},
    "horizontal-scroll": {("reflow", "#fault-horizontal-scroll")},
    "focus-outline-removed": {("focus-visible", "#fault-focus-outline-removed")},
}


@pytest.fixture(scope="session")
def fixture_site() -> Iterator[str]:
    with LiveServer(fixture_app) as server:
        yield server.base_url


def _cell(route: str, font_size: str = "normal", viewport: int = 1) -> Cell:
    return Cell(route, (("font_size", font_size),), VIEWPORTS[viewport])


def _everything(browser: WebDriver, axe: AxeRunner, base_url: str, route: str) -> set[Finding]:
    """axe and every page check, each on a fresh visit at 320 px, where all six faults show."""
    engines: list[Callable[[Page], list[Finding]]] = [
        lambda page: from_axe(axe.run()[0]["violations"]),
        checks.reflow,
        checks.resize_text,
        checks.text_spacing,
        checks.skip_link,
        checks.focus,
        checks.target_size,
    ]
    found: set[Finding] = set()
    for engine in engines:
        found |= set(engine(visit(browser, base_url, _cell(route))))
    return found


def test_clean_fixture_page_has_no_findings(
    browser: WebDriver, axe: AxeRunner, fixture_site: str
) -> None:
    """Without this, a check that always fires would pass every test below."""
    assert _everything(browser, axe, fixture_site, "/") == set()


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_alone_trips_only_its_rule(
    fault: str, browser: WebDriver, axe: AxeRunner, fixture_site: str
) -> None:
    found = _everything(browser, axe, fixture_site, f"/faults/{fault}/")
    assert {(f.rule, f.selector) for f in found} == EXPECTED[fault]
    for f in found:
        assert f.help_url.startswith("https://")
        assert f.impact in {"critical", "serious", "moderate", "minor"}


def _consistency(browser: WebDriver, base_url: str, route: str) -> list[Finding]:
    home = checks.repeated_parts(visit(browser, base_url, _cell("/", viewport=0)).driver)
    return checks.consistency(visit(browser, base_url, _cell(route, viewport=0)), home, "/")


# Each check the six faults leave alone, on a page broken for it: (how to run it, what it finds).
BROKEN_EXPECTED: dict[str, tuple[Callable[[WebDriver, str, str], list[Finding]], set[Any]]] = {
    "focus-not-obscured": (
        lambda b, u, r: checks.focus(visit(b, u, _cell(r, viewport=0))),
        {("focus-not-obscured", "#broken-covered")},
    ),
    "keyboard-reachable": (
        lambda b, u, r: checks.focus(visit(b, u, _cell(r, viewport=0))),
        {("keyboard-reachable", "#broken-unreachable")},
    ),
    "keyboard-trap": (
        lambda b, u, r: checks.focus(visit(b, u, _cell(r, viewport=0))),
        {("keyboard-trap", "#broken-trap")},
    ),
    "target-size-minimum": (
        lambda b, u, r: checks.target_size(visit(b, u, _cell(r))),
        {("target-size-minimum", "#broken-tiny"), ("target-size-minimum", "#broken-tiny-2")},
    ),
    "text-spacing": (
        lambda b, u, r: checks.text_spacing(visit(b, u, _cell(r))),
        {("text-spacing", "#broken-spacing")},
    ),
    "resize-text": (
        lambda b, u, r: checks.resize_text(visit(b, u, _cell(r, viewport=0))),
        {("resize-text", "#broken-resize")},
    ),
    "consistent-navigation": (
        _consistency,
        {("consistent-navigation", 'nav[aria-label="Main"]')},
    ),
    "consistent-help": (_consistency, {("consistent-help", "header")}),
    "mode-toggle": (
        checks.mode_toggle,
        {("mode-toggle", "html > body > header > p:nth-of-type(2) > a")},
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_every_other_check_can_fail(name: str, browser: WebDriver, fixture_site: str) -> None:
    """Each check, on a page broken for it, finds exactly the broken element."""
    run, expected = BROKEN_EXPECTED[name]
    found = run(browser, fixture_site, f"/broken/{name}/")
    assert {(f.rule, f.selector) for f in found} == expected


def test_every_check_is_proven_to_fail_somewhere() -> None:
    """A new check in CHECKS must come with a fixture fault that trips it."""
    proven = {rule for _, expected in BROKEN_EXPECTED.values() for rule, _ in expected}
    proven |= {rule for expected in EXPECTED.values() for rule, _ in expected}
    proven.add("preferences-without-javascript")  # the preferences-go-home test below
    assert set(CHECKS) <= proven
    assert set(BROKEN_EXPECTED) == set(BROKEN)


def _expected_report() -> set[tuple[str, str, str, str]]:
    """(rule, selector, font size, viewport) on /faults/, where a visitor meets each fault."""
    every_cell = [(s, v) for s in ("normal", "large", "extra-large") for v in ("desktop", "narrow")]
    expected = set()
    for rule, selector in (
        ("image-alt", "#fault-missing-alt"),
        (
            "color-contrast",
            "#fault-low-contrast",
        ),
        ("label", "#fault-unlabelled-control"),
    ):
        expected |= {(rule, selector, s, v) for s, v in every_cell}
    # Keyboard checks run at the default font size; reflow at 320 px in every size.
    expected |= {("skip-link", SKIP_LINK_MISSING, "normal", v) for v in ("desktop", "narrow")}
    expected |= {
        ("focus-visible", "#fault-focus-outline-removed", "normal", v)
        for v in ("desktop", "narrow")
    }
    expected |= {
        ("reflow", "#fault-horizontal-scroll", s, "narrow")
        for s in ("normal", "large", "extra-large")
    }
    return expected


def test_audit_of_fixture_site_reports_exactly_its_faults(
    fixture_site: str, tmp_path: Path
) -> None:
    """The whole pipeline, as ``plain-pcc audit`` runs it: sitemap, matrix, engines, reports."""
    report = tmp_path / "report"
    assert audit.main(["--base-url", fixture_site, "--report", str(report)]) == 1

    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    found = {
        (f["rule"], f["selector"], f["cell"]["font_size"], f["cell"]["viewport"])
        for f in summary["findings"]
    }
    assert found == _expected_report()
    assert {f["cell"]["route"] for f in summary["findings"]} == {"/faults/"}
    assert summary["status"] == "violations"
    assert summary["outcomes"]["errors"] == 0
    assert summary["axe_version"] == pinned_version()

    # Every route of the matrix is in the report: the sitemap's and both error pages.
    cells = [json.loads(p.read_text(encoding="utf-8")) for p in (report / "cells").glob("*.json")]
    routes = {c["cell"]["route"] for c in cells}
    assert routes == {"/", "/faults/", "/no-such-page/", "/text-only/no-such-page/"}
    assert len([c for c in cells if c["axe"]]) == 4 * 3 * 2
    for cell in cells:
        if cell["axe"]:
            assert cell["axe"]["testEngine"]["version"] == pinned_version()
            assert cell["tests"]["axe"]["timings"]["axe_run"] > 0
        assert cell["browser_version"].split(".")[0].isdigit()

    page = (report / "index.html").read_text(encoding="utf-8")
    for rule in ("image-alt", "color-contrast", "label", "skip-link", "reflow", "focus-visible"):
        assert f'id="rule-{rule.replace("-", "_")}"' in page
    assert "#fault-focus-outline-removed" in page

    junit = ET.parse(report / "junit.xml").getroot()
    suite = junit if junit.tag == "testsuite" else junit.find("testsuite")
    assert suite is not None
    # One failing test per (test, cell) with findings: 3 axe rules share the 6 axe cells.
    assert int(suite.get("failures", "0")) == 6 + 2 + 2 + 3
    assert int(suite.get("errors", "0")) == 0


def test_axe_version_other_than_the_pin_stops_the_run(
    browser: WebDriver, fixture_site: str
) -> None:
    visit(browser, fixture_site, _cell("/"))
    with pytest.raises(EngineMismatch, match="package-lock pins 0.0.0"):
        AxeRunner(browser, pin="0.0.0").run()


def test_browser_without_javascript_runs_no_page_script(
    browser: WebDriver, browser_without_javascript: WebDriver, fixture_site: str
) -> None:
    """The fixture page marks <html> from a script; only the JavaScript browser may see it."""
    read = "return document.documentElement.dataset.scripted || null"
    visit(browser, fixture_site, _cell("/"))
    assert browser.execute_script(read) == "yes"
    visit(browser_without_javascript, fixture_site, _cell("/"))
    assert browser_without_javascript.execute_script(read) is None


def test_preferences_check_passes_on_a_working_form(
    browser_without_javascript: WebDriver, fixture_site: str
) -> None:
    assert (
        checks.preferences_without_javascript(browser_without_javascript, fixture_site, "/") == []
    )


def test_reflow_catches_content_cut_off_instead_of_scrolling(
    browser: WebDriver, fixture_site: str
) -> None:
    found = checks.reflow(visit(browser, fixture_site, _cell(CUT_OFF)))
    assert [(f.rule, f.selector) for f in found] == [("reflow", "#cut-off")]
    assert "cuts it off" in found[0].message
    assert checks.reflow(visit(browser, fixture_site, _cell(CUT_OFF, viewport=0))) == []


def test_preferences_check_catches_a_form_that_sends_the_visitor_away(
    browser_without_javascript: WebDriver, fixture_site: str
) -> None:
    found = checks.preferences_without_javascript(
        browser_without_javascript, fixture_site, PREFERENCES_GO_HOME
    )
    assert [(f.rule, f.message) for f in found] == [
        (
            "preferences-without-javascript",
            "pressing font size 'large' on /broken/preferences-go-home/ took the visitor to / "
            "instead of back to that page",
        )
    ]


def test_cell_visit_stays_on_its_page_when_the_form_sends_the_visitor_away(
    browser: WebDriver, fixture_site: str
) -> None:
    page = visit(browser, fixture_site, _cell(PREFERENCES_GO_HOME, "extra-large"))
    assert browser.current_url == page.url
    assert browser.find_element("tag name", "h1").text == "Preferences go home"
    assert "font-size-extra-large" in (
        browser.find_element("tag name", "html").get_attribute("class") or ""
    )


def test_mode_toggle_and_consistency_pass_on_the_fixture(
    browser: WebDriver, fixture_site: str
) -> None:
    assert checks.mode_toggle(browser, fixture_site, "/faults/") == []
    assert checks.mode_toggle(browser, fixture_site, "/text-only/faults/") == []
    home = checks.repeated_parts(visit(browser, fixture_site, _cell("/")).driver)
    page = visit(browser, fixture_site, _cell("/faults/"))
    assert checks.consistency(page, home, "/") == []


def test_exception_excuses_only_findings_inside_its_scope(
    browser: WebDriver, axe: AxeRunner, fixture_site: str
) -> None:
    visit(browser, fixture_site, _cell("/faults/missing-alt/"))
    found = from_axe(axe.run()[0]["violations"])
    assert [f.rule for f in found] == ["image-alt"]
    date = datetime.date(2999, 1, 1)
    inside = exceptions_file.Exception_("image-alt", "main", "test", date)
    elsewhere = exceptions_file.Exception_("image-alt", "header", "test", date)
    other_rule = exceptions_file.Exception_("color-contrast", "main", "test", date)
    assert exceptions_file.apply(browser, found, [inside]) == ([], found)
    assert exceptions_file.apply(browser, found, [elsewhere, other_rule]) == (found, [])


def test_the_report_itself_passes_axe(browser: WebDriver, axe: AxeRunner, tmp_path: Path) -> None:
    """QA engineers who use assistive technology read the report too."""
    rec = Recorder(tmp_path, "http://127.0.0.1:1", pinned_version(), "156")
    found = [
        Finding("image-alt", "critical", "#logo", "Images must have alt text", "https://h", "axe"),
        Finding("reflow", "serious", "#wide", "600 px in 320 px", "https://h", "check"),
    ]
    for cell in build_cells(["/", "/text-only/"])[:3]:
        rec.record("axe", cell, "http://127.0.0.1:1/", found, found[1:], {"axe_run": 0.1})
    rec.outcomes["violations"] = 3
    browser.get((rec.write(1.0) / "index.html").as_uri())
    violations = axe.run()[0]["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
