"""Headless Chromium through Selenium, and visiting a matrix cell as a visitor would."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.wait import WebDriverWait

from .matrix import PREFERENCES, Cell, Preference, Viewport

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# The machine has no general network: without these Chromium keeps dialling Google's services.
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    # The audit navigates hundreds of times: keeping each left page alive for the back button
    # and building a new frame per navigation costs about a quarter of Chromium's time.
    "--disable-features=BackForwardCache,RenderDocument",
)
DEFAULT_FONT_PX = 16
DEFAULT_FIXED_FONT_PX = 13
PREFERENCES_FORM = 'form[action="/preferences"]'


class VisitError(RuntimeError):
    """The cell could not be set up (page did not load, preference form missing or inert)."""


@contextmanager
def chromium(*, javascript: bool = True) -> Iterator[WebDriver]:
    """A fresh headless Chromium with an empty profile, removed again when the block ends."""
    profile = tempfile.mkdtemp(prefix="a11y-chromium-")
    try:
        driver = start_chromium(profile, javascript=javascript)
        try:
            yield driver
        finally:
            driver.quit()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def start_chromium(profile: str, *, javascript: bool = True) -> WebDriver:
    """Headless Chromium on the given profile directory; the driver is never downloaded."""
    # Selenium Manager would otherwise look for a driver online when the paths are wrong.
    os.environ.setdefault("SE_OFFLINE", "true")
    chromium = Path(os.environ.get("PLAIN_PCC_CHROMIUM", CHROMIUM))
    chromedriver = Path(os.environ.get("PLAIN_PCC_CHROMEDRIVER", CHROMEDRIVER))
    for path in (chromium, chromedriver):
        if not os.access(path, os.X_OK):
            raise FileNotFoundError(
                f"{path} is missing: install Debian's chromium and chromium-driver (make browser)"
            )
    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    if not javascript:
        # The site promises everything works without JavaScript; its visitors may have it off.
        options.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2}
        )
    driver = webdriver.Chrome(service=Service(executable_path=str(chromedriver)), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def browser_version(driver: WebDriver) -> str:
    return str(driver.capabilities.get("browserVersion", "unknown"))


def set_viewport(driver: WebDriver, viewport: Viewport) -> None:
    """Exact CSS viewport size, independent of window decorations and minimum window sizes."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {
            "width": viewport.width,
            "height": viewport.height,
            "deviceScaleFactor": 1,
            "mobile": False,
        },
    )


def set_browser_text_size(driver: WebDriver, percent: int) -> None:
    """The browser's own text-size setting (Chrome: Settings > Appearance > Font size)."""
    driver.execute_cdp_cmd(
        "Page.setFontSizes",
        {
            "fontSizes": {
                "standard": DEFAULT_FONT_PX * percent // 100,
                "fixed": DEFAULT_FIXED_FONT_PX * percent // 100,
            }
        },
    )


@dataclass
class Page:
    """A loaded page in a known cell, with how long getting there took."""

    driver: WebDriver
    cell: Cell
    url: str
    timings: dict[str, float] = field(default_factory=dict)


def url_for(base_url: str, route: str) -> str:
    return base_url.rstrip("/") + route


def load(driver: WebDriver, url: str) -> None:
    # WebDriver's navigation returns once the load event has fired.
    driver.get(url)


def _wait(driver: WebDriver) -> WebDriverWait[WebDriver]:
    # Pages on loopback arrive in milliseconds; Selenium's default half-second poll dominates.
    # Mid-navigation, commands can fail on the document being replaced: keep polling.
    return WebDriverWait(driver, 10, poll_frequency=0.01, ignored_exceptions=(WebDriverException,))


def pressed_value(driver: WebDriver, preference: Preference) -> str | None:
    """The value whose button the site marks ``aria-pressed="true"``."""
    buttons = driver.find_elements(
        By.CSS_SELECTOR,
        f'{PREFERENCES_FORM} button[name="{preference.field}"][aria-pressed="true"]',
    )
    return buttons[0].get_attribute("value") if len(buttons) == 1 else None


