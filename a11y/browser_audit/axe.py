"""axe-core, at the version pinned in package-lock.json, injected through axe-selenium-python."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from axe_selenium_python import Axe
from selenium.webdriver.chrome.webdriver import WebDriver

A11Y_DIR = Path(__file__).resolve().parent.parent
LOCK_FILE = A11Y_DIR / "package-lock.json"
AXE_SCRIPT = A11Y_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices.
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")


class EngineMismatch(RuntimeError):
    """The axe-core in the page is not the pinned one: results would not be comparable."""


def pinned_version(lock_file: Path = LOCK_FILE) -> str:
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    try:
        return str(lock["packages"]["node_modules/axe-core"]["version"])
    except KeyError as exc:
        raise EngineMismatch(f"{lock_file} pins no axe-core") from exc


def run_options(tags: tuple[str, ...] = TAGS) -> dict[str, Any]:
    return {"runOnly": {"type": "tag", "values": list(tags)}}


class AxeRunner:
    """Inject once per page load, run with the audit's tags, refuse any other engine version."""

    def __init__(self, driver: WebDriver, script: Path = AXE_SCRIPT, pin: str | None = None):
        if not script.is_file():
            raise FileNotFoundError(f"{script} is missing: run 'npm ci' in {A11Y_DIR}")
        self.axe = Axe(driver, script_url=str(script))
        self.pin = pin or pinned_version()
        self.driver = driver

    def run(self) -> tuple[dict[str, Any], dict[str, float]]:
        start = time.perf_counter()
        self.axe.inject()
        injected = time.perf_counter()
        results: dict[str, Any] = self.axe.run(options=json.dumps(run_options()))
        finished = time.perf_counter()
        version = results.get("testEngine", {}).get("version")
        if version != self.pin:
            raise EngineMismatch(f"axe-core in the page is {version}, package-lock pins {self.pin}")
        return results, {"axe_inject": injected - start, "axe_run": finished - injected}

    def rule_ids(self) -> set[str]:
        """Every rule this axe-core knows, for checking the exceptions file."""
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.axe.inject()
        return set(self.driver.execute_script("return axe.getRules().map(r => r.ruleId)"))
