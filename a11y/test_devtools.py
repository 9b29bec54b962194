"""A session's own DevTools socket, in a real Chromium: the commands go over it, not through
WebDriver, and do what they did through WebDriver; a refused command is an error that names
it; a session that cannot open the socket says so and sends the same commands through
WebDriver. A click made through the socket is the click WebDriver makes, and is refused where
WebDriver refuses one."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import DESKTOP, NARROW
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    NoSuchElementException,
    WebDriverException,
)
from selenium.webdriver.common.by import By

from plain_pcc.audit import browser, devtools
from plain_pcc.audit.browser import Session
from plain_pcc.audit.profile import MediaCondition

DARK = MediaCondition("device-dark", (("prefers-color-scheme", "dark"),))
# Read through WebDriver, not through the socket: what the page itself now says.
STATE = """
return [innerWidth, matchMedia('(prefers-color-scheme: dark)').matches, document.cookie,
        typeof window.__plainPccAxe]
"""


def through_webdriver(session: Session) -> list[str]:
    """The DevTools commands the session sends through WebDriver from now on."""
    sent: list[str] = []
    send = session.driver.execute_cdp_cmd

    def execute_cdp_cmd(cmd: str, cmd_args: dict[str, Any]) -> Any:
        sent.append(cmd)
        return send(cmd, cmd_args)

    session.driver.execute_cdp_cmd = execute_cdp_cmd  # type: ignore[method-assign]
    return sent


def visitor(session: Session, site: str) -> list[Any]:
    """A narrow, dark-preferring visitor with a cookie, axe preloaded, over two pages: what the
    second page says of them, read through WebDriver."""
    session.reset(DESKTOP, None)
    session.driver.get(site + "/clean.html")
    session.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": "window.__plainPccAxe = 1;"})
    session.reset(NARROW, DARK)
    session.set_cookies(site + "/", {"colour_scheme": "dark"})
    session.driver.get(site + "/clean.html")
    assert session.evaluate("return document.title") == "A clean page"
    session.driver.get(site + "/target-tiny.html")  # the settings outlast a navigation
    state: list[Any] = session.driver.execute_script(STATE)
    return state


@pytest.fixture
def fresh() -> Iterator[Session]:
    session = Session.local(7)
    yield session
    session.quit()


def test_a_session_sends_its_devtools_commands_over_its_own_socket(
    fresh: Session, checks_site: str
) -> None:
    assert fresh.devtools is not None
    assert fresh.where == "local"
    sent = through_webdriver(fresh)
    assert visitor(fresh, checks_site) == [320, True, "colour_scheme=dark", "number"]
    assert sent == []


def test_a_command_the_browser_refuses_names_itself_and_the_socket_carries_on(
    fresh: Session, checks_site: str
) -> None:
    with pytest.raises(WebDriverException, match="Emulation.setNoSuchThing: .*wasn't found"):
        fresh.cdp("Emulation.setNoSuchThing", {})
    with pytest.raises(devtools.DevToolsError, match="Network.setCookies: "):
        fresh.cdp("Network.setCookies", {"cookies": [{"name": "no url or domain"}]})
    fresh.driver.get(checks_site + "/clean.html")
    assert fresh.evaluate("return document.title") == "A clean page"


def test_a_browser_gone_is_an_error_of_the_socket(fresh: Session) -> None:
    fresh.driver.quit()
    with pytest.raises(devtools.DevToolsError, match="Runtime.evaluate: the DevTools socket"):
        fresh.evaluate("return 1")
    assert not fresh.alive()


def test_without_a_socket_the_same_commands_go_through_webdriver(
    monkeypatch: pytest.MonkeyPatch, checks_site: str
) -> None:
    """As through a Grid that advertises an address this machine cannot reach."""
    monkeypatch.setattr(
        browser, "endpoint", lambda capabilities: "ws://127.0.0.1:9/devtools/browser/x"
    )
    session = Session.local(8)
    try:
        assert session.devtools is None
        assert session.where == f"local; {browser.WITHOUT_SOCKET}"
        sent = through_webdriver(session)
        assert visitor(session, checks_site) == [320, True, "colour_scheme=dark", "number"]
        assert "Runtime.evaluate" in sent
        assert "Emulation.setEmulatedMedia" in sent
    finally:
        session.quit()


# A button far below the fold that logs the mouse events it receives, and one part-way down.
CLICKED = """data:text/html,<!doctype html><html lang="en"><title>Clicks</title>
<p style="height: 800px">Above.</p><button id="near">Near</button>
<p style="height: 3000px">Far above the button.</p>
<button id="far">Far down</button>
<script>
window.log = [];
for (const type of ['mousedown', 'mouseup', 'click']) {
  document.getElementById('far').addEventListener(type, (e) => window.log.push(
    [e.type, e.isTrusted, e.button, e.detail, e.target.id]));
}
</script>"""
FAR = "return document.getElementById('far');"
SEEN = """
const box = document.getElementById('far').getBoundingClientRect();
return [box.top >= 0 && box.bottom <= innerHeight, window.log];
"""


def test_a_click_is_the_one_webdriver_makes(session: Session) -> None:
    """The same trusted mouse events, at an element scrolled into view first."""
    session.reset(DESKTOP, None)
    session.driver.get(CLICKED)
    session.driver.find_element(By.ID, "far").click()
    by_webdriver = session.evaluate(SEEN)
    session.driver.get(CLICKED)
    assert session.evaluate(SEEN) == [False, []]
    session.click(FAR)
    assert session.evaluate(SEEN) == by_webdriver
    events = [[kind, True, 0, 1, "far"] for kind in ("mousedown", "mouseup", "click")]
    assert by_webdriver == [True, events]
    # An element already in view is clicked where it is: the page does not move.
    session.driver.get(CLICKED)
    session.evaluate("scrollTo(0, 500)")
    session.click("return document.getElementById('near');")
    assert session.evaluate("return [scrollY, document.activeElement.id]") == [500, "near"]


def test_with_script_off_a_click_chooses_a_radio_and_submits_its_form(
    session: Session, checks_site: str
) -> None:
    page = (
        'data:text/html,<!doctype html><html lang="en"><title>A form</title>'
        f'<form action="{checks_site}/clean.html">'
        '<input type="radio" name="choice" value="a" id="a" checked><label for="a">A</label>'
        '<input type="radio" name="choice" value="b" id="b"><label for="b">B</label>'
        "<button>Choose</button></form>"
    )
    session.reset(DESKTOP, None, javascript=False)
    try:
        session.driver.get(page)
        session.click("return document.getElementById('b');")
        assert session.evaluate("return document.getElementById('b').checked") is True
        session.click("return document.querySelector('button');")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(WebDriverException):
                if session.evaluate("return location.search") == "?choice=b":
                    break
            time.sleep(0.01)
        assert session.evaluate("return [location.pathname, location.search]") == [
            "/clean.html",
            "?choice=b",
        ]
    finally:
        session.reset(DESKTOP, None, javascript=True)


COVERED = """data:text/html,<!doctype html><html lang="en"><title>Covered</title>
<button id="under">Under</button><button id="gone" style="display: none">Gone</button>
<div id="cover" style="position: fixed; inset: 0; background: white"></div>
<script>
window.log = [];
document.getElementById('under').addEventListener('click', () => window.log.push('click'));
</script>"""


def test_an_element_that_cannot_be_clicked_is_refused_as_webdriver_refuses_it(
    session: Session,
) -> None:
    session.reset(DESKTOP, None)
    session.driver.get(COVERED)
    with pytest.raises(
        ElementClickInterceptedException,
        match=r'<button> is covered at \(\d+, \d+\) by <div id="cover"',
    ):
        session.click("return document.getElementById('under');")
    with pytest.raises(ElementClickInterceptedException):
        session.driver.find_element(By.ID, "under").click()
    with pytest.raises(ElementNotInteractableException, match="<button> has no box in view"):
        session.click("return document.getElementById('gone');")
    with pytest.raises(ElementNotInteractableException):
        session.driver.find_element(By.ID, "gone").click()
    with pytest.raises(NoSuchElementException):
        session.click("return document.getElementById('nowhere');")
    assert session.evaluate("return window.log") == []
