"""Browser checks for the WCAG 2.2 AA criteria axe cannot test; each returns its findings."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from .browser import (
    Page,
    VisitError,
    button_selector,
    choose,
    follow,
    load,
    pressed_value,
    set_browser_text_size,
    set_viewport,
    url_for,
)
from .findings import Finding, finding
from .matrix import ERROR_ROUTES, PREFERENCES, TEXT_ONLY_PREFIX, VIEWPORTS, Preference, mode_of

JS_DIR = Path(__file__).resolve().parent / "js"
PREFERENCES_RULE = "preferences-without-javascript"
TOGGLE_TEXT = {"full": "View text only version", "text-only": "View full website"}


@cache
def _script(name: str) -> str:
    helpers = (JS_DIR / "helpers.js").read_text(encoding="utf-8")
    return helpers + "\n" + (JS_DIR / f"{name}.js").read_text(encoding="utf-8")


def run_js(driver: WebDriver, name: str, *args: Any) -> Any:
    return driver.execute_script(_script(name), *args)


def selector_of(driver: WebDriver, element: Any) -> str:
    return str(run_js(driver, "css_path", element))


def press(driver: WebDriver, key: str, times: int = 1) -> None:
    """Real key presses through the browser's input pipeline, in one round trip."""
    actions = ActionChains(driver, duration=0)
    for _ in range(times):
        actions.send_keys(key)
    actions.perform()


def reflow(page: Page) -> list[Finding]:
    result = run_js(page.driver, "reflow")
    if result["clips"]:
        # overflow-x: hidden on the page hides the scroll bar, and with it the content.
        return [
            finding("reflow", o["selector"], f"{o['detail']}, and the page cuts it off")
            for o in result["offenders"]
        ]
    if result["scrollWidth"] <= result["width"]:
        return []
    where = f"the page is {result['scrollWidth']} px wide in a {result['width']} px viewport"
    offenders = result["offenders"] or [{"selector": "html", "detail": where}]
    return [finding("reflow", o["selector"], f"{o['detail']} ({where})") for o in offenders]


def _text_fits(driver: WebDriver, rule: str, condition: str) -> list[Finding]:
    return [
        finding(rule, f["selector"], f"{condition}: {f['detail']}")
        for f in run_js(driver, "text_fits")
    ]


def resize_text(page: Page) -> list[Finding]:
    """The browser's own text size at 200%: the page must follow it and lose nothing."""
    driver = page.driver
    before = run_js(driver, "root_font")
    # Chromium applies the setting to the open page at once, as it does for a visitor.
    set_browser_text_size(driver, 200)
    try:
        after = run_js(driver, "root_font")
        found = []
        # Root font sizes in px ignore the visitor's setting; rem and % follow it.
        if after < 2 * before - 0.5:
            found.append(
                finding(
                    "resize-text",
                    "html",
                    f"the root font size went from {before} px to {after} px when the browser "
                    "text size was set to 200%: the page does not follow the visitor's setting",
                )
            )
        return found + _text_fits(driver, "resize-text", "with browser text at 200%")
    finally:
        set_browser_text_size(driver, 100)


def text_spacing(page: Page) -> list[Finding]:
    run_js(page.driver, "text_spacing")
    return _text_fits(page.driver, "text-spacing", "with WCAG text spacing")


def skip_link(page: Page) -> list[Finding]:
    driver = page.driver
    press(driver, Keys.TAB)
    first = run_js(driver, "skip_link")
    if not first["focused"]:
        return [finding("skip-link", "body", "the first Tab focused nothing")]
    problems = []
    if not first["isLink"] or not first["target"]:
        problems.append(f"the first Tab focused {first['what']}, not a link to a part of the page")
    elif not first["targetIsMain"]:
        problems.append(f"the first link goes to {first['target']}, which is not the main content")
    if not first["visible"]:
        problems.append(f"the focused link {first['what']} is not visible (box {first['rect']})")
    if problems:
        return [finding("skip-link", first["focused"], p) for p in problems]
    press(driver, Keys.ENTER)
    after = run_js(driver, "active_element")
    if not after["inMain"]:
        return [
            finding(
                "skip-link",
                first["focused"],
                f"Enter on the skip link left focus on {after['active'] or 'the page'}, "
                "not on the main content",
            )
        ]
    return []


