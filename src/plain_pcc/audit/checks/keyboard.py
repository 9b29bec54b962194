"""Keyboard checks: bypass blocks (2.4.1), and a paced walk with Tab and Shift+Tab for focus
visible (2.4.7), focus not obscured (2.4.11), keyboard reach (2.1.1) and traps (2.1.2)."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from ..findings import CouldNotRun, Finding, NotApplicable, finding
from . import Check, Visit, await_js, default_cells, is_html, page_kept, run_js

# Each key press is an input event of its own, dispatched to the page and acknowledged before
# the next (WebDriver's actions), so the page's own handlers and timers run between presses as
# they do for a person; a handler that acts later is caught by the log of every focus change
# and the wait after the walk (SETTLE_S). A pause between presses on top of that caught
# nothing more in the fixtures and took about 60% of the key presses' time.
SETTLE_S = 0.25


def press(visit: Visit, keys: str, times: int = 1, shift: bool = False) -> None:
    """Real key presses through the browser's input pipeline, one by one, in one round trip:
    each key of ``keys``, ``times`` over."""
    actions = ActionChains(visit.driver, duration=0)
    if shift:
        actions.key_down(Keys.SHIFT)
    for _ in range(times):
        actions.send_keys(keys)
    if shift:
        actions.key_up(Keys.SHIFT)
    actions.perform()


def keys_undone(visit: Visit) -> bool:
    """After key presses: a followed link's fragment undone, focus let go, the scroll put
    back; whether the page is then as it was kept."""
    return page_kept(visit, "focus_undo")


def walk_undone(visit: Visit) -> bool:
    """After the keyboard walk, on a page that can run no script of its own (nothing but the
    keys changed it): its recording stopped, its keys undone, and whether the page is then as
    it was kept. On a page that can, False: a trap may still act on anything after the walk, so
    the page is loaded again."""
    return not visit.may_run_script() and keys_undone(visit)


def skip_link(visit: Visit) -> list[Finding]:
    if not is_html(visit):
        raise NotApplicable("not an HTML document")
    run_js(visit, "keep_page")  # to be put back as it is now, for the keyboard walk
    press(visit, Keys.TAB)
    first = run_js(visit, "skip_link")
    page = first["page"]
    if page["blocksBefore"] == 0 and page["main"]:
        raise NotApplicable("no links or controls come before the main content: nothing to bypass")
    is_skip = bool(first.get("focused")) and first["isLink"] and first["targetIsMain"]
    if not is_skip:
        if page["main"] and page["headings"]:
            # WCAG 2.4.1's sufficient techniques include landmarks (ARIA11) and headings (H69).
            return [
                finding(
                    "skip-link-missing",
                    first.get("focused") or "body",
                    "the first Tab does not reach a link to the main content; the page bypasses "
                    "blocks with its main landmark and headings, but a visible skip link helps "
                    "keyboard users who do not use a screen reader",
                    first.get("snippet", ""),
                )
            ]
        missing = [
            w
            for w, ok in (("a main landmark", page["main"]), ("headings", page["headings"]))
            if not ok
        ]
        return [
            finding(
                "bypass-blocks",
                first.get("focused") or "body",
                f"{page['blocksBefore']} links or controls come before the content, with no skip "
                f"link and no {' or '.join(missing)} to go past them",
                first.get("snippet", ""),
            )
        ]
    if not first["visible"]:
        return [
            finding(
                "skip-link",
                first["focused"],
                f"the skip link {first['what']} cannot be seen when focused (box {first['rect']})",
                first["snippet"],
            )
        ]
    # Enter on the link, then Tab: the Tab must land in the main content, wherever Enter put
    # focus. A link to a main that cannot take focus (no tabindex) moves only where the next Tab
    # starts (HTML's sequential focus navigation starting point), so the Tab is what shows it
    # worked; a link to a main that can take focus moves focus there, and the Tab goes on from
    # it. Both keys in one round trip, each still acknowledged by the page before the next.
    press(visit, Keys.ENTER + Keys.TAB)
    after = run_js(visit, "active_element")
    # With nothing to focus in the main content, the Tab lands past it; with nothing to focus
    # after it either, the followed link (:target) is the evidence. Past a main that has
    # something to focus, the link skipped the content itself.
    if not after["mainFocusable"] and (
        after["afterMain"] or (not after["focusableAfterMain"] and after["targetInMain"])
    ):
        after["inMain"] = True
    if not after["inMain"]:
        return [
            finding(
                "skip-link",
                first["focused"],
                f"Enter on the skip link, then Tab, left focus on {after['active'] or 'the page'}, "
                "not in the main content",
                first["snippet"],
            )
        ]
    return []


def _walk(visit: Visit, shift: bool, undo: bool = False) -> tuple[dict[str, Any], bool]:
    """One walk through the page: its log, and (with ``undo``, for a walk back to follow)
    whether its keys were undone, in the same round trip as the log is read."""
    count = run_js(visit, "keyboard")
    if count == 0:
        raise NotApplicable("the page has no links or controls")
    # Two more than there are targets: the sequence must wrap back round to the first.
    press(visit, Keys.TAB, count + 2, shift=shift)
    # At the last viewport each walk waits for a trap that acts late (see keyboard()), and only
    # on a page that can run script: nothing else moves focus without a key. The walk forward
    # waits before its keys are undone, so that a trap it set off springs in its own log, not
    # on the page put back for the walk back. The wait runs on the page's own clock: a handler
    # the page set to fire sooner fires first, however slowly the machine runs.
    scripted = visit.may_run_script()
    wait = int(SETTLE_S * 1000) if (shift or undo) and scripted else 0
    answer = await_js(visit, "keyboard_log", wait, undo, scripted)
    log, undone = (answer["log"], bool(answer["kept"])) if undo else (answer, False)
    if not log or not log["keys"]:
        raise CouldNotRun("the key presses did not reach the page")
    return dict(log), undone


def keyboard(visit: Visit) -> list[Finding]:
    """Tab through the page, then Shift+Tab back: indicators, obscured focus, reach, traps.

    Shift+Tab goes back through the same sequence, so to look for traps it is walked at one
    viewport, the profile's last (by default the narrow one, where layouts hide and move things
    most); at the others, Tab alone shows what their layout changes (whether each focused
    element and its indicator can be seen). A trap is the page's scripts, not its layout: at
    the last viewport each walk waits for one that acts late (the walk back leaves every
    element the walk forward left, so a trap that pulls focus back a moment after it goes
    springs there too); elsewhere the log still shows a trap that acts at once or while the
    walk goes on.

    Wherever the walk forward left something unreached, at any viewport, Shift+Tab is walked
    too: a control that only Shift+Tab reaches is still reached by keyboard. On a page that
    cannot run script nothing but the browser moves focus: no trap can hold it, and Shift+Tab
    goes back through the very sequence Tab went through, so there the walk back is walked only
    then, even at the last viewport.
    """
    last = visit.cell.viewport.name == visit.profile.viewports[-1][0]
    scripted = visit.may_run_script()
    trap_walk = last and scripted
    forward, undone = _walk(visit, shift=False, undo=trap_walk)
    if trap_walk or _unreached(forward["targets"], forward["focused"]):
        if not trap_walk:
            undone = keys_undone(visit)
        if not undone:
            # The walk back begins where a page just loaded begins, whatever the walk forward
            # left behind: put back as it was before that walk, or else loaded again.
            visit.reload()
        backward, _ = _walk(visit, shift=True)
    else:
        backward = {"focused": [], "targets": forward["targets"], "keys": []}
    found: list[Finding] = []
    reported: set[str] = set()
    for entry in forward["focused"]:
        if entry["selector"] in reported or not entry["byKey"]:
            continue
        reported.add(entry["selector"])
        if entry["known"] and not entry["indicator"]:
            found.append(
                finding(
                    "focus-visible",
                    entry["selector"],
                    f"{entry['what']} looks the same focused as unfocused: no outline, shadow, "
                    "border, colour or underline change",
                    entry["snippet"],
                )
            )
        seen = entry["seen"]
        if not seen["visible"]:
            cover = f", covered by {seen['coveredBy']}" if seen.get("coveredBy") else ""
            found.append(
                finding(
                    "focus-not-obscured",
                    entry["selector"],
                    f"{entry['what']} has focus but cannot be seen (box {seen['rect']}{cover})",
                    entry["snippet"],
                )
            )
    found += _confirmed(visit, _traps(forward, "Tab"), shift=False) or _confirmed(
        visit, _traps(backward, "Shift+Tab"), shift=True
    )
    if not any(f.rule == "keyboard-trap" for f in found):
        targets = forward["targets"]
        for index in _unreached(targets, forward["focused"] + backward["focused"]):
            target = targets[index]
            found.append(
                finding(
                    "keyboard-reachable",
                    target["selector"],
                    f"{target['what']} is visible but neither Tab nor Shift+Tab reaches it",
                    target["snippet"],
                )
            )
    return found


def _unreached(targets: list[dict[str, Any]], focused: list[dict[str, Any]]) -> list[int]:
    """The targets that no key press in these logs reached."""
    reached = {e["index"] for e in focused if e["byKey"]}
    # Tab reaches a radio group once, at its checked radio; the others are reached by arrows.
    groups = {targets[i]["group"] for i in reached if i < len(targets) and targets[i]["group"]}
    return [
        index
        for index, target in enumerate(targets)
        if index not in reached and target["group"] not in groups
    ]


def _traps(log: dict[str, Any], key: str) -> list[Finding]:
    several = len(log["targets"]) > 1
    # A script moving focus back to where Tab had just left: a trap that springs late.
    # Wrapping round from the last element to the first (or back) can land a moment late:
    # arriving where the walk began is the wrap, not a pull.
    left: set[str] = set()
    start = log["focused"][0]["selector"] if log["focused"] else None
    for entry in log["focused"]:
        if entry["byKey"]:
            left.add(entry["selector"])
        elif entry["selector"] in left and entry["selector"] != start and several:
            return [
                finding(
                    "keyboard-trap",
                    entry["selector"],
                    f"after {key} moved focus on from {entry['what']}, the page moved it back",
                    entry["snippet"],
                )
            ]
    # Focus where it was at the last press: the key did not move it.
    keys = log["keys"]
    for before, after in zip(keys, keys[1:], strict=False):
        if before["at"] is not None and before["at"] == after["at"] and several:
            snippet = next(
                (e["snippet"] for e in log["focused"] if e["selector"] == before["at"]), ""
            )
            return [
                finding(
                    "keyboard-trap",
                    before["at"],
                    f"focus stayed on this element when {key} was pressed",
                    snippet,
                )
            ]
    return []


# A second look at focus that stayed put: focus the element again, press the key once, and let
# the page settle. On a busy machine a key press can be lost; a trap holds focus every time.
_LOOK_AGAIN = """
const [selector, wait, done] = arguments;
let el = null;
try { el = document.querySelector(selector); } catch (error) { el = null; }
if (!el) { done(null); return; }
el.focus();
done(document.activeElement === el);
"""
_STILL_THERE = """
const [selector, wait, done] = arguments;
setTimeout(() => done(document.activeElement === document.querySelector(selector)), wait);
"""


def _confirmed(visit: Visit, traps: list[Finding], shift: bool) -> list[Finding]:
    """The walk's traps, less any "focus stayed" that a single, settled key press disproves."""
    kept = []
    for trap in traps:
        if trap.message.startswith("focus stayed"):
            focused = visit.driver.execute_async_script(_LOOK_AGAIN, trap.selector, 0)
            # Inside a frame the selector is the walk's own notation: keep what the walk saw.
            if focused:
                press(visit, Keys.TAB, 1, shift=shift)
                wait = int(SETTLE_S * 1000)
                if not visit.driver.execute_async_script(_STILL_THERE, trap.selector, wait):
                    continue
        kept.append(trap)
    return kept


CHECKS = (
    Check(
        "skip-link",
        "generic",
        ("bypass-blocks", "skip-link", "skip-link-missing"),
        skip_link,
        default_cells,
        changes_page=True,
        put_back=keys_undone,
    ),
    # Last on the page: the walk springs whatever trap the page sets, and a trap that acts a
    # moment later would act on any check after it, after the page was put back.
    Check(
        "keyboard",
        "generic",
        ("focus-visible", "focus-not-obscured", "keyboard-reachable", "keyboard-trap"),
        keyboard,
        default_cells,
        changes_page=True,
        put_back=walk_undone,
    ),
)
