"""Every check of the audit's own, proven both ways on fixture pages served under a strict CSP.

Each page names exactly what each check must find there; a check not named must find nothing
and must have run (a false alarm is a defect, as a miss is). Pages built from WCAG's
Understanding documents: their sufficient techniques pass, their common failures fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import DESKTOP, NARROW, audit_page, found
from selenium.common.exceptions import JavascriptException, TimeoutException
from selenium.webdriver.common.keys import Keys
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from plain_pcc.audit.axe import AxeRunner
from plain_pcc.audit.browser import SCRIPT_TIMEOUT_S, Session
from plain_pcc.audit.checks import Check, Visit, all_checks, every_cell, run_js
from plain_pcc.audit.checks import keyboard as keyboard_module
from plain_pcc.audit.checks.keyboard import keyboard, press
from plain_pcc.audit.checks.scripting import may_run_script
from plain_pcc.audit.discovery import Site
from plain_pcc.audit.findings import Finding
from plain_pcc.audit.localsite import LiveServer
from plain_pcc.audit.matrix import Cell, Viewport
from plain_pcc.audit.profile import MediaCondition, Profile
from plain_pcc.audit.runner import Context, audit_cell, select_checks

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
    "/skip-past-main.html": {"skip-link": {("skip-link", "#skip")}},
    # A main without tabindex takes no focus, but the next Tab starts there: these pass.
    "/skip-to-plain-main.html": {},
    "/skip-to-empty-main.html": {},
    "/skip-to-bare-main.html": {},
    "/skip-to-focusable-empty-main.html": {},
    "/nothing-to-bypass.html": {"skip-link": NA},
    # 2.4.7, 2.4.11, 2.1.1, 2.1.2: including a trap that springs late, one only for
    # Shift+Tab, and one inside a frame.
    "/focus-outline-removed.html": {"keyboard": {("focus-visible", "#no-outline")}},
    "/focus-obscured.html": {"keyboard": {("focus-not-obscured", "#under")}},
    "/unreachable.html": {"keyboard": {("keyboard-reachable", "#unreachable")}},
    # With no script: a link that Tab goes past and Shift+Tab reaches is reachable.
    "/reach-shift-tab-only.html": {},
    "/trap-tab.html": {"keyboard": {("keyboard-trap", "#trap")}},
    "/trap-delayed.html": {"keyboard": {("keyboard-trap", "#sticky")}},
    # The same trap set by a script the page no longer holds, or holds out of sight: the walk
    # still waits for it (only a page served with no script at all is not waited for).
    "/trap-script-removed.html": {"keyboard": {("keyboard-trap", "#sticky")}},
    "/trap-in-shadow.html": {"keyboard": {("keyboard-trap", "#sticky")}},
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


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW])
def test_a_link_only_shift_tab_reaches_is_reachable_at_every_viewport(
    viewport: Viewport, session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    """Reach is judged from both walks wherever Tab left something, not only where traps are
    looked for: a link Shift+Tab reaches is no finding at either viewport, and a link no key
    reaches is one at both."""
    for page, expected in (
        ("/reach-shift-tab-only.html", set()),
        ("/unreachable.html", {("keyboard-reachable", "#unreachable")}),
    ):
        result = audit_page(session, axe_runner, checks_site, page, {"keyboard"}, viewport)
        assert found(result, "keyboard") == expected, page


# Around a check that changes the page: one that marks the document as loaded (and may give
# the page a script that answers the check by changing itself), one that reads it after.
SPACING_ANSWERED = (
    "new MutationObserver(() => document.body.setAttribute('data-changed', ''))"
    ".observe(document.documentElement, {attributes: true, subtree: true,"
    " attributeFilter: ['style']});"
)
FOCUS_ANSWERED = (
    "document.addEventListener('focusin', () => document.body.setAttribute('data-changed', ''));"
)


def _mark(answer: str = "") -> Check:
    def run(visit: Visit) -> list[Finding]:
        visit.driver.execute_script("window.__sameDocument = true;" + answer)
        return []

    return Check("mark", "generic", (), run, every_cell)


def _read_after(visit: Visit) -> list[Finding]:
    press(visit, Keys.TAB)
    visit.data["after"] = visit.driver.execute_script(
        "return [window.__sameDocument === true, document.body.hasAttribute('data-changed'),"
        " getComputedStyle(document.querySelector('main p')).letterSpacing,"
        " document.activeElement.textContent.trim(), window.scrollY, window.location.hash,"
        " !!document.querySelector(':target')]"
    )
    return []


READ_AFTER = Check("read-after", "generic", (), _read_after, every_cell)


def _after(
    session: Session,
    axe: AxeRunner,
    base: str,
    page: str,
    checks: list[Check],
    viewport: Viewport = DESKTOP,
) -> Any:
    ctx = Context(Site.parse(base), Profile(), axe, (page,), checks, [])
    result = audit_cell(session, Cell(page, "", (), viewport), ctx)
    assert result.error == ""
    assert all(o.status == "ran" for o in result.outcomes)
    return result.data["after"]


@pytest.mark.parametrize(
    ("page", "check"),
    [
        ("/spacing-clipped.html", "text-spacing"),
        ("/spacing-important.html", "text-spacing"),
        ("/clean.html", "contrast"),
        ("/clean.html", "skip-link"),
    ],
)
def test_a_check_puts_the_page_back_as_loaded_for_the_next(
    page: str, check: str, session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    """The next check sees the page as loaded, in the same document: the page's own style
    attributes back (its inline !important too), no scroll, no fragment, and the next Tab
    starting from the top (the skip link), though the check focused controls or followed the
    skip link."""
    checks = [_mark(), *select_checks({check})[0], READ_AFTER]
    loaded = _after(session, axe_runner, checks_site, page, [READ_AFTER])
    assert loaded[3:] == ["Skip to main content", 0, "", False]
    assert _after(session, axe_runner, checks_site, page, checks) == [True, *loaded[1:]]


@pytest.mark.parametrize(
    ("page", "check", "answer"),
    [
        ("/spacing-clipped.html", "text-spacing", SPACING_ANSWERED),
        ("/clean.html", "contrast", FOCUS_ANSWERED),
        ("/clean.html", "skip-link", FOCUS_ANSWERED),
    ],
)
def test_a_page_that_changed_itself_in_answer_is_loaded_again(
    page: str, check: str, answer: str, session: Session, axe_runner: AxeRunner, checks_site: str
) -> None:
    """A page whose script answered the check by changing its document cannot be put back by
    the audit: the next check gets the page loaded again, not the changed one."""
    checks = [_mark(answer), *select_checks({check})[0], READ_AFTER]
    loaded = _after(session, axe_runner, checks_site, page, [READ_AFTER])
    assert _after(session, axe_runner, checks_site, page, checks) == [False, *loaded[1:]]


@pytest.mark.parametrize(
    ("page", "viewport", "walks"),
    [
        # No script, and Tab reaches every link: Shift+Tab could add nothing.
        ("/clean.html", NARROW, [False]),
        # No script, and Tab leaves a link unreached (or two): the walk back is walked.
        ("/reach-shift-tab-only.html", NARROW, [False, True]),
        ("/unreachable.html", NARROW, [False, True]),
        # So too away from the last viewport, where the walk back otherwise never runs.
        ("/reach-shift-tab-only.html", DESKTOP, [False, True]),
        ("/unreachable.html", DESKTOP, [False, True]),
        # A page with script always gets the walk back, at the last viewport only.
        ("/trap-shift.html", NARROW, [False, True]),
        ("/trap-shift.html", DESKTOP, [False]),
    ],
)
def test_the_walk_back_is_walked_where_it_can_change_the_answer(
    page: str,
    viewport: Viewport,
    walks: list[bool],
    session: Session,
    checks_site: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Which walks the keyboard check makes (False forward, True back): the walk back only at
    the last viewport, and on a page served with no script only where Tab left a target."""
    taken: list[bool] = []
    walk = keyboard_module._walk

    def recorded(visit: Visit, shift: bool, undo: bool = False) -> tuple[dict[str, Any], bool]:
        taken.append(shift)
        return walk(visit, shift, undo)

    monkeypatch.setattr(keyboard_module, "_walk", recorded)
    session.reset(viewport, None)
    session.driver.get(checks_site + page)
    cell = Cell(page, "", (), viewport)
    visit = Visit(session, cell, checks_site + page, Site.parse(checks_site), Profile())
    keyboard(visit)
    assert taken == walks


