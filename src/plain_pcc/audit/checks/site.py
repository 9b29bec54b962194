"""Checks of what a site's profile declares: its modes' switch, its preferences working with
JavaScript off, its repeated parts in the same order, its form states and its 404 probe."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from ..discovery import fetch
from ..findings import Finding, NotApplicable, finding, from_axe
from ..matrix import Cell
from ..profile import Mode, Preference, Profile
from . import Check, Visit, default_first_viewport, run_js


class NoPage(RuntimeError):
    """A click that should have loaded a page loaded none."""


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _wait(visit: Visit) -> WebDriverWait[Any]:
    # Pages on loopback arrive in milliseconds; Selenium's default half-second poll dominates.
    return WebDriverWait(
        visit.driver, 10, poll_frequency=0.01, ignored_exceptions=(WebDriverException,)
    )


def follow(visit: Visit, action: Any, what: str) -> tuple[str, str]:
    """Do something that loads a new page (a click, a submission) and wait for it to load; the
    paths of the page left and of the page reached."""
    left = visit.session.evaluate("window.__a11yAuditLeaving = true; return location.href")
    try:
        action()
    except WebDriverException as exc:
        # Chromium can report the navigation the click started as an error about the old
        # document's nodes; the wait below tells whether the new page came.
        if "does not belong to the document" not in str(exc) and "stale" not in str(exc):
            raise
    try:
        # While the new page commits, a script may find no document to run in: an error
        # (a WebDriverException), which the wait passes over.
        reached = _wait(visit).until(
            lambda d: visit.session.evaluate(
                "return !window.__a11yAuditLeaving && document.readyState === 'complete'"
                " && location.href"
            )
        )
    except TimeoutException as exc:
        raise NoPage(f"{what} on {_path(left)} loaded no page") from exc
    return _path(left), _path(reached)


# -- consistent parts (3.2.3, 3.2.6) ------------------------------------------------------


def parts(visit: Visit) -> list[Finding]:
    """Reads each repeated part here; the run compares every page with its mode's first."""
    if not visit.profile.parts:
        raise NotApplicable("the profile declares no repeated parts")
    specs = [{"name": p.name, "selector": p.selector, "read": p.read} for p in visit.profile.parts]
    visit.data["parts"] = run_js(visit, "parts", specs)
    return []


def compare_parts(
    profile_parts: Any, here: dict[str, list[str]], reference: dict[str, list[str]], where: str
) -> list[Finding]:
    found = []
    for part in profile_parts:
        mine, theirs = here.get(part.name, []), reference.get(part.name, [])
        if theirs and not mine:
            found.append(finding(part.rule, part.selector, f"no {part.name} here, unlike {where}"))
            continue
        # Extra items (a section's own links) are allowed; shared ones keep their order.
        shared = [item for item in mine if item in theirs]
        expected = [item for item in theirs if item in mine]
        if shared != expected:
            found.append(
                finding(
                    part.rule,
                    part.selector,
                    f"{part.name} reads {mine}, but on {where} it reads {theirs}",
                )
            )
    return found


# -- modes (2.4.5) -------------------------------------------------------------------------


def _other(profile_modes: tuple[Mode, ...], here: Mode) -> Mode:
    """The mode the switch leads to: the plain one, or from the plain one the first other."""
    plain = next(m for m in profile_modes if m.prefix == "/")
    return plain if here is not plain else next(m for m in profile_modes if m is not plain)


def counterpart(page: str, here: Mode, there: Mode) -> str:
    rest = page[len(here.prefix.rstrip("/")) :] if here.prefix != "/" else page
    rest = rest if rest.startswith("/") else "/" + rest
    return rest if there.prefix == "/" else there.prefix.rstrip("/") + rest


# The page's first h1, as its text is drawn.
_H1 = "const h1 = document.querySelector('h1'); return h1 ? h1.innerText.trim() : null;"
_BY_SELECTOR = "return document.querySelector(arguments[0]);"


