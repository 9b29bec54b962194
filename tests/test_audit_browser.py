"""Which browser the audit starts, and how it is told to run headless. Sessions themselves run
in a real Chromium in the audit's browser tests (a11y/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from plain_pcc.audit import browser
from plain_pcc.audit.frames import CLOCK_ARGS
from plain_pcc.audit.localsite import LiveServer


def test_the_variable_chooses_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.CHROMIUM_VARIABLE, "/opt/chrome/chrome")
    assert browser.browser_binary() == "/opt/chrome/chrome"


def test_the_headless_shell_is_preferred_when_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shell = tmp_path / "chromium-headless-shell"
    shell.write_text("#!/bin/sh\n")
    monkeypatch.delenv(browser.CHROMIUM_VARIABLE, raising=False)
    monkeypatch.setattr(browser, "HEADLESS_SHELL", str(shell))
    assert browser.browser_binary() == browser.CHROMIUM  # not executable: not installed
    shell.chmod(0o755)
    assert browser.browser_binary() == str(shell)


@pytest.mark.parametrize(
    ("binary", "headless"),
    [
        ("/usr/bin/chromium", True),
        ("/opt/google/chrome/chrome", True),
        ("/usr/lib/chromium/chromium-headless-shell", False),
        ("/opt/chrome-headless-shell-linux64/chrome-headless-shell", False),
    ],
)
def test_only_a_full_browser_is_asked_for_its_headless_mode(binary: str, headless: bool) -> None:
    # The shell is headless already and knows no --headless=new.
    arguments = browser._options(binary).arguments
    assert ("--headless=new" in arguments) is headless
    assert "--no-sandbox" in arguments


def test_a_clocked_browser_is_asked_to_leave_its_frames_to_the_audit() -> None:
    shell = "/usr/lib/chromium/chromium-headless-shell"
    assert set(CLOCK_ARGS) <= set(browser._options(shell, clocked=True).arguments)
    assert not set(CLOCK_ARGS) & set(browser._options(shell).arguments)


def test_one_more_local_browser_than_the_cores_it_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser, "available_memory", lambda: 64 * 2**30)
    monkeypatch.setattr(browser.os, "sched_getaffinity", lambda pid: {0, 1})
    assert browser.local_sessions() == 3
    monkeypatch.setattr(browser.os, "sched_getaffinity", lambda pid: set(range(8)))
    assert browser.local_sessions() == 9


def test_no_more_local_browsers_than_the_memory_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser.os, "sched_getaffinity", lambda pid: set(range(64)))
    monkeypatch.setattr(browser, "available_memory", lambda: 4 * 2**30)
    assert browser.local_sessions() == 8
    monkeypatch.setattr(browser, "available_memory", lambda: 100 * 2**20)
    assert browser.local_sessions() == 1  # one, however little is left
    monkeypatch.setattr(browser, "available_memory", lambda: 0)  # unknown: the cores decide
    assert browser.local_sessions() == 65


def test_available_memory_is_read_from_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  25165824 kB\nMemAvailable:  2097152 kB\n", encoding="ascii")
    assert browser.available_memory(meminfo) == 2 * 2**30
    meminfo.write_text("MemTotal:  25165824 kB\n", encoding="ascii")
    assert browser.available_memory(meminfo) == 0
    assert browser.available_memory(tmp_path / "missing") == 0
    assert browser.available_memory() > 0  # this machine's own


def _slot(browser_name: str, session: object = None) -> dict[str, object]:
    return {"stereotype": {"browserName": browser_name}, "session": session}


# The shape of Selenium Grid 4's /status (a real Grid answers it in a11y/test_remote_audit.py).
STATUS = {
    "value": {
        "ready": True,
        "nodes": [
            {"uri": "http://10.0.0.1:5555", "availability": "UP", "slots": [_slot("chrome")] * 2},
            {
                "uri": "http://10.0.0.2:5555",
                "availability": "UP",
                "slots": [_slot("chrome", {"sessionId": "abc"}), _slot("firefox")],
            },
            {"uri": "http://10.0.0.3:5555", "availability": "DOWN", "slots": [_slot("chrome")]},
        ],
    }
}


def test_the_grid_offers_the_chromium_slots_of_its_nodes_that_are_up() -> None:
    app = Starlette(routes=[Route("/status", lambda request: JSONResponse(STATUS))])
    with LiveServer(lambda base_url: app) as server:
        # A busy slot is still the Grid's to offer: the session waits for it.
        assert browser.grid_slots(server.base_url) == 3
        assert browser.grid_node(server.base_url, "abc") == "10.0.0.2:5555"
        assert browser.grid_node(server.base_url, "nobody") == ""


@pytest.mark.parametrize("status", [[1, 2], {"value": "starting"}, {"value": {"nodes": 3}}])
def test_a_grid_whose_status_names_no_nodes_offers_nothing(status: object) -> None:
    app = Starlette(routes=[Route("/status", lambda request: JSONResponse(status))])
    with LiveServer(lambda base_url: app) as server:
        assert browser.grid_slots(server.base_url) == 0
        assert browser.grid_node(server.base_url, "abc") == ""


def test_a_grid_that_does_not_answer_offers_nothing() -> None:
    assert browser.grid_slots("http://127.0.0.1:9") == 0