@pytest.mark.parametrize(("answer", "same_document"), [("", True), (FOCUS_ANSWERED, False)])
def test_the_keyboard_walk_back_starts_on_the_page_as_loaded(
    answer: str, same_document: bool, session: Session, checks_site: str
) -> None:
    """At the last viewport the walk forward is undone before the walk back (in the same
    document), or the page is loaded again when it changed itself in answer to the keys; the
    walks find nothing either way on a page that needs the walk back to pass."""
    url = checks_site + "/reach-shift-tab-only.html"
    session.reset(NARROW, None)
    session.driver.get(url)
    cell = Cell("/reach-shift-tab-only.html", "", (), NARROW)
    visit = Visit(session, cell, url, Site.parse(checks_site), Profile())
    session.driver.execute_script("window.__sameDocument = true;" + answer)
    assert keyboard(visit) == []
    assert session.driver.execute_script("return window.__sameDocument === true") is same_document


@pytest.mark.parametrize(
    ("page", "scripted"),
    [
        ("/clean.html", False),
        ("/frame-clean.html", False),
        ("/drawing.svg", False),
        ("/trap-delayed.html", True),
        ("/trap-script-removed.html", True),
        ("/trap-in-shadow.html", True),
        ("/frame-trap.html", True),
    ],
)
def test_only_a_page_served_with_no_script_is_not_waited_for(
    page: str, scripted: bool, session: Session, checks_site: str
) -> None:
    """The walk back waits for a late trap on any page that can run script: one whose script
    removed itself, one whose script sits in a closed shadow root, one whose frame has script;
    a page and its frames served with none is not waited for."""
    session.reset(NARROW, None)
    session.driver.get(checks_site + page)
    assert may_run_script(session) is scripted
    if page in ("/trap-script-removed.html", "/trap-in-shadow.html"):
        # Nothing in the document as it now is shows the script: no script element, and the
        # shadow root is closed.
        assert session.driver.execute_script(
            "const host = document.getElementById('host');"
            "return [document.scripts.length, host ? host.shadowRoot : null]"
        ) == [0, None]