def mode_switch(visit: Visit) -> list[Finding]:
    profile, page = visit.profile, visit.cell.page
    if not profile.modes:
        raise NotApplicable("the profile declares no modes")
    here = profile.mode(visit.cell.mode)
    if not here.switch:
        raise NotApplicable(f"the profile names no switch link for the {here.name} mode")
    there = _other(profile.modes, here)
    text = here.switch
    link = run_js(visit, "switch_link", f'//a[normalize-space()="{text}"]')
    if not link:
        return [finding("mode-switch", "body", f'no link "{text}" on the page')]
    probe = page in profile.not_found
    # A 404 page stands at any address, so its switch may lead to the other mode's home.
    allowed = {counterpart(page, here, there)}
    if probe:
        allowed.add(there.prefix)
    at, snippet, heading = link["selector"], link["snippet"], visit.session.evaluate(_H1)
    href = _path(link["href"])
    wanted = " or ".join(sorted(allowed))
    if href not in allowed:
        return [finding("mode-switch", at, f'"{text}" points to {href}, not {wanted}', snippet)]
    _, landed = follow(visit, lambda: visit.session.click(_BY_SELECTOR, at), f'following "{text}"')
    if landed not in allowed:
        return [finding("mode-switch", at, f'"{text}" landed on {landed}, not {wanted}', snippet)]
    reached = visit.session.evaluate(_H1)
    if not probe and reached != heading:
        return [
            finding(
                "mode-switch",
                at,
                f'"{text}" landed on a page headed {reached!r}, not {heading!r}',
                snippet,
            )
        ]
    return []


# -- preferences with JavaScript off ------------------------------------------------------


def _current(visit: Visit, pref: Preference) -> str | None:
    state = run_js(visit, "preference_state", [[pref.field, pref.current_selector()]])
    value = state["state"][pref.field]
    return None if value is None else str(value)


def _measure(visit: Visit, pref: Preference) -> Any:
    return visit.session.evaluate(f"return ({pref.measure.expression()})")


# A preference's control for a value: what it is, whether its form has a submit button, and
# where the page is.
_CONTROL = """
const [selector, submit] = arguments;
const control = document.querySelector(selector);
return [control && control.localName, control && String(control.type || '').toLowerCase(),
        !!document.querySelector(submit), location.href];
"""


def choose(visit: Visit, pref: Preference, value: str) -> tuple[str, str]:
    """Use the site's own control, as a visitor does: a button, or a radio and its form, each
    clicked as WebDriver clicks (``Session.click``). The paths of the page left and of the
    page reached."""
    control = pref.control_selector(value)
    submit = (
        f'{pref.form} button:not([type="button"]):not([name="{pref.field}"]), '
        f'{pref.form} input[type="submit"]'
    )
    tag, kind, has_submit, here = visit.session.evaluate(_CONTROL, control, submit)
    if tag is None:
        raise NoPage(f"no control {control!r} on {_path(here)}")
    if tag == "button" or kind in ("submit", "image"):
        return follow(
            visit,
            lambda: visit.session.click(_BY_SELECTOR, control),
            f"pressing {pref.name} {value!r}",
        )
    visit.session.click(_BY_SELECTOR, control)
    if not has_submit:
        raise NoPage(f"the {pref.name} form {pref.form!r} has no submit button")
    return follow(
        visit,
        lambda: visit.session.click(_BY_SELECTOR, submit),
        f"submitting {pref.name} {value!r}",
    )


def _returns_to(visit: Visit) -> set[str]:
    page = visit.cell.page
    allowed = {page}
    if page in visit.profile.not_found and visit.profile.modes:
        # A 404 page repeats no address it was asked for: its controls lead to its mode's home.
        allowed.add(visit.profile.mode(visit.cell.mode).prefix)
    elif page in visit.profile.not_found:
        allowed.add("/")
    return allowed


