"""The frame clock, in a real headless shell: a page sees its frames come (animation frame
callbacks, CSS animations, resize observers, the pointer's moves) while the clock runs, and
none once it stops, so the browser makes none of its own; the same through a Selenium Grid.
Chromium's own headless mode, which cannot leave its frames to the audit, makes its own and
gets no clock; given the clock's flags all the same, it makes no frame when asked, and is
started again making its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import DESKTOP, NARROW
from fixtures.server import files_app
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from seleniumgrid import Grid

from plain_pcc.audit import browser
from plain_pcc.audit.browser import CHROMIUM, CHROMIUM_VARIABLE, Session
from plain_pcc.audit.devtools import DevToolsError, endpoint
from plain_pcc.audit.frames import RATE_HZ, FrameClock
from plain_pcc.audit.localsite import LiveServer

SEEN = "return window.seen"


@pytest.fixture(scope="module")
def frames_site() -> Iterator[str]:
    with LiveServer(lambda base: files_app("frames")) as server:
        yield server.base_url


@pytest.fixture
def clocked() -> Iterator[Session]:
    """A browser of this test's own: a test here may stop its clock."""
    session = Session.local(1)
    yield session
    session.quit()


def eventually(read: Callable[[], Any], within_s: float = 5.0) -> Any:
    """The first true answer of ``read``, asked again until ``within_s`` has passed."""
    deadline = time.monotonic() + within_s
    while not (answer := read()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return answer


def test_a_page_sees_its_frames_come_from_the_clock(clocked: Session, frames_site: str) -> None:
    assert clocked.clock is not None
    clocked.reset(DESKTOP, None)
    clocked.driver.get(frames_site + "/")
    assert eventually(lambda: clocked.evaluate(SEEN)["frames"] >= 3)
    # The animation started on a frame and ran to its end.
    opacity = "return getComputedStyle(document.querySelector('.fades-in')).opacity"
    assert eventually(lambda: clocked.evaluate(opacity) == "1")
    # A new viewport is measured at the next frame, as on a display.
    widths = eventually(lambda: clocked.evaluate(SEEN)["widths"])
    clocked.emulate(NARROW, None)
    assert eventually(lambda: len(clocked.evaluate(SEEN)["widths"]) > len(widths))
    assert clocked.evaluate(SEEN)["widths"][-1] < NARROW.width < widths[0]
    # The pointer moves over the button (a move the browser hands on at a frame), then clicks.
    clocked.click("return document.getElementById('pointed-at')")
    seen = clocked.evaluate(SEEN)
    assert seen["pointer"]
    assert seen["clicked"]
    assert clocked.clock.frames > 0


def test_once_the_clock_stops_the_page_sees_no_frame(clocked: Session, frames_site: str) -> None:
    stops_the_clock(clocked, frames_site)


def stops_the_clock(clocked: Session, frames_site: str) -> None:
    """Frames come while the clock runs, none after it stops; timers still run."""
    clocked.reset(DESKTOP, None)
    clocked.driver.get(frames_site + "/")
    assert eventually(lambda: clocked.evaluate(SEEN)["frames"] >= 3)
    assert clocked.clock is not None
    clocked.clock.stop()
    before = clocked.evaluate(SEEN)["frames"]
    time.sleep(10 / RATE_HZ)  # ten of the clock's periods
    assert clocked.evaluate(SEEN)["frames"] == before
    # Timers still run: only frames stopped.
    timer = "const done = arguments[0]; setTimeout(() => done(1), 10)"
    assert clocked.evaluate(timer, awaited=True) == 1


def test_chromium_headless_mode_makes_its_own_frames(
    frames_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CHROMIUM_VARIABLE, CHROMIUM)
    session = Session.local(1)
    try:
        assert session.clock is None
        with pytest.raises(DevToolsError, match="beginFrame"):
            FrameClock.start(
                endpoint(session.driver.capabilities), session.driver.current_window_handle, 10
            )
        session.reset(DESKTOP, None)
        session.driver.get(frames_site + "/")
        assert eventually(lambda: session.evaluate(SEEN)["frames"] >= 3)
    finally:
        session.quit()


def test_a_grid_browser_leaves_its_frames_to_the_clock_too(frames_site: str) -> None:
    with Grid(nodes=1) as grid:
        session = Session.remote(grid.url, 1)
        try:
            assert session.clock is not None
            stops_the_clock(session, frames_site)
        finally:
            session.quit()


def test_a_browser_that_makes_no_frame_when_asked_is_started_again_making_its_own(
    frames_site: str,
) -> None:
    # Chromium's headless mode takes the clock's flags, then knows no command to make a frame.
    started: list[bool] = []

    def start(clocked: bool) -> Session:
        started.append(clocked)
        options = browser._options(CHROMIUM, clocked)
        driver = webdriver.Chrome(service=Service(browser.CHROMEDRIVER), options=options)
        session = Session(driver, "local", 1)
        session._prepare()
        return session

    session = Session._clocked(start, clockable=True)
    try:
        assert started == [True, False]
        assert session.clock is None
        session.reset(DESKTOP, None)
        session.driver.get(frames_site + "/")
        assert eventually(lambda: session.evaluate(SEEN)["frames"] >= 3)
    finally:
        session.quit()
