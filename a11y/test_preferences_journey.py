"""The display preferences as a visitor meets them: in a real browser with JavaScript off, the
site served by ``plain-pcc serve``, each of Dark, High contrast, Wide spacing and the low-vision
typeface chosen with the keyboard alone on one page.

Each journey proves that the choice changes that page (a computed measure, not only a class),
that the page says so in words and in its accessibility tree, that the visitor lands back at the
control they used (the address's fragment, where the next Tab goes), that the next page and the
other mode keep it, and that it survives quitting the browser and starting it again on the same
profile (a persistent cookie, the only one set). A last pair of proofs: with nothing chosen, the
device's dark and more-contrast settings give the dark and high-contrast colours, and no cookie
is stored.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from navigation import settled
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from served import Served

from plain_pcc.audit.browser import (
    CHROMEDRIVER,
    CHROMEDRIVER_VARIABLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_VARIABLE,
)

PREFERENCE_COOKIES = {"font_size", "colour_scheme", "spacing", "typeface"}
ONE_YEAR = 365 * 24 * 60 * 60
FULL_PAGE = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"
TEXT_PAGE = "/text-only/cookies/"
TEXT_PREFIX = "/text-only"
LIGHT_BACKGROUND = "rgb(255, 255, 255)"
DARK_BACKGROUND = "rgb(26, 26, 26)"  # display.css: --background #1a1a1a
HIGH_CONTRAST_BACKGROUND = "rgb(0, 0, 0)"  # display.css: --background #000
HYPERLEGIBLE = "Atkinson Hyperlegible"
# How long a measure may take to settle: the typeface is a web font, fetched after the page
# has drawn in the fallback (font-display: swap).
SETTLE_SECONDS = 10.0


# -- the site, as its operator starts it -------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``plain-pcc serve`` in a process of its own, on a free loopback port."""
    quiet = {
        "PLAIN_PCC_MAIL_SENDER": "false",
        "PLAIN_PCC_LOG_LEVEL": "warning",
        "PLAIN_PCC_ACCESS_LOG": "false",
    }
    with Served(tmp_path_factory.mktemp("site") / "data", quiet) as served:
        yield served.base_url


# -- the browser: Chromium with JavaScript turned off in its own settings ----------------------


@pytest.fixture
def profile_dir(tmp_path: Path) -> Iterator[Path]:
    """One browser profile, kept across a restart of the browser, removed afterwards."""
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    yield profile
    shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def browser(profile: Path) -> Iterator[WebDriver]:
    """Headless Chromium on ``profile``; quitting closes it the way a visitor does, so its
    persistent cookies are written to the profile."""
    os.environ.setdefault("SE_OFFLINE", "true")
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get(CHROMIUM_VARIABLE, CHROMIUM)
    # The visitor's browser: Chromium itself, in its headless mode, not the audit's shell.
    options.add_argument("--headless=new")
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--window-size=1280,1024")
    # JavaScript off as a visitor turns it off (Settings > Privacy > Site settings): a setting
    # kept in the profile, so the restarted browser has it too.
    options.add_experimental_option(
        "prefs", {"profile.default_content_setting_values.javascript": 2}
    )
    service = Service(executable_path=os.environ.get(CHROMEDRIVER_VARIABLE, CHROMEDRIVER))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(30)
        assert_javascript_off(driver)
        yield driver
    finally:
        driver.quit()


def assert_javascript_off(driver: WebDriver) -> None:
    """A page whose script would retitle it keeps its own title: the browser runs no script.
    (WebDriver's own reads still work: they go through the DevTools protocol.)"""
    driver.get("data:text/html,<title>still</title><script>document.title='ran'</script>")
    assert driver.title == "still"


def press(driver: WebDriver, key: str) -> WebElement:
    """One key, to whatever has focus, as a keyboard sends it; what has focus afterwards."""
    ActionChains(driver).send_keys(key).perform()
    return driver.switch_to.active_element


def path_of(driver: WebDriver, base: str) -> str:
    url = str(driver.current_url)
    assert url.startswith(base + "/"), url
    return url[len(base) :]