def preferences(visit: Visit) -> list[Finding]:
    """Each preference through its form with JavaScript off: marked, applied, remembered.

    A new visitor sees the default marked. Choosing each other value in order must bring the
    visitor back to this page with the value marked and its measure changed (or grown). On the
    first page of each mode every preference is walked so, and the last value must survive a
    reload and a move to another page, where choosing the default restores the page. The other
    pages of a mode take one choice each, every value of every preference in turn: every
    page's cells already show each value marked and applied (set by cookie), so what a page
    adds is its own forms' round trip back to it, and each form is still used on many pages.
    """
    profile = visit.profile
    if not profile.preferences:
        raise NotApplicable("the profile declares no preferences")
    visit.session.reset(visit.cell.viewport, None, javascript=False)
    visit.driver.get(visit.url)
    found: list[Finding] = []
    of_mode = [p for p in visit.pages if profile.mode_of(p) == visit.cell.mode]
    if not of_mode or of_mode[0] == visit.cell.page:
        for pref in profile.preferences:
            found += _one_preference(visit, pref, pref.values[1:], persist=True)
        return found
    turn = of_mode.index(visit.cell.page) if visit.cell.page in of_mode else len(of_mode)
    choices = [(p, v) for p in profile.preferences for v in p.values[1:]]
    pref, value = choices[(turn - 1) % len(choices)]
    return _one_preference(visit, pref, (value,), persist=False)


def _one_preference(
    visit: Visit, pref: Preference, values: Sequence[str], persist: bool
) -> list[Finding]:
    """Choose ``values`` in turn; with ``persist``, then reload, move on, and choose the default."""
    rule, found = "preference-applies", []
    allowed = _returns_to(visit)

    def marked(value: str, when: str) -> list[Finding]:
        shown = _current(visit, pref)
        if shown == value:
            return []
        return [
            finding(
                rule,
                pref.control_selector(value),
                f"{pref.name} {value!r} is not the one marked current {when} (marked: {shown!r})",
            )
        ]

    def press(value: str) -> Finding | None:
        try:
            before, landed = choose(visit, pref, value)
        except NoPage as exc:
            return finding(rule, pref.control_selector(value), str(exc))
        if landed not in allowed | {before}:
            # WCAG 3.2.2: changing a setting must not take the visitor somewhere else.
            return finding(
                rule,
                pref.control_selector(value),
                f"choosing {pref.name} {value!r} on {before} took the visitor to "
                f"{landed} instead of back to that page",
            )
        return None

    found += marked(pref.default, "for a new visitor")
    measures = [_measure(visit, pref)]
    for value in values:
        problem = press(value)
        if problem:
            return [*found, problem]
        found += marked(value, "after choosing it")
        measures.append(_measure(visit, pref))
    shown = ", ".join(f"{v} {m}" for v, m in zip((pref.default, *values), measures, strict=True))
    if pref.measure.change == "grow":
        numbers = [n for n in map(_number, measures) if n is not None]
        if len(numbers) != len(measures) or any(
            b <= a for a, b in zip(numbers, numbers[1:], strict=False)
        ):
            found.append(finding(rule, "html", f"{pref.name} does not grow: {shown}"))
    elif any(m == measures[0] for m in measures[1:]):
        found.append(finding(rule, "html", f"{pref.name} has no effect for some values: {shown}"))
    if not persist:
        return found
    last = values[-1]
    visit.driver.refresh()
    found += marked(last, "after a reload")
    elsewhere = _link_elsewhere(visit)
    if elsewhere is not None:
        _, there = follow(
            visit, lambda: visit.session.click(_NTH_LINK, elsewhere), "following a link"
        )
        found += marked(last, f"on the next page, {there}")
        allowed = allowed | {there}
    problem = press(pref.default)
    if problem:
        return [*found, problem]
    found += marked(pref.default, "after choosing it again")
    if _measure(visit, pref) != measures[0]:
        found.append(
            finding(
                rule,
                pref.control_selector(pref.default),
                f"choosing {pref.default!r} again gave {_measure(visit, pref)}, not {measures[0]}",
            )
        )
    return found


def _number(value: Any) -> float | None:
    """A measure as a number: 16, "16px" and "1.5em" read as their leading number."""
    match = re.match(r"\s*(-?\d+(?:\.\d+)?)", str(value))
    return float(match.group(1)) if match else None


# The link at a place among the page's links, counted as ``js/links.js`` counts them.
_NTH_LINK = "return document.querySelectorAll('a[href]')[arguments[0]];"


