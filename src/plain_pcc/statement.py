"""The accessibility statement's record of testing: what the latest audit tested and found.

``plain-pcc statement`` copies it from the audit's ``summary.json`` into ``content/tested.yaml``,
and the site reads it back at start-up, so the statement's "last tested" date, what was tested
(addresses, modes, preferences, viewports, browser and axe-core versions) and the result are the
audit's own words, never typed by hand. What people (not programs) have tested is the one part a
person writes in that file, under ``people``; until someone does, the statement says the website
has been tested automatically only, and so is partially compliant (the UK model statement:
automated tests cover only part of WCAG).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .settings import Settings, SettingsError
from .source import Block, ContentError, read_yaml

RECORD = "tested.yaml"
_STATUSES = ("clean", "findings", "error")
_HEADER = (
    "# What the latest accessibility audit tested and found. Written by `plain-pcc statement`\n"
    "# from the audit's summary.json: do not edit, but for 'people', where a person records\n"
    "# the testing done by people (what, by whom, when).\n"
)


@dataclass(frozen=True)
class Tested:
    """The latest audit, as the accessibility statement reports it."""

    when: dt.datetime
    status: str  # "clean", "findings" or "error": the audit's own verdict
    problems: int  # accessibility failures found (0 when clean)
    axe: str
    browser: str
    pages: tuple[str, ...]  # every address audited, in every mode
    modes: tuple[str, ...]
    preferences: tuple[str, ...]  # "text size: normal, large, extra-large"
    devices: tuple[str, ...]  # a device's own settings, emulated: "prefers-contrast: more"
    viewports: tuple[str, ...]  # "desktop, 1280 by 800 pixels"
    checks: tuple[str, ...]
    cells: int
    people: tuple[str, ...]  # testing done by people, as a person wrote it

    @property
    def compliance(self) -> str:
        """The UK model statement's status: fully, partially or not compliant."""
        if self.status != "clean" or not self.people:
            return "partially"
        return "fully"


def record(summary: dict[str, Any], people: Sequence[str] = ()) -> dict[str, Any]:
    """The record's fields, from an audit's summary.json. Raises ValueError when it lacks one."""
    for key in ("status", "axe_version", "browser_version", "pages", "cells"):
        if key not in summary:
            raise ValueError(f"the audit summary has no '{key}'")
    when = summary.get("generated") or summary.get("started")
    if not when:
        raise ValueError("the audit summary has no 'generated' time")
    if summary["status"] not in _STATUSES:
        raise ValueError(f"the audit status {summary['status']!r} is not one of {_STATUSES}")
    counts = summary.get("counts") or {}
    outcomes = summary.get("outcomes") or {}
    problems = counts.get("failing", outcomes.get("violations", 0))
    return {
        "tested": str(when),
        "status": summary["status"],
        "problems": str(problems),
        "axe": str(summary["axe_version"]),
        "browser": f"Chromium {summary['browser_version']}",
        "pages": sorted(str(page) for page in summary["pages"]),
        "modes": _modes(summary),
        "preferences": [
            f"{preference['name']}: {', '.join(preference['values'])}"
            for preference in summary.get("preferences", [])
        ],
        "devices": [
            ", ".join(f"{name}: {value}" for name, value in condition["features"].items())
            for condition in summary.get("media", [])
        ],
        "viewports": [
            f"{viewport['name']}, {viewport['width']} by {viewport['height']} pixels"
            for viewport in summary.get("viewports", [])
        ],
        "checks": [str(check) for check in summary.get("checks", [])],
        "cells": str(summary["cells"]),
        "people": list(people),
    }


def _modes(summary: dict[str, Any]) -> list[str]:
    if "modes" in summary:
        return [str(mode["name"]) for mode in summary["modes"]]
    # An older report names each page's mode only.
    pages = summary["pages"]
    if isinstance(pages, dict):
        return sorted({str(page["mode"]) for page in pages.values() if "mode" in page})
    return []


def write_record(summary_file: Path, content_dir: Path) -> Path:
    """Copy the audit's summary into ``content/tested.yaml``, keeping what people recorded."""
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    target = content_dir / RECORD
    people: list[str] = []
    if target.exists():
        people = list(read_record(content_dir).people)
    fields = record(summary, people)
    text = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=100)
    target.write_text(_HEADER + text, encoding="utf-8")
    return target


def read_record(content_dir: Path) -> Tested:
    """The record in ``content/tested.yaml``; a ``ContentError`` names what is wrong."""
    data = read_yaml(content_dir / RECORD)
    data.allow(
        "tested",
        "status",
        "problems",
        "axe",
        "browser",
        "pages",
        "modes",
        "preferences",
        "devices",
        "viewports",
        "checks",
        "cells",
        "people",
    )
    try:
        when = dt.datetime.fromisoformat(data.text("tested"))
    except ValueError:
        data.fail("tested", f"'{data.text('tested')}' is not a date and time")
    if when.tzinfo is None:
        data.fail("tested", "the time must say its offset from UTC, like +00:00")
    status = data.text("status")
    if status not in _STATUSES:
        data.fail("status", f"'{status}' is not one of: {', '.join(_STATUSES)}")
    return Tested(
        when=when,
        status=str(status),
        problems=_number(data, "problems"),
        axe=str(data.text("axe")),
        browser=str(data.text("browser")),
        pages=tuple(data.texts("pages")),
        modes=_texts(data, "modes"),
        preferences=_texts(data, "preferences"),
        devices=_texts(data, "devices"),
        viewports=_texts(data, "viewports"),
        checks=_texts(data, "checks"),
        cells=_number(data, "cells"),
        people=_texts(data, "people"),
    )


def _texts(data: Block, key: str) -> tuple[str, ...]:
    value = data.fields.get(key)
    if value is None or value == []:
        return ()
    return tuple(str(text) for text in data.texts(key))


def _number(data: Block, key: str) -> int:
    text = data.text(key)
    if not (text.isascii() and text.isdigit()):
        data.fail(key, f"'{text}' is not a whole number")
    return int(text)


def main(argv: Sequence[str]) -> int:
    """``plain-pcc statement``: record the latest audit for the accessibility statement."""
    parser = argparse.ArgumentParser(
        prog="plain-pcc statement",
        description="Record the latest audit's summary in the content, for the accessibility "
        "statement.",
    )
    parser.add_argument(
        "--report",
        type=Path,
        default=Path("a11y/report"),
        help="the audit's report folder (default: a11y/report)",
    )
    parser.add_argument("--content", type=Path, help="content folder (default: ./content)")
    args = parser.parse_args(argv)
    try:
        content_dir = args.content or Settings.from_env(os.environ).content_dir
        target = write_record(args.report / "summary.json", content_dir)
    except (OSError, ValueError, SettingsError, ContentError) as error:
        print(f"plain-pcc statement: {error}", file=sys.stderr)
        return 2
    print(f"Recorded the audit of {args.report} in {target}")
    return 0
