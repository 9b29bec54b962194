"""Every check of the audit's own, proven both ways on fixture pages served under a strict CSP.

Each page names exactly what each check must find there; a check not named must find nothing
and must have run (a false alarm is a defect, as a miss is). Pages built from WCAG's
Understanding documents: their sufficient techniques pass, their common failures fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import DESKTOP, NARROW, audit_page, found

from plain_pcc.audit.axe import AxeRunner
from plain_pcc.audit.browser import Session
from plain_pcc.audit.checks import Visit, all_checks
from plain_pcc.audit.checks.layout import text_spacing
from plain_pcc.audit.discovery import Site
from plain_pcc.audit.findings import Finding
from plain_pcc.audit.matrix import Cell
from plain_pcc.audit.profile import MediaCondition, Profile
from plain_pcc.audit.runner import Context, audit_cell

GENERIC = {c.id for c in all_checks() if c.family == "generic"}
NA, CNR = "not-applicable", "could-not-run"

# page: {check: findings (rule, selector) | status}; every other check ran and found nothing.
EXPECTED: dict[str, dict[str, Any]] = {
    "/clean.html": {},
    "/spacing-grows.html": {},
    "/frame-clean.html": {},
    "/drawing.svg": {"skip-link": NA, "resize-text": NA, "text-spacing": NA},
    "/data.xml": {
        "skip-link": NA,
        "resize-text": NA,
        "text-spacing": NA,
        "keyboard": NA,
        "target-size": NA,
    },
    "/wide-drawing.svg": {
        "reflow": {("reflow", "#band")},
        "skip-link": NA,
        "resize-text": NA,
        "text-spacing": NA,
        "keyboard": NA,
        "target-size": NA,
    },
    # 1.4.10: a fixed-width box scrolls the page sideways; cut off by overflow-x it is lost.
    "/reflow-wide.html": {"reflow": {("reflow", "#wide")}},
    "/reflow-cut-off.html": {"reflow": {("reflow", "#cut")}},
    # 1.4.12: spacing clips a fixed box, even against the page's own !important (stylesheet
    # and inline); a page that undoes the spacing cannot be judged and says so.
    "/spacing-clipped.html": {"text-spacing": {("text-spacing", "#tight")}},
    "/spacing-important.html": {
        "text-spacing": {("text-spacing", "#held")},
        "resize-text": {("resize-text", "#held")},
    },
    "/spacing-undone.html": {"text-spacing": CNR},
    # 1.4.4: a root size in px ignores the browser's text size; a fixed-height box clips.
    "/resize-px-root.html": {"resize-text": {("resize-text", "html")}},
    "/resize-clipped.html": {"resize-text": {("resize-text", "#short")}},
    # 2.4.1: landmarks and headings are sufficient (best practice note only); nothing at all
    # is a failure; a broken skip link is a failure; nothing before main: not applicable.
    "/landmarks-no-skip.html": {
        "skip-link": {("skip-link-missing", "html > body > nav > ul > li:nth-of-type(1) > a")}
    },
    "/no-bypass.html": {"skip-link": {("bypass-blocks", "#first")}},
    "/skip-hidden.html": {
        "skip-link": {("skip-link", "#hidden-skip")},
        "keyboard": {("focus-not-obscured", "#hidden-skip")},
    },
    "/skip-no-focus-move.html": {"skip-link": {("skip-link", "#skip")}},
    # A main without tabindex takes no focus, but the next Tab starts there: these pass.
    "/skip-to-plain-main.html": {},
    "/skip-to-empty-main.html": {},
    "/skip-to-bare-main.html": {},
    "/nothing-to-bypass.html": {"skip-link": NA},
    # 2.4.7, 2.4.11, 2.1.1, 2.1.2: including a trap that springs late, one only for
    # Shift+Tab, and one inside a frame.
    "/focus-outline-removed.html": {"keyboard": {("focus-visible", "#no-outline")}},
    "/focus-obscured.html": {"keyboard": {("focus-not-obscured", "#under")}},
    "/unreachable.html": {"keyboard": {("keyboard-reachable", "#unreachable")}},
    "/trap-tab.html": {"keyboard": {("keyboard-trap", "#trap")}},
    "/trap-delayed.html": {"keyboard": {("keyboard-trap", "#sticky")}},
    "/trap-shift.html": {"keyboard": {("keyboard-trap", "#one-way")}},
    "/frame-trap.html": {"keyboard": {("keyboard-trap", "#frame >> #inner-trap")}},
    # 2.5.8: two 16 px buttons side by side.
    "/target-tiny.html": {
        "target-size": {("target-size-minimum", "#tiny"), ("target-size-minimum", "#tiny-2")}
    },
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_check_findings_on_fixture_page(
    page: str, session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    result = audit_page(session, axe_runner, checks_site, page, GENERIC, NARROW)
    assert result.error == ""
    expected = EXPECTED[page]
    got: dict[str, Any] = {}
    for outcome in result.outcomes:
        if outcome.check == "axe":
            continue
        if outcome.status != "ran":
            got[outcome.check] = outcome.status
        elif outcome.findings:
            got[outcome.check] = {(f.rule, f.selector) for f in outcome.findings}
    assert got == expected
    assert {o.check for o in result.outcomes} == GENERIC | {"axe"}


def test_every_generic_check_is_proven_to_fail_and_to_pass() -> None:
    failing = {
        check for page in EXPECTED.values() for check, v in page.items() if isinstance(v, set)
    }
    assert failing == GENERIC
    # The clean pages pass every check.
    assert EXPECTED["/clean.html"] == {}
    assert EXPECTED["/spacing-grows.html"] == {}


@pytest.mark.parametrize("page", ["/clean.html", "/reflow-wide.html"])
def test_wide_viewport_has_no_reflow_to_judge(
    page: str, session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    """1.4.10 is judged at 320 CSS px only: at desktop width a 600 px box is no failure."""
    result = audit_page(session, axe_runner, checks_site, page, GENERIC, DESKTOP)
    assert "reflow" not in {o.check for o in result.outcomes}
    assert all(not o.findings for o in result.outcomes if o.check != "axe")


@pytest.mark.parametrize("page", ["/trap-tab.html", "/trap-shift.html", "/frame-trap.html"])
def test_a_trap_is_caught_at_a_viewport_that_walks_forward_only(
    page: str, session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    """Away from the profile's last viewport the keyboard walk goes one way with no wait after:
    a trap that holds Tab at once still shows in its log; one that holds Shift+Tab only is the
    last viewport's to find."""
    result = audit_page(session, axe_runner, checks_site, page, {"keyboard"}, DESKTOP)
    expected = {"/trap-tab.html": {("keyboard-trap", "#trap")}, "/trap-shift.html": set()}
    assert found(result, "keyboard") == expected.get(page, EXPECTED[page]["keyboard"])