def focus(page: Page) -> list[Finding]:
    """Tab through the page once: indicators, obscured focus, reachability and traps."""
    driver = page.driver
    count = run_js(driver, "focus_recorder")
    # Two more than there are targets: the sequence must wrap back round to the first.
    press(driver, Keys.TAB, count + 2)
    log = run_js(driver, "focus_log")
    found: list[Finding] = []
    reported: set[str] = set()
    for entry in log["focused"]:
        if entry["selector"] in reported:
            continue
        reported.add(entry["selector"])
        if entry["known"] and not entry["indicator"]:
            found.append(
                finding(
                    "focus-visible",
                    entry["selector"],
                    f"{entry['what']} looks the same focused as unfocused: no outline, shadow, "
                    "border, colour or underline change",
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
                )
            )
    reached = {entry["index"] for entry in log["focused"]}
    for index, target in enumerate(log["targets"]):
        if index not in reached:
            found.append(
                finding(
                    "keyboard-reachable",
                    target["selector"],
                    f"{target['what']} is visible but Tab never reaches it",
                )
            )
    tabs = log["tabs"]
    for before, after in zip(tabs, tabs[1:], strict=False):
        # With one target, Tab wraps round to the same element: that is no trap.
        if before is not None and before == after and len(log["targets"]) > 1:
            found.append(
                finding(
                    "keyboard-trap", before, "focus stayed on this element when Tab was pressed"
                )
            )
            break
    return found


def target_size(page: Page) -> list[Finding]:
    return [
        finding("target-size-minimum", t["selector"], t["detail"])
        for t in run_js(page.driver, "target_size")
    ]


def _path(url: str) -> str:
    return urlsplit(url).path or "/"


def _nav_link_elsewhere(driver: WebDriver) -> Any:
    here = _path(driver.current_url)
    for link in driver.find_elements(By.CSS_SELECTOR, 'nav[aria-label="Main"] a[href]'):
        href = link.get_attribute("href") or ""
        if _path(href) != here and not href.startswith(("tel:", "mailto:")):
            return link
    return None


def preferences_without_javascript(
    driver: WebDriver,
    base_url: str,
    route: str,
    preferences: tuple[Preference, ...] = PREFERENCES,
) -> list[Finding]:
    """Each preference through the form with JavaScript off: applied, growing, remembered.

    A new visitor sees the default marked. Pressing each other value in order must bring the
    visitor back to this page with the value in force, and a ``measure`` must grow strictly.
    The last value must survive a reload and a move to another page, where pressing the
    default must restore it.
    """
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    set_viewport(driver, VIEWPORTS[0])
    load(driver, url_for(base_url, route))
    found: list[Finding] = []
    for pref in preferences:
        measures = [_measure(driver, pref)]
        found += _pressed(driver, pref, pref.default, "for a new visitor")
        for value in pref.values[1:]:
            problem = _press(driver, pref, value)
            if problem:
                return [*found, problem]
            found += _pressed(driver, pref, value, "after pressing it")
            measures.append(_measure(driver, pref))
        if pref.measure and any(b <= a for a, b in zip(measures, measures[1:], strict=False)):
            shown = ", ".join(f"{v} {m:g}" for v, m in zip(pref.values, measures, strict=True))
            found.append(finding(PREFERENCES_RULE, "html", f"{pref.name} does not grow: {shown}"))
        last = pref.values[-1]
        driver.refresh()
        found += _pressed(driver, pref, last, "after a reload")
        link = _nav_link_elsewhere(driver)
        if link is None:
            return [*found, finding(PREFERENCES_RULE, "nav", "no link to another page")]
        follow(driver, link, "following a menu link")
        found += _pressed(driver, pref, last, f"on the next page, {_path(driver.current_url)}")
        problem = _press(driver, pref, pref.default)
        if problem:
            return [*found, problem]
        found += _pressed(driver, pref, pref.default, "after pressing it again")
        if _measure(driver, pref) != measures[0]:
            found.append(
                finding(
                    PREFERENCES_RULE,
                    button_selector(pref, pref.default),
                    f"pressing {pref.default!r} again gave {_measure(driver, pref):g}, "
                    f"not {measures[0]:g}",
                )
            )
    return found


def _measure(driver: WebDriver, pref: Preference) -> float:
    return float(driver.execute_script(f"return {pref.measure}")) if pref.measure else 0.0


