"""The frame clock: a browser's frames, run by the audit instead of by a display.

The audit reads pages, never pixels: it asks for styles, boxes, the element at a point, the
accessibility of the DOM, and never takes a screenshot. Yet a browser with a page open makes a
frame after every change it shows, and each frame is painted, rasterised and composited into a
picture nobody looks at: in this site's whole matrix that was about a sixth of all the CPU time
(the compositor, raster and display compositor threads, and painting in the renderer).

The headless shell can leave its frames to a client (``--enable-begin-frame-control``): it then
makes a frame only when asked (``HeadlessExperimental.beginFrame``). Asked with no display
updates, a frame runs everything a page can observe of one, in the renderer's main thread: the
page's animation frame callbacks, resize and intersection observers, CSS animations and
transitions, lazy loading, the pointer moves that wait for a frame; it then paints and draws
nothing. The clock asks for one ``RATE_HZ`` times a second, over a DevTools socket of its own,
so a page's scripts see frames come as they would on a display, at a lower rate.
"""

from __future__ import annotations

import contextlib
import threading
import time

from .devtools import DevTools, DevToolsError

# What the headless shell needs to leave its frames to the clock.
CLOCK_ARGS = ("--enable-begin-frame-control", "--run-all-compositor-stages-before-draw")
# A frame every 50 ms: a third of a display's rate. Every wait of the checks for a page to
# react is at least twice as long, and a script's animation frame callback, a resize
# observer or a pointer move waits at most this long for its frame. On this site's whole
# matrix, asking 20 times a second saved 18 and 22% of the CPU time in two pairs of runs; 60
# times, 5 and 12%: the clock's own round trips took back more than half of it.
RATE_HZ = 20


class FrameClock:
    """A thread asking one tab for a frame ``RATE_HZ`` times a second, until stopped or its
    socket closes (the browser quit)."""

    def __init__(self, devtools: DevTools) -> None:
        self._devtools = devtools
        self._period = 1 / RATE_HZ
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames = 0

    @classmethod
    def start(cls, url: str, target: str, timeout: float) -> FrameClock:
        """A clock for the tab ``target``, its first frame made before it is returned: a
        DevToolsError if the browser cannot be asked for frames (not started to leave them to a
        client, or a browser without the command)."""
        devtools = DevTools.connect(url, target, timeout)
        clock = cls(devtools)
        try:
            clock.frame()
        except DevToolsError:
            devtools.close()
            raise
        clock._thread = threading.Thread(target=clock._run, name="frame clock", daemon=True)
        clock._thread.start()
        return clock

    def frame(self) -> None:
        """One frame, run to its end: the page's part of it, with nothing drawn."""
        self._devtools.send(
            "HeadlessExperimental.beginFrame",
            {"noDisplayUpdates": True, "interval": self._period * 1000},
        )
        self.frames += 1

    def _run(self) -> None:
        due = time.monotonic()
        while not self._stop.is_set():
            due += self._period
            # Behind (a busy machine, a long frame): the next frame now, not a burst to catch up.
            due = max(due, time.monotonic())
            if self._stop.wait(due - time.monotonic()):
                return
            try:
                self.frame()
            except DevToolsError:
                if self._devtools.closed:
                    self._devtools.close()
                    return
                # Refused with the socket still open: the next tick asks again. Whether the
                # browser itself is gone is the session's to find out (``Session.alive``).

    def stop(self) -> None:
        """No more frames: the thread ends, its socket closed (which ends a frame it waits for)."""
        self._stop.set()
        with contextlib.suppress(Exception):
            self._devtools.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