def follow(driver: WebDriver, element: WebElement, what: str) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded."""
    # A mark on the old document: gone once the next document has replaced it.
    driver.execute_script("window.__a11yAuditLeaving = true")
    try:
        element.click()
    except WebDriverException as exc:
        # Chromium can report the navigation the click started as an error about the old
        # document's nodes; the wait below tells whether the new page came.
        if "does not belong to the document" not in str(exc):
            raise
    try:
        _wait(driver).until(
            lambda d: d.execute_script(
                "return !window.__a11yAuditLeaving && document.readyState === 'complete'"
            )
        )
    except TimeoutException as exc:
        raise VisitError(f"{what} on {driver.current_url} loaded no page") from exc


def button_selector(preference: Preference, value: str) -> str:
    return f'{PREFERENCES_FORM} button[name="{preference.field}"][value="{value}"]'


def choose(driver: WebDriver, preference: Preference, value: str) -> None:
    """Press the site's own button for ``value`` and wait for the 303 to land on a page.

    This is what a visitor does, and it works with JavaScript off, so the same code serves both
    browsers.
    """
    selector = button_selector(preference, value)
    buttons = driver.find_elements(By.CSS_SELECTOR, selector)
    if not buttons:
        raise VisitError(f"no {preference.name} button {selector!r} on {driver.current_url}")
    follow(driver, buttons[0], f"pressing {preference.name} {value!r}")


_STATE = """
const pressed = {};
for (const field of arguments[0]) {
  const on = document.querySelectorAll(
    `form[action="/preferences"] button[name="${field}"][aria-pressed="true"]`);
  pressed[field] = on.length === 1 ? on[0].value : null;
}
return { width: window.innerWidth, pressed };
"""


def page_state(
    driver: WebDriver, preferences: tuple[Preference, ...] = PREFERENCES
) -> dict[str, Any]:
    """Viewport width and each preference's pressed value, in one round trip."""
    return dict(driver.execute_script(_STATE, [p.field for p in preferences]))


def apply_preferences(
    driver: WebDriver,
    cell: Cell,
    url: str,
    state: dict[str, Any] | None = None,
    preferences: tuple[Preference, ...] = PREFERENCES,
) -> None:
    state = state or page_state(driver, preferences)
    for preference in preferences:
        wanted = cell.preference(preference.field)
        # A visitor already at the value they want does not press its button again.
        if state["pressed"][preference.field] == wanted:
            continue
        choose(driver, preference, wanted)
        if urlsplit(driver.current_url).path != urlsplit(url).path:
            # The form took the visitor elsewhere (test_preferences_without_javascript
            # reports that); like them, go back to the page, where the cookie now applies.
            load(driver, url)
        state = page_state(driver, preferences)
        if state["pressed"][preference.field] != wanted:
            raise VisitError(
                f"after choosing {preference.name} {wanted!r} the browser shows "
                f"{driver.current_url} ({driver.title!r}), where "
                f"{state['pressed'][preference.field]!r} is marked pressed"
            )


def visit(driver: WebDriver, base_url: str, cell: Cell) -> Page:
    """A fresh visit: no cookies from earlier tests, the cell's viewport and preferences."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    # Every site's cookies, not just the current page's: no preference leaks between tests.
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    set_viewport(driver, cell.viewport)
    url = url_for(base_url, cell.route)
    load(driver, url)
    state = page_state(driver)
    width = state["width"]
    if width != cell.viewport.width:
        raise VisitError(f"viewport is {width} CSS px wide, wanted {cell.viewport.width}")
    timings["load"] = time.perf_counter() - start
    start = time.perf_counter()
    apply_preferences(driver, cell, url, state)
    timings["preferences"] = time.perf_counter() - start
    return Page(driver=driver, cell=cell, url=url, timings=timings)