def _press(driver: WebDriver, pref: Preference, value: str) -> Finding | None:
    """Press the button; a finding if no page came or it was not the page the visitor was on."""
    button = button_selector(pref, value)
    before = _path(driver.current_url)
    try:
        choose(driver, pref, value)
    except VisitError as exc:
        return finding(PREFERENCES_RULE, button, str(exc))
    landed = _path(driver.current_url)
    if landed != _return_path(before):
        # WCAG 3.2.2: changing a setting must not take the visitor somewhere else.
        return finding(
            PREFERENCES_RULE,
            button,
            f"pressing {pref.name} {value!r} on {before} took the visitor to {landed} instead "
            "of back to that page",
        )
    return None


def _pressed(driver: WebDriver, pref: Preference, value: str, when: str) -> list[Finding]:
    if pressed_value(driver, pref) == value:
        return []
    return [
        finding(
            PREFERENCES_RULE,
            button_selector(pref, value),
            f"{pref.name} {value!r} is not the one marked pressed {when}",
        )
    ]


def _return_path(route: str) -> str:
    """Where the page's controls lead back to. An error page stands at any address and never
    repeats it (it reflects nothing a request sent), so its controls lead to the home page of
    its mode, as the page says."""
    if route in ERROR_ROUTES:
        return TEXT_ONLY_PREFIX + "/" if mode_of(route) == "text-only" else "/"
    return route


def counterpart(route: str) -> str:
    """The same page in the other mode."""
    if mode_of(route) == "text-only":
        rest = route[len(TEXT_ONLY_PREFIX) :]
        return rest if rest.startswith("/") else "/" + rest
    return TEXT_ONLY_PREFIX + route


def _h1(driver: WebDriver) -> str | None:
    headings = driver.find_elements(By.TAG_NAME, "h1")
    return headings[0].text.strip() if headings else None


def mode_toggle(driver: WebDriver, base_url: str, route: str) -> list[Finding]:
    rule = "mode-toggle"
    load(driver, url_for(base_url, route))
    text = TOGGLE_TEXT[mode_of(route)]
    links = driver.find_elements(By.XPATH, f'//a[normalize-space()="{text}"]')
    if not links:
        return [finding(rule, "body", f'no link "{text}" on the page')]
    expected = counterpart(_return_path(route))
    heading = _h1(driver)
    link = selector_of(driver, links[0])
    href = links[0].get_attribute("href") or ""
    if _path(href) != _path(url_for(base_url, expected)):
        return [finding(rule, link, f'"{text}" points to {_path(href)}, not {expected}')]
    follow(driver, links[0], f'following "{text}"')
    landed = _path(driver.current_url)
    if landed != _path(url_for(base_url, expected)):
        return [finding(rule, link, f'"{text}" landed on {landed}, not {expected}')]
    if route not in ERROR_ROUTES and _h1(driver) != heading:
        return [
            finding(
                rule, link, f'"{text}" landed on a page headed {_h1(driver)!r}, not {heading!r}'
            )
        ]
    return []


def repeated_parts(driver: WebDriver) -> dict[str, Any]:
    return dict(run_js(driver, "repeated_parts"))


def consistency(page: Page, reference: dict[str, Any], reference_route: str) -> list[Finding]:
    """Same relative order as on the reference page of the same mode (3.2.3, 3.2.6)."""
    here = repeated_parts(page.driver)
    found = []
    ref_nav = reference["nav"] or []
    if here["nav"] is None:
        found.append(finding("consistent-navigation", "body", 'no <nav aria-label="Main">'))
    else:
        # Extra links (a section's own pages) are allowed; the shared ones keep their order.
        shared = [label for label in here["nav"] if label in ref_nav]
        if shared != ref_nav:
            found.append(
                finding(
                    "consistent-navigation",
                    'nav[aria-label="Main"]',
                    f"main navigation reads {here['nav']}, but on {reference_route} it reads "
                    f"{ref_nav}",
                )
            )
    if (here["contacts"], here["navBeforeContacts"]) != (
        reference["contacts"],
        reference["navBeforeContacts"],
    ):
        found.append(
            finding(
                "consistent-help",
                "header",
                f"contact details {here['contacts']} (navigation first: "
                f"{here['navBeforeContacts']}) differ from {reference_route}: "
                f"{reference['contacts']} (navigation first: {reference['navBeforeContacts']})",
            )
        )
    return found