def other_mode(path: str) -> str:
    return path[len(TEXT_PREFIX) :] if path.startswith(TEXT_PREFIX + "/") else TEXT_PREFIX + path


def preference_cookies(driver: WebDriver) -> list[dict[str, Any]]:
    return [c for c in driver.get_cookies() if c["name"] in PREFERENCE_COOKIES]


# -- what the page shows ------------------------------------------------------------------------


def background(driver: WebDriver) -> str:
    return str(driver.execute_script("return getComputedStyle(document.body).backgroundColor"))


def spacing(driver: WebDriver) -> str:
    """Letter and word spacing of the first paragraph of the main content, in ems of its own
    font size: the same in both modes, whatever size each mode sets."""
    letters, words = driver.execute_script(
        "const p = document.querySelector('main p'), s = getComputedStyle(p);"
        "const size = parseFloat(s.fontSize);"
        "return [(parseFloat(s.letterSpacing) || 0) / size,"
        "        (parseFloat(s.wordSpacing) || 0) / size];"
    )
    return f"letters {letters:.2f}em, words {words:.2f}em"


def typeface(driver: WebDriver) -> str:
    """The face the browser really drew the first paragraph of the main content in, and
    whether the site's Atkinson Hyperlegible face is loaded and ready."""
    driver.execute_cdp_cmd("DOM.enable", {})
    driver.execute_cdp_cmd("CSS.enable", {})
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": "main p"})
    fonts = driver.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    drawn = max(fonts["fonts"], key=lambda f: f["glyphCount"])["familyName"]
    ready = driver.execute_script(
        "return document.fonts.check('16px \"Atkinson Hyperlegible\"')"
        " && [...document.fonts].some(f => f.family.replace(/\"/g, '') === arguments[0]"
        "                                  && f.status === 'loaded');",
        HYPERLEGIBLE,
    )
    return f"drawn in {drawn}, face loaded: {bool(ready)}"


def measure_settles(driver: WebDriver, measure: Callable[[WebDriver], str], expected: str) -> str:
    """The measure once it equals ``expected``, or its last value after a few seconds."""
    deadline = time.monotonic() + SETTLE_SECONDS
    value = measure(driver)
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = measure(driver)
    return value