def test_a_page_the_browser_kept_no_copy_of_counts_as_able_to_run_script(
    session: Session,
) -> None:
    """A page served "no-store" is not kept by the browser, so what it came with cannot be read:
    it counts as a page that can run script, and the walk back waits for it."""

    def page(request: Request) -> HTMLResponse:
        return HTMLResponse(
            "<!DOCTYPE html><html lang='en'><title>Kept nowhere</title><main><h1>Kept nowhere"
            "</h1><a href='/'>Home</a></main></html>",
            headers={"Cache-Control": "no-store"},
        )

    with LiveServer(lambda base: Starlette(routes=[Route("/", page)])) as server:
        session.reset(NARROW, None)
        session.driver.get(server.base_url + "/")
        assert may_run_script(session) is True


def test_scripts_run_one_after_the_other_in_one_round_trip(
    session: Session, checks_site: str
) -> None:
    """Two of the checks' scripts in one round trip, each in a block of its own (both name a
    ``const all``): the spacing is set and read back, and the first to return answers."""
    session.reset(NARROW, None)
    session.driver.get(checks_site + "/spacing-clipped.html")
    applied = run_js(session, ("spacing", "spacing_check"))
    assert applied["textual"] > 0
    assert applied["missed"] == []
    assert [f["selector"] for f in applied["fits"]] == ["#tight"]
    assert run_js(session, ("document_kind", "spacing_check")) is True


def test_a_script_run_through_the_devtools_protocol_answers_as_through_webdriver(
    session: Session, checks_site: str
) -> None:
    """``Session.evaluate``: arguments in, a plain value or nothing out; a callback as the last
    argument when awaited; an exception in the page raised, as WebDriver raises it."""
    session.reset(NARROW, None)
    session.driver.get(checks_site + "/clean.html")
    source = "return [document.title, arguments[0] + arguments[1]]"
    assert session.evaluate(source, 2, 3) == session.driver.execute_script(source, 2, 3)
    assert session.evaluate("document.title") is None
    assert session.evaluate("arguments[1]([arguments[0], 1])", "x", awaited=True) == ["x", 1]
    assert session.evaluate("setTimeout(arguments[0], 0, 'later')", awaited=True) == "later"
    with pytest.raises(JavascriptException, match="no such thing"):
        session.evaluate("throw new Error('no such thing')")
    with pytest.raises(JavascriptException, match="before any answer"):
        session.evaluate("throw new Error('before any answer')", awaited=True)


def test_a_script_awaited_with_script_turned_off_is_bounded_by_webdrivers_time_limit(
    session: Session, checks_site: str
) -> None:
    """With script turned off no timer in the page fires: a script waiting on one is stopped
    by WebDriver's time limit, not left waiting; one that answers at once still answers."""
    session.reset(NARROW, None, javascript=False)
    session.driver.set_script_timeout(1)
    try:
        session.driver.get(checks_site + "/clean.html")
        assert session.evaluate("arguments[0](document.title)", awaited=True) == "A clean page"
        with pytest.raises(TimeoutException):
            session.evaluate("setTimeout(arguments[0], 0, 'never')", awaited=True)
    finally:
        session.driver.set_script_timeout(SCRIPT_TIMEOUT_S)
        session.reset(NARROW, None, javascript=True)


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
