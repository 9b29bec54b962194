"""The verdict on one test: exceptions applied, result recorded, failure raised."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from selenium.webdriver.chrome.webdriver import WebDriver

from . import exceptions as exceptions_file
from .findings import Finding, Violations, describe
from .matrix import Cell
from .report import Recorder
from .server import LiveServer


@dataclass
class Site:
    """The site under audit: where it is, its routes, and the server when it is the local one."""

    base_url: str
    routes: list[str]
    server: LiveServer | None = None


class Judge:
    """Applies exceptions, records the result for the report, and fails on what is left."""

    def __init__(self, recorder: Recorder, exceptions: list[exceptions_file.Exception_]):
        self.recorder = recorder
        self.exceptions = exceptions

    def __call__(
        self,
        test: str,
        driver: WebDriver,
        cell: Cell,
        url: str,
        findings: list[Finding],
        timings: dict[str, float],
        axe: dict[str, Any] | None = None,
    ) -> None:
        kept, excepted = exceptions_file.apply(driver, findings, self.exceptions)
        self.recorder.record(test, cell, url, kept, excepted, timings, axe)
        if kept:
            raise Violations(describe(kept, f"{url} ({cell.id})"))