def ax_node(driver: WebDriver, selector: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The accessibility tree's node for the element, and its nearest ancestor that the tree
    exposes: what a screen reader is told."""
    root = driver.execute_cdp_cmd("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node_id = driver.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})[
        "nodeId"
    ]
    assert node_id, f"no {selector} on the page"
    backend = driver.execute_cdp_cmd("DOM.describeNode", {"nodeId": node_id})["node"][
        "backendNodeId"
    ]
    nodes = driver.execute_cdp_cmd(
        "Accessibility.getPartialAXTree", {"nodeId": node_id, "fetchRelatives": True}
    )["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    node = next(n for n in nodes if n.get("backendDOMNodeId") == backend)
    parent = by_id[node["parentId"]]
    while parent.get("ignored"):
        parent = by_id[parent["parentId"]]
    return node, parent


def ax_property(node: dict[str, Any], name: str) -> Any:
    for prop in node.get("properties", []):
        if prop["name"] == name:
            return prop["value"]["value"]
    return None


# -- the journeys ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Journey:
    field: str  # the form field and its cookie
    value: str
    label: str  # the choice's words, as the status line and the radio's label say them
    legend: str
    action: str  # the submit button's words
    values: tuple[str, ...]  # the group's values, in order; the first is the default
    start: str  # the page the choice is made on
    measure: Callable[[WebDriver], str]
    expected: str

    @property
    def slug(self) -> str:
        return self.field.replace("_", "-")

    @property
    def anchor(self) -> str:
        return f"preference-{self.slug}"


COLOURS = ("default", "dark", "high-contrast")
JOURNEYS = [
    Journey(
        "colour_scheme",
        "dark",
        "Dark",
        "Colours",
        "Set colours",
        COLOURS,
        FULL_PAGE,
        background,
        DARK_BACKGROUND,
    ),
    Journey(
        "colour_scheme",
        "high-contrast",
        "High contrast",
        "Colours",
        "Set colours",
        COLOURS,
        TEXT_PAGE,
        background,
        HIGH_CONTRAST_BACKGROUND,
    ),
    Journey(
        "spacing",
        "wide",
        "Wide",
        "Spacing",
        "Set spacing",
        ("normal", "wide"),
        TEXT_PAGE,
        spacing,
        # display.css: letters 0.12em, words 0.16em (WCAG 1.4.12).
        "letters 0.12em, words 0.16em",
    ),
    Journey(
        "typeface",
        "hyperlegible",
        "Atkinson Hyperlegible",
        "Typeface",
        "Set typeface",
        ("default", "hyperlegible"),
        FULL_PAGE,
        typeface,
        f"drawn in {HYPERLEGIBLE}, face loaded: True",
    ),
]


def choose_with_keyboard(driver: WebDriver, journey: Journey) -> None:
    """From the top of the page: Tab to the preference's radio group, arrow keys to the value,
    Tab to the form's button, Enter. No mouse, no script."""
    for _ in range(40):
        focused = press(driver, Keys.TAB)
        if focused.get_attribute("name") == journey.field:
            break
    else:
        pytest.fail(f"Tab never reached the {journey.legend} radio group")
    # A radio group is one Tab stop, on its checked radio: here the default.
    assert (focused.get_attribute("value"), focused.is_selected()) == (journey.values[0], True)
    # Each arrow key moves to the next radio and checks it.
    for _ in journey.values:
        if focused.get_attribute("value") == journey.value:
            break
        focused = press(driver, Keys.ARROW_DOWN)
        assert focused.get_attribute("name") == journey.field
        assert focused.is_selected()
    assert focused.get_attribute("value") == journey.value
    button = press(driver, Keys.TAB)
    assert (button.tag_name, button.text) == ("button", journey.action)
    press(driver, Keys.ENTER)
    settled(driver, button)


def assert_in_effect(driver: WebDriver, journey: Journey, where: str) -> None:
    """The page in front of the visitor shows the choice: its root class, its measure, its
    checked radio and the words of its status line."""
    classes = str(driver.execute_script("return document.documentElement.className")).split()
    assert f"{journey.slug}-{journey.value}" in classes, (where, classes)
    assert measure_settles(driver, journey.measure, journey.expected) == journey.expected, where
    form = driver.find_element(By.ID, journey.anchor)
    status = form.find_element(By.CSS_SELECTOR, ".preference-status")
    # Not the default, so no "(the default)".
    assert status.text == f"Now set: {journey.label}.", where
    checked = [
        r.get_attribute("value")
        for r in form.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        if r.is_selected()
    ]
    assert checked == [journey.value], where


def assert_announced(driver: WebDriver, journey: Journey) -> None:
    """What assistive technology is told: the chosen radio is checked, one of a group named by
    the legend whose other radios are not, and the status line is a status."""
    for value in journey.values:
        radio, group = ax_node(driver, f"#{journey.slug}-{value}")
        assert radio["role"]["value"] == "radio"
        assert (group["role"]["value"], group["name"]["value"]) == ("group", journey.legend)
        assert ax_property(radio, "checked") == ("true" if value == journey.value else "false")
        if value == journey.value:
            assert radio["name"]["value"] == journey.label
    status, _ = ax_node(driver, f"#{journey.anchor} .preference-status")
    assert status["role"]["value"] == "status"


def follow(driver: WebDriver, link: WebElement) -> None:
    """Focus a link and press Enter on it, then wait for the page it leads to."""
    link.send_keys(Keys.ENTER)
    settled(driver, link)


@pytest.mark.parametrize("journey", JOURNEYS, ids=lambda j: f"{j.slug}-{j.value}")
def test_a_choice_made_with_the_keyboard_holds_everywhere_and_after_a_restart(
    journey: Journey, site: str, profile_dir: Path
) -> None:
    start_mode_prefix = TEXT_PREFIX if journey.start.startswith(TEXT_PREFIX + "/") else ""
    with browser(profile_dir) as driver:
        driver.get(site + journey.start)
        assert preference_cookies(driver) == []
        before = journey.measure(driver)
        assert before != journey.expected, "the measure cannot tell the choice from the default"

        choose_with_keyboard(driver, journey)

        # Back on the same page, at the form that was used: its id is the fragment and the
        # :target, and the next Tab goes into it, to the radio now checked.
        assert path_of(driver, site) == f"{journey.start}#{journey.anchor}"
        target = driver.execute_script("const t = document.querySelector(':target'); return t?.id")
        assert target == journey.anchor
        assert_in_effect(driver, journey, "the page it was chosen on")
        assert_announced(driver, journey)
        focused = press(driver, Keys.TAB)
        assert (focused.get_attribute("id"), focused.is_selected()) == (
            f"{journey.slug}-{journey.value}",
            True,
        )

        # Remembered in one persistent cookie for the whole site, out of script's reach.
        cookies = preference_cookies(driver)
        assert [(c["name"], c["value"], c["path"]) for c in cookies] == [
            (journey.field, journey.value, "/")
        ]
        assert (cookies[0]["httpOnly"], cookies[0]["sameSite"]) == (True, "Lax")
        assert abs(cookies[0]["expiry"] - (time.time() + ONE_YEAR)) < 3600

        # The next page, from the main navigation, in the same mode.
        nav = driver.find_element(By.CSS_SELECTOR, "nav[aria-label=Main]")
        follow(driver, nav.find_element(By.LINK_TEXT, "Accessibility statement"))
        assert path_of(driver, site) == f"{start_mode_prefix}/accessibility-statement/"
        assert_in_effect(driver, journey, "the next page")

        # The same page in the other mode, by the mode switch.
        switch = driver.find_element(By.CSS_SELECTOR, ".mode-switch a")
        assert switch.text == (
            "View full website" if start_mode_prefix else "View text only version"
        )
        follow(driver, switch)
        assert path_of(driver, site) == other_mode(f"{start_mode_prefix}/accessibility-statement/")
        assert_in_effect(driver, journey, "the next page in the other mode")

    # The browser quit; a new one on the same profile, and the page the choice was made on.
    with browser(profile_dir) as driver:
        driver.get(site + journey.start)
        assert [(c["name"], c["value"]) for c in preference_cookies(driver)] == [
            (journey.field, journey.value)
        ]
        assert_in_effect(driver, journey, "the first page after a restart")
        assert_announced(driver, journey)
        driver.get(site + other_mode(journey.start))
        assert_in_effect(driver, journey, "the other mode after a restart")


@pytest.mark.parametrize(
    ("feature", "setting", "colours"),
    [
        ("prefers-color-scheme", "dark", DARK_BACKGROUND),
        ("prefers-contrast", "more", HIGH_CONTRAST_BACKGROUND),
    ],
    ids=["device-dark", "device-more-contrast"],
)
def test_the_device_setting_is_honoured_with_no_choice_stored(
    feature: str, setting: str, colours: str, site: str, profile_dir: Path
) -> None:
    with browser(profile_dir) as driver:
        # The device asks for nothing: the light colours.
        driver.get(site + FULL_PAGE)
        assert background(driver) == LIGHT_BACKGROUND

        driver.execute_cdp_cmd(
            "Emulation.setEmulatedMedia", {"features": [{"name": feature, "value": setting}]}
        )
        for page in (FULL_PAGE, TEXT_PAGE):
            driver.get(site + page)
            assert driver.execute_script(f"return matchMedia('({feature}: {setting})').matches")
            classes = str(driver.execute_script("return document.documentElement.className"))
            assert "colour-scheme-default" in classes.split(), (page, classes)
            assert background(driver) == colours, page
            form = driver.find_element(By.ID, "preference-colour-scheme")
            status = form.find_element(By.CSS_SELECTOR, ".preference-status").text
            assert status == "Now set: Your device's setting (the default).", page
            assert driver.find_element(By.ID, "colour-scheme-default").is_selected(), page
        # Nothing was chosen, so nothing was stored.
        assert preference_cookies(driver) == []