def _link_elsewhere(visit: Visit) -> int | None:
    """A same-site link to another page of the same mode, as a visitor would follow: its
    place among the page's links."""
    links, here = run_js(visit, "links")
    origin = visit.site.origin
    for index, (href, drawn) in enumerate(links):
        if not href.startswith(origin) or "#" in href:
            continue
        path = _path(href)
        if path != _path(here) and visit.profile.mode_of(path) == visit.cell.mode and drawn:
            return index
    return None


# -- form states and the 404 probe ---------------------------------------------------------


def form_states(visit: Visit) -> list[Finding]:
    states = [f for f in visit.profile.forms if f.page == visit.cell.page]
    if not states:
        raise NotApplicable("the profile declares no form state on this page")
    found: list[Finding] = []
    for state in states:
        visit.driver.get(visit.url)
        forms = visit.driver.find_elements(By.CSS_SELECTOR, state.form)
        if not forms:
            found.append(finding("form-state", state.form, f"{state.name}: no form {state.form!r}"))
            continue
        form = forms[0]
        for name, value in state.fields:
            field = form.find_elements(By.CSS_SELECTOR, f'[name="{name}"]')
            if not field:
                found.append(finding("form-state", state.form, f"{state.name}: no field {name!r}"))
                break
            field[0].clear()
            if value:
                field[0].send_keys(value)
        else:
            try:
                follow(
                    visit,
                    lambda f=form: visit.driver.execute_script("arguments[0].requestSubmit()", f),
                    f"submitting {state.name}",
                )
            except NoPage as exc:
                found.append(finding("form-state", state.form, f"{state.name}: {exc}"))
                continue
            if not visit.driver.find_elements(By.CSS_SELECTOR, state.expect):
                found.append(
                    finding(
                        "form-state",
                        state.expect,
                        f"{state.name}: the answer has no {state.expect!r}",
                    )
                )
            results = visit.axe.run(visit.driver, visit.session.evaluate)
            found += from_axe(results["violations"])
            found += from_axe(results["incomplete"], review=True)
    return found


def not_found(visit: Visit) -> list[Finding]:
    if visit.cell.page not in visit.profile.not_found:
        raise NotApplicable("not a 404 probe")
    status, _, _ = fetch(visit.url)
    if status != 404:
        return [
            finding(
                "not-found-status",
                "html",
                f"{visit.cell.page} does not exist, yet the site answered {status}",
            )
        ]
    return []


def _declared(what: Callable[[Cell, Profile], bool]) -> Callable[[Cell, Profile], bool]:
    def applies(cell: Cell, profile: Profile) -> bool:
        return default_first_viewport(cell, profile) and what(cell, profile)

    return applies


PAGE_CHECKS = (
    Check(
        "consistency",
        "site",
        ("consistent-navigation", "consistent-help"),
        parts,
        _declared(lambda c, p: bool(p.parts)),
    ),
)
VISIT_CHECKS = (
    Check(
        "mode-switch",
        "site",
        ("mode-switch",),
        mode_switch,
        _declared(lambda c, p: any(m.switch for m in p.modes)),
    ),
    Check(
        "preferences",
        "site",
        ("preference-applies",),
        preferences,
        _declared(lambda c, p: bool(p.preferences)),
        loads_pages=True,
    ),
    Check(
        "form-states",
        "site",
        ("form-state",),
        form_states,
        _declared(lambda c, p: any(f.page == c.page for f in p.forms)),
        loads_pages=True,
    ),
    Check(
        "not-found",
        "site",
        ("not-found-status",),
        not_found,
        _declared(lambda c, p: c.page in p.not_found),
        loads_pages=True,
    ),
)


def judge_parts(results: list[Any], profile: Profile, pages: list[str]) -> None:
    """Compare each page's repeated parts with the first page of its mode that was read."""
    read = {r.cell.page: r for r in results if "parts" in r.data}
    references: dict[str, str] = {}
    for page in pages:
        if page in read:
            references.setdefault(read[page].cell.mode, page)
    for page, result in read.items():
        reference = references[result.cell.mode]
        if page == reference:
            continue
        found = compare_parts(
            profile.parts, result.data["parts"], read[reference].data["parts"], reference
        )
        outcome = next(o for o in result.outcomes if o.check == "consistency")
        outcome.findings += found