def _spacing_visit(session: Session, checks_site: str, page: str) -> Visit:
    url = checks_site + page
    session.reset(DESKTOP, None)
    session.driver.get(url)
    # Lives as long as this document: gone if the page is loaded again.
    session.driver.execute_script("window.__sameDocument = true")
    return Visit(session, Cell(page, "", (), DESKTOP), url, Site.parse(checks_site), Profile())


def _page_state(session: Session, spaced: str) -> list[Any]:
    return session.driver.execute_script(
        "return [document.documentElement.outerHTML, window.__sameDocument === true,"
        " getComputedStyle(document.getElementById(arguments[0])).letterSpacing]",
        spaced,
    )


@pytest.mark.parametrize(
    ("page", "spaced"), [("/spacing-clipped.html", "tight"), ("/spacing-important.html", "held")]
)
def test_text_spacing_puts_the_page_back_as_it_was(
    page: str, spaced: str, session: Session, checks_site: str
) -> None:
    """The checks after it judge the page as loaded, without loading it again: every
    element's own style attribute is back (the page's inline !important too)."""
    visit = _spacing_visit(session, checks_site, page)
    before = _page_state(session, spaced)
    assert found_by(text_spacing(visit)) == {("text-spacing", f"#{spaced}")}
    assert _page_state(session, spaced) == [before[0], True, before[2]]


def test_text_spacing_loads_a_page_again_that_changed_itself_in_answer(
    session: Session, checks_site: str
) -> None:
    """A page whose scripts answer the spacing by changing its document cannot be put back
    by the audit: it is loaded again, and the next check sees it as loaded."""
    visit = _spacing_visit(session, checks_site, "/spacing-clipped.html")
    before = _page_state(session, "tight")
    session.driver.execute_script(
        "new MutationObserver(() => document.body.setAttribute('data-spaced', ''))"
        ".observe(document.documentElement, {attributes: true, subtree: true,"
        " attributeFilter: ['style']})"
    )
    assert found_by(text_spacing(visit)) == {("text-spacing", "#tight")}
    assert _page_state(session, "tight") == [before[0], False, before[2]]


def found_by(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.rule, f.selector) for f in findings}


def test_strict_csp_is_in_force_on_the_fixture_pages(session: Session, checks_site: str) -> None:
    """The proofs above are made under the page's own CSP, which refuses a <style> element;
    the text-spacing check gets past it with CSSOM writes and the DevTools CSP bypass."""
    session.cdp("Page.setBypassCSP", {"enabled": False})
    try:
        session.driver.get(checks_site + "/spacing-clipped.html")
        blocked = session.driver.execute_script(
            "const s = document.createElement('style');"
            "s.textContent = '#tight { letter-spacing: 0.5em !important; }';"
            "document.head.appendChild(s);"
            "return getComputedStyle(document.getElementById('tight')).letterSpacing;"
        )
    finally:
        session.cdp("Page.setBypassCSP", {"enabled": True})
    assert blocked == "normal"


def test_an_emulated_device_setting_is_applied_and_audited(
    session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    """A profile's media condition is emulated, confirmed in the page, and audited by axe."""
    dark = MediaCondition("dark", (("prefers-color-scheme", "dark"),))
    ctx = Context(
        Site.parse(checks_site), Profile(media=(dark,)), axe_runner, ("/dark-scheme.html",), [], []
    )
    light = audit_cell(session, Cell("/dark-scheme.html", "", (), DESKTOP), ctx)
    in_dark = audit_cell(session, Cell("/dark-scheme.html", "", (), DESKTOP, dark), ctx)
    assert (light.error, in_dark.error) == ("", "")
    assert found(light, "axe") == set()
    assert found(in_dark, "axe") == {("color-contrast", ".note")}
