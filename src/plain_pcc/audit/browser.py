"""Browser sessions: local headless Chromium, or a browser on a Selenium Grid, with the
DevTools calls the checks rely on (viewport, media, CSP bypass, JavaScript off, text size)."""

from __future__ import annotations

import contextlib
import json
import os
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    JavascriptException,
    NoSuchElementException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chromium.remote_connection import ChromiumRemoteConnection
from selenium.webdriver.remote.webdriver import WebDriver

from .devtools import DevTools, DevToolsError, endpoint
from .frames import CLOCK_ARGS, FrameClock
from .matrix import Combo, Viewport
from .profile import MediaCondition

CHROMIUM = "/usr/bin/chromium"
# How long a script of the audit's may run in a page before it is stopped.
SCRIPT_TIMEOUT_S = 60
# How long a DevTools command's answer is waited for: longer than any script may run.
DEVTOOLS_TIMEOUT_S = SCRIPT_TIMEOUT_S + 30
# What a session says where it runs when it has no DevTools socket of its own.
WITHOUT_SOCKET = "DevTools commands through WebDriver"
# Debian's build of Chromium's headless shell (package chromium-headless-shell): the same
# Blink and V8 as the browser, without the browser's windows, address bar and background
# services, which a headless run pays for on every navigation: this site's whole matrix took 15
# to 35% less time in it than in Chromium's own headless mode, in alternating runs.
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_VARIABLE = "PLAIN_PCC_CHROMIUM"
CHROMEDRIVER_VARIABLE = "PLAIN_PCC_CHROMEDRIVER"
# The machine may have no general network: without these Chromium keeps dialling Google.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-extensions",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-hang-monitor",
    "--metrics-recording-only",
    "--password-store=basic",
    # The audit navigates hundreds of times: keeping each left page alive for the back button
    # and building a new frame per navigation costs about a quarter of Chromium's time, and
    # the address bar's suggestion popup (a web page of its own, never seen headless) renders
    # again on every navigation: up to a sixth of a page load's CPU time.
    "--disable-features=BackForwardCache,RenderDocument,"
    "WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup,"
    "OptimizationHints,Translate,MediaRouter",
    # V8 compiles no further than its baseline tier. A page is judged for a fraction of a
    # second and then left, so what the optimising compilers build on background threads for
    # axe and the checks is thrown away with the page; with two browsers on two cores it only
    # took time from the other browser (the whole matrix: about a seventh less CPU time). What
    # a page's scripts do is unchanged, only how fast long-running ones go.
    "--js-flags=--max-opt=1",
)
DEFAULT_FONT_PX = 16
DEFAULT_FIXED_FONT_PX = 13


class BrowserError(RuntimeError):
    """No browser could be started: the audit cannot run."""


# What one local browser with its driver may take: three peaked at 1.05 to 1.27 GB together
# (proportional set size) auditing this site's whole matrix.
BROWSER_BYTES = 512 * 1024 * 1024


