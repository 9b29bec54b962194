"""A session's own DevTools socket, in a real Chromium: the commands go over it, not through
WebDriver, and do what they did through WebDriver; a refused command is an error that names
it; a session that cannot open the socket says so and sends the same commands through
WebDriver."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import DESKTOP, NARROW
from selenium.common.exceptions import WebDriverException

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
