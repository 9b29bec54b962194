"""axe-core from npm, at the pinned version, put in each page and run through
axe-selenium-python."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from axe_selenium_python import Axe
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

# The one axe-core this audit's results are comparable with; a11y/package-lock.json pins the
# same version for a checkout (a test keeps the two equal).
VERSION = "4.14.1"
AXE_VARIABLE = "PLAIN_PCC_AXE"
INSTALL = f"npm install --prefix ~/.cache/plain-pcc axe-core@{VERSION}"
# Frames within frames are given axe this deep; axe-core's own default for iframes is as deep
# as they go, but a page nesting frames further is its own finding long before this.
MAX_FRAME_DEPTH = 8
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")


# A script run in the top document, for plain values in and out.
Evaluate = Callable[[str], Any]


class AxeError(RuntimeError):
    """axe-core is missing or not the pinned version: the audit cannot run."""


# In a checkout, a11y/ beside src/ holds the npm-installed axe-core.
CHECKOUT = Path(__file__).resolve().parents[3] / "a11y"


def candidates(
    explicit: Path | None, environ: Mapping[str, str], cwd: Path, checkout: Path = CHECKOUT
) -> list[Path]:
    """Where axe.min.js may be, in the order they are tried."""
    if explicit is not None:
        return [explicit]
    if environ.get(AXE_VARIABLE):
        return [Path(environ[AXE_VARIABLE])]
    home = Path(environ.get("HOME", "~")).expanduser()
    places = [cwd / "a11y", cwd, home / ".cache" / "plain-pcc", checkout]
    return [p / "node_modules" / "axe-core" / "axe.min.js" for p in places]


def locate(
    explicit: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    cwd: Path | None = None,
    checkout: Path = CHECKOUT,
) -> Path:
    """The pinned axe.min.js, or an error that says the one command that installs it."""
    tried = candidates(explicit, environ, cwd or Path.cwd(), checkout)
    for path in tried:
        if path.is_dir():
            path = path / "axe.min.js"
        if path.is_file():
            found = version_of(path)
            if found != VERSION:
                raise AxeError(
                    f"{path} is axe-core {found}, this audit needs {VERSION}: install it with "
                    f"'{INSTALL}' (or pass --axe)"
                )
            return path
    raise AxeError(
        f"axe-core {VERSION} was not found (looked for {', '.join(map(str, tried))}): install "
        f"it with '{INSTALL}', or pass --axe PATH or set {AXE_VARIABLE}"
    )


def version_of(script: Path) -> str:
    """The version in the package.json beside the script, else in the script's banner."""
    manifest = script.parent / "package.json"
    try:
        return str(json.loads(manifest.read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        pass
    try:
        with script.open(encoding="utf-8") as f:
            head = f.read(200)
    except OSError:
        return "unreadable"
    # The banner reads "/*! axe v4.14.1 ..."
    marker = head.find("axe v")
    return head[marker + 5 :].split()[0] if marker >= 0 else "unknown"


class AxeRunner:
    """axe-core in each page, and in each of its frames, run with the audit's tags; any other
    version is refused.

    A session's browser is asked once to put axe's source in every document it loads
    (``preload``), so a cell does not send half a megabyte of script over WebDriver before each
    run. The source comes as a function, called only when axe is about to run: every document
    scans it (about 3 ms), but only the pages axe judges pay to evaluate it (about 25 ms), and
    the checks load pages several hundred times a matrix without running axe in them. A
    document that came without it (script turned off while it loaded) or brought another axe is
    sent the source at run time.
    """

    def __init__(self, script: Path) -> None:
        self.script = script
        self.source = script.read_text(encoding="utf-8")

    def preload(self, session: Any) -> None:
        """axe's source in every document this session loads from now on, not yet evaluated."""
        session.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": _PRELOAD % self.source})

    def arm(self, driver: WebDriver, depth: int = 0, evaluate: Evaluate | None = None) -> None:
        """The pinned axe in the current document and in every frame within it: axe in the top
        document judges a frame only through an axe in that frame (axe-selenium-python's own
        injection reaches the top document alone). ``evaluate`` runs a script in the top
        document by a cheaper way than WebDriver's (``Session.evaluate``); the frames, which it
        cannot reach, are armed through WebDriver."""
        version, frames = (evaluate or driver.execute_script)(_ARM)
        if version != VERSION:
            driver.execute_script(self.source)
        if not frames or depth >= MAX_FRAME_DEPTH:
            return
        for frame in driver.find_elements(By.CSS_SELECTOR, "iframe, frame"):
            try:
                driver.switch_to.frame(frame)
            except WebDriverException:
                continue  # gone since it was found
            try:
                self.arm(driver, depth + 1)
            finally:
                driver.switch_to.parent_frame()

    def run(self, driver: WebDriver, evaluate: Evaluate | None = None) -> dict[str, Any]:
        """axe's results for the current page, with axe put in it and its frames first."""
        self.arm(driver, evaluate=evaluate)
        options = {
            "runOnly": {"type": "tag", "values": list(TAGS)},
            "resultTypes": ["violations", "incomplete"],
        }
        axe = Axe(driver, script_url=str(self.script))
        results: dict[str, Any] = axe.run(options=json.dumps(options))
        version = results.get("testEngine", {}).get("version")
        if version != VERSION:
            raise AxeError(f"axe-core in the page is {version}, the audit pins {VERSION}")
        return results


# axe's source as a function on the window, defined before the page's own scripts run and left
# out of any loop over the window's properties.
_PRELOAD = (
    "Object.defineProperty(window, '__plainPccAxe', {configurable: true, value: function () {\n"
    "%s\n}});"
)
# The version of the axe in the document, if any: the page's own, or the preloaded one,
# evaluated now; and how many frames the document holds.
_ARM = """
if (!window.axe && typeof window.__plainPccAxe === 'function') {
  window.__plainPccAxe();
}
return [(typeof window.axe === 'object' && window.axe && window.axe.version) || null,
        window.frames.length]
"""