def local_sessions() -> int:
    """How many local browsers a run starts by default: one more than the cores this process
    may use, as many as the memory available holds. A session's browser waits on the audit and
    on WebDriver's round trips for part of each cell; with one browser a core, those moments
    leave a core idle (this site's whole matrix on two cores: three browsers finished first in
    ten of twelve alternating pairs, 6% sooner on average; four were no faster than three)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    memory = available_memory()
    room = memory // BROWSER_BYTES if memory else cores + 1
    return max(1, min(cores + 1, room))


def available_memory(meminfo: Path = Path("/proc/meminfo")) -> int:
    """Bytes of memory available to start programs in (Linux's MemAvailable); 0 if unknown."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _grid_nodes(url: str) -> list[dict[str, Any]]:
    """The nodes in the Grid's own status; none if it does not answer."""
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/status", timeout=10) as response:
            status = json.loads(response.read())
    except (OSError, ValueError):
        return []
    value = status.get("value") if isinstance(status, dict) else None
    nodes = value.get("nodes") if isinstance(value, dict) else None
    return [node for node in nodes if isinstance(node, dict)] if isinstance(nodes, list) else []


def grid_node(url: str, session_id: str) -> str:
    """The node holding a session, from the Grid's own status; "" if it does not say."""
    for node in _grid_nodes(url):
        for slot in node.get("slots", []):
            if (slot.get("session") or {}).get("sessionId") == session_id:
                return str(urlsplit(str(node.get("uri", ""))).netloc)
    return ""


def grid_slots(url: str) -> int:
    """How many Chromium sessions the Grid offers: the slots of its nodes that are up; 0 when
    its status does not say."""
    return sum(
        1
        for node in _grid_nodes(url)
        if node.get("availability") == "UP"
        for slot in node.get("slots", [])
        if str((slot.get("stereotype") or {}).get("browserName", "")).lower()
        in ("chrome", "chromium")
    )


def is_headless_shell(binary: str) -> bool:
    return Path(binary).name.endswith("headless-shell")


def browser_binary() -> str:
    """The Chromium the audit drives: ``PLAIN_PCC_CHROMIUM``, else the headless shell when it is
    installed, else Chromium itself (in its headless mode)."""
    chosen = os.environ.get(CHROMIUM_VARIABLE)
    if chosen:
        return chosen
    return HEADLESS_SHELL if os.access(HEADLESS_SHELL, os.X_OK) else CHROMIUM


def _options(binary: str, clocked: bool = False) -> webdriver.ChromeOptions:
    """The browser's options; ``clocked``, its frames left to a frame clock (``frames``)."""
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    if not is_headless_shell(binary):
        options.add_argument("--headless=new")
    for arg in CHROMIUM_ARGS + (CLOCK_ARGS if clocked else ()):
        options.add_argument(arg)
    return options


@dataclass
class Session:
    """One browser: a WebDriver, where it runs, and the state the audit set on it."""

    driver: WebDriver
    where: str
    number: int
    # The session's own socket to the browser's DevTools (``devtools``); None where none could
    # be opened (a Grid that advertises an address this machine cannot reach), and then the
    # commands go through WebDriver, as the same commands, only slower.
    devtools: DevTools | None = field(default=None, repr=False)
    # What the DevTools protocol was last told. Each setting stays with the tab across
    # navigations, so it is sent only when it changes: through a Grid every command is two
    # more hops. Each cell still reads back what matters from the page before judging.
    _media: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    _viewport: Viewport | None = field(default=None, repr=False)
    _javascript: bool | None = field(default=None, repr=False)
    _text_percent: int | None = field(default=None, repr=False)
    # What the page in the tab was loaded as (the runner's key), while it is exactly as loaded
    # and can run no script of its own: set by the runner as a cell ends, forgotten as the next
    # begins and by a new visitor. A cell of the same page and preferences judges it without
    # loading it again.
    kept: tuple[str, Combo] | None = field(default=None, repr=False)
    # What makes the tab's frames, when the browser leaves them to the audit (``frames``).
    clock: FrameClock | None = field(default=None, repr=False)

    @classmethod
    def local(cls, number: int) -> Session:
        """Headless Chromium at explicit paths: Selenium never downloads a driver. chromedriver
        makes the browser's profile in a temporary folder and removes it on quit (given a
        profile of its own, it opens no first page, and the headless shell then has none).

        The headless shell leaves its frames to a frame clock, which has them run without
        being drawn (``_clocked``); Chromium's own headless mode always makes its own."""
        os.environ.setdefault("SE_OFFLINE", "true")
        chromium = Path(browser_binary())
        chromedriver = Path(os.environ.get(CHROMEDRIVER_VARIABLE, CHROMEDRIVER))
        for path in (chromium, chromedriver):
            if not os.access(path, os.X_OK):
                raise BrowserError(
                    f"{path} is missing: install Chromium and its driver "
                    "(on Debian: apt-get install chromium-headless-shell chromium-driver)"
                )

        def start(clocked: bool) -> Session:
            try:
                driver = webdriver.Chrome(
                    service=Service(executable_path=str(chromedriver)),
                    options=_options(str(chromium), clocked),
                )
            except WebDriverException as exc:
                raise BrowserError(f"Chromium did not start: {exc.msg}") from exc
            session = cls(driver, "local", number)
            session._prepare()
            return session

        return Session._clocked(start, is_headless_shell(str(chromium)))

    @classmethod
    def remote(cls, url: str, number: int) -> Session:
        """A Chromium on a Selenium Grid; DevTools calls go through the Grid's CDP endpoint.
        The node starts the browser a local run would (``browser_binary``), and its frames
        are left to a frame clock as a local one's are (``_clocked``): the clock's socket goes
        through the Grid too."""

        def start(clocked: bool) -> Session:
            executor = ChromiumRemoteConnection(url, vendor_prefix="goog", browser_name="chrome")
            options = _options(browser_binary(), clocked)
            try:
                driver = webdriver.Remote(command_executor=executor, options=options)
            except WebDriverException as exc:
                raise BrowserError(f"the Grid at {url} gave no browser: {exc.msg}") from exc
            except OSError as exc:
                raise BrowserError(f"cannot reach the Grid at {url}: {exc}") from exc
            node = grid_node(url, str(driver.session_id))
            session = cls(driver, f"{url} node {node}" if node else url, number)
            try:
                session._prepare()
            except WebDriverException as exc:
                session.quit()
                raise BrowserError(
                    f"the Grid at {url} gave a browser without the DevTools protocol the checks "
                    f"need: {exc.msg}"
                ) from exc
            return session

        return Session._clocked(start, is_headless_shell(browser_binary()))

    @staticmethod
    def _clocked(start: Callable[[bool], Session], clockable: bool) -> Session:
        """A session from ``start``, its frames left to a frame clock where the browser can
        leave them (``clockable``: the headless shell); a browser that then makes no frame
        when asked, or whose clock cannot reach it, is quit, and started again making its own
        frames."""
        if clockable:
            session = start(True)
            if session._start_clock():
                return session
            session.quit()
        return start(False)

    def _prepare(self) -> None:
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(SCRIPT_TIMEOUT_S)
        self.devtools = self._connect()
        if self.devtools is None:
            self.where += f"; {WITHOUT_SOCKET}"
        # The audit's own scripts and styles must run whatever the page's CSP says; set before
        # any page loads, and each injection is still checked for effect.
        self.cdp("Page.enable", {})
        self.cdp("Page.setBypassCSP", {"enabled": True})
        # A page draws :focus and :focus-visible only while its window has the system's focus:
        # the page is told it always has it, so that the checks that judge focus styles never
        # depend on which window the machine focused last.
        self.cdp("Emulation.setFocusEmulationEnabled", {"enabled": True})

    def _start_clock(self) -> bool:
        """The frame clock, on a socket of its own to this session's tab, at the endpoint the
        session's own socket came from: whether it made its first frame. No clock without a
        socket of the session's own: the clock's would fail the same way."""
        if self.devtools is None:
            return False
        try:
            self.clock = FrameClock.start(
                self.devtools.url, self.driver.current_window_handle, DEVTOOLS_TIMEOUT_S
            )
        except (OSError, DevToolsError):
            return False
        return True

    @property
    def version(self) -> str:
        return str(self.driver.capabilities.get("browserVersion", "unknown"))

    def _connect(self) -> DevTools | None:
        """The DevTools socket, attached to this session's tab; None if there is none to open.
        Every setting made over it (the CSP bypass, axe's preload, the emulations) lasts as
        long as it does, so it is opened before any is made."""
        try:
            url = endpoint(self.driver.capabilities)
            if not url:
                return None
            return DevTools.connect(url, self.driver.current_window_handle, DEVTOOLS_TIMEOUT_S)
        except (OSError, ValueError, KeyError, DevToolsError):
            return None

    def cdp(self, command: str, params: dict[str, Any]) -> Any:
        """A DevTools command to this session's tab: over the session's own socket, else
        through WebDriver."""
        if self.devtools is not None:
            return self.devtools.send(command, params)
        return self.driver.execute_cdp_cmd(command, params)

    def evaluate(self, source: str, *args: Any, awaited: bool = False) -> Any:
        """A script of the audit's own run in the top document, as WebDriver runs one (its
        ``arguments``, its ``return``; when ``awaited``, a callback as its last argument, as
        execute_async_script gives), for plain values in and out, through the DevTools
        protocol: that round trip costs 1.5 to 1.8 ms less CPU than WebDriver's (measured, in
        every process), and a cell makes a dozen. A script still running after the script
        timeout is stopped, and an exception in it is raised here.

        An awaited script's time limit is a timer in the page: only for a page that runs no
        script of its own, which cannot have replaced the page's timers; WebDriver's own limit
        holds whatever the page does (``execute_async_script``). With script turned off, no
        timer in the page fires at all, so an awaited script goes through WebDriver then."""
        if awaited and self._javascript is False:
            return self.driver.execute_async_script(source, *args)
        call = f"(function () {{\n{source}\n}})"
        if awaited:
            expression = (
                "new Promise((done, fail) => {"
                f" setTimeout(() => fail(new Error('script timeout')), {SCRIPT_TIMEOUT_S * 1000});"
                f" {call}.apply(null, [...{json.dumps(args)}, done]); }})"
            )
        else:
            expression = f"{call}.apply(null, {json.dumps(args)})"
        answer = self.cdp(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": awaited,
                "timeout": SCRIPT_TIMEOUT_S * 1000,
            },
        )
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            raise JavascriptException(
                details.get("exception", {}).get("description") or details.get("text", "")
            )
        return answer["result"].get("value")

    def click(self, locate: str, *args: Any) -> None:
        """A click on the element the script ``locate`` returns (run as ``evaluate`` runs one),
        made as WebDriver's element click makes it: the element scrolled into view if it is
        not in view, the mouse moved to the centre of its first box within the viewport,
        pressed and released there, through the browser's own input pipeline (the DevTools
        protocol's Input domain, which chromedriver drives for its clicks), each event
        acknowledged by the page before the next. WebDriver's errors, when the element is
        missing, has no box in view, or is covered there by another element. One script and
        three input events over the session's socket cost 9 to 11 ms of CPU time in every
        process, WebDriver's click on the same radio button 83 to 91 ms (measured in a slow
        spell): this site's matrix makes about 120 clicks."""
        answer = self.evaluate(
            "const element = (function () {\n"
            + locate
            + "\n}).apply(null, arguments);\n"
            + _CLICK_POINT,
            *args,
        )
        if answer.get("missing"):
            raise NoSuchElementException("no element to click")
        if answer.get("hidden"):
            raise ElementNotInteractableException(f"{answer['what']} has no box in view to click")
        if answer.get("covered"):
            raise ElementClickInterceptedException(
                f"{answer['what']} is covered at ({answer['x']}, {answer['y']}) by "
                f"{answer['covered']}"
            )
        point = {"x": answer["x"], "y": answer["y"]}
        self.cdp("Input.dispatchMouseEvent", {"type": "mouseMoved", **point})
        for kind, buttons in (("mousePressed", 1), ("mouseReleased", 0)):
            self.cdp(
                "Input.dispatchMouseEvent",
                {"type": kind, **point, "button": "left", "buttons": buttons, "clickCount": 1},
            )

    def alive(self) -> bool:
        try:
            self.driver.execute_script("return 1")
        except Exception:
            return False
        return True

    def quit(self) -> None:
        if self.clock is not None:
            self.clock.stop()
        if self.devtools is not None:
            self.devtools.close()
        with contextlib.suppress(Exception):
            self.driver.quit()

    # -- the state of a visit --------------------------------------------------------------

    def reset(
        self, viewport: Viewport, media: MediaCondition | None, javascript: bool = True
    ) -> None:
        """A new visitor: no cookies, the viewport, the media conditions, JavaScript on or off."""
        self.kept = None
        self.cdp("Network.clearBrowserCookies", {})
        self.emulate(viewport, media, javascript)

    def emulate(
        self, viewport: Viewport, media: MediaCondition | None, javascript: bool = True
    ) -> None:
        """The viewport, the media conditions, JavaScript on or off, the browser's text size at
        its default; the cookies and the page in the tab stay as they are."""
        if viewport != self._viewport:
            self.cdp(
                "Emulation.setDeviceMetricsOverride",
                {
                    "width": viewport.width,
                    "height": viewport.height,
                    "deviceScaleFactor": 1,
                    "mobile": False,
                },
            )
            self._viewport = viewport
        features = media.features if media else ()
        if features != self._media:
            self.cdp(
                "Emulation.setEmulatedMedia",
                {"features": [{"name": n, "value": v} for n, v in features]},
            )
            self._media = features
        if javascript != self._javascript:
            self.cdp("Emulation.setScriptExecutionDisabled", {"value": not javascript})
            self._javascript = javascript
        self.text_size(100)

    def is_set_for(self, viewport: Viewport, media: MediaCondition | None) -> bool:
        """Whether the browser is already set to this viewport and these media conditions."""
        return viewport == self._viewport and (media.features if media else ()) == self._media

    def set_cookies(self, url: str, cookies: dict[str, str]) -> None:
        """Cookies for the site, as its own Set-Cookie would leave them, in one call."""
        if cookies:
            self.cdp(
                "Network.setCookies",
                {
                    "cookies": [
                        {"name": name, "value": value, "url": url, "path": "/"}
                        for name, value in cookies.items()
                    ]
                },
            )

    def text_size(self, percent: int) -> None:
        """The browser's own text-size setting (Chrome: Settings > Appearance > Font size)."""
        if percent == self._text_percent:
            return
        self.cdp(
            "Page.setFontSizes",
            {
                "fontSizes": {
                    "standard": DEFAULT_FONT_PX * percent // 100,
                    "fixed": DEFAULT_FIXED_FONT_PX * percent // 100,
                }
            },
        )
        self._text_percent = percent

    def media_queries(self) -> list[str]:
        """A media query for each emulated feature: each must match in the page, as proof
        that the emulation took."""
        return [f"({n}: {v})" for n, v in self._media]


# WebDriver's element click, up to the mouse: the in-view centre point (the centre of the
# element's first box, clipped to the viewport); the element scrolled into view (block "end",
# inline "nearest") only if it is not in view (not among the elements drawn at that point);
# and the element drawn on top there, which must be the element or inside it ("obscured").
_CLICK_POINT = """
if (!element) return { missing: true };
const what = '<' + element.localName + '>';
const centre = () => {
  const box = element.getClientRects()[0];
  if (!box) return null;
  const left = Math.max(0, Math.min(box.left, box.right));
  const right = Math.min(innerWidth, Math.max(box.left, box.right));
  const top = Math.max(0, Math.min(box.top, box.bottom));
  const bottom = Math.min(innerHeight, Math.max(box.top, box.bottom));
  if (right <= left || bottom <= top) return null;
  return [Math.floor((left + right) / 2), Math.floor((top + bottom) / 2)];
};
let point = centre();
if (!point || !document.elementsFromPoint(...point).includes(element)) {
  element.scrollIntoView({ block: 'end', inline: 'nearest', behavior: 'instant' });
  point = centre();
}
if (!point) return { hidden: true, what };
const [x, y] = point;
const hit = document.elementFromPoint(x, y);
if (!hit || !element.contains(hit)) {
  const cover = hit ? hit.outerHTML.split('>')[0].slice(0, 120) + '>' : 'nothing';
  return { covered: cover, what, x, y };
}
return { x, y };
"""
