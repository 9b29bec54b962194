"""Reports: status and exit code, the sections, and the JSON, HTML, JUnit and Markdown files."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import html5lib

from plain_pcc.audit import report
from plain_pcc.audit.baseline import Baseline, write
from plain_pcc.audit.findings import Outcome, finding, from_axe
from plain_pcc.audit.matrix import build
from plain_pcc.audit.profile import Profile
from plain_pcc.audit.runner import CellResult, Job

PROFILE = Profile()
CELLS = build(PROFILE, ["/", "/a/"])
REVIEW = {
    "id": "color-contrast",
    "help": "Contrast",
    "helpUrl": "https://x",
    "tags": ["wcag2aa", "wcag143"],
    "nodes": [{"target": [".hero"], "html": "<p class=hero>"}],
}


def result(index: int, *outcomes: Outcome, error: str = "") -> CellResult:
    cell = CELLS[index]
    return CellResult(cell, "http://x" + cell.page, "session 1 (local)", list(outcomes), error)


def run(results: list[CellResult], lost: list[Job] | None = None, **kw: Any) -> report.Run:
    fields: dict[str, Any] = {
        "base_url": "http://x/",
        "profile": PROFILE,
        "pages": ["/", "/a/"],
        "discovery": "a list",
        "cells": CELLS,
        "results": results,
        "lost": lost or [],
        "axe_version": "4.14.1",
        "browser_version": "156",
        "sessions": ["session 1: local"],
        "checks": ["axe", "reflow"],
        "fail_on": {"violation"},
        "started": dt.datetime(2026, 11, 29, tzinfo=dt.UTC),
        "duration": 1.5,
    }
    return report.Run(**(fields | kw))


WIDE = finding("reflow", "#wide", "too wide", "<div id=wide>")


def test_one_element_in_several_cells_is_one_finding_with_its_cells() -> None:
    data = report.summary(
        run(
            [
                result(0, Outcome("reflow", findings=[WIDE])),
                result(1, Outcome("reflow", findings=[WIDE])),
            ]
        )
    )
    (group,) = data["findings"]
    assert group["cells"] == ["desktop-/", "narrow-/"]
    assert (group["criterion"], group["level"], group["kind"]) == ("1.4.10", "AA", "violation")
    assert (data["status"], data["exit_code"]) == ("findings", 1)


def test_review_and_advice_do_not_fail_unless_asked() -> None:
    outcomes = [
        Outcome("axe", findings=from_axe([REVIEW], review=True)),
        Outcome("skip-link", findings=[finding("skip-link-missing", "nav a", "no skip")]),
    ]
    assert report.summary(run([result(0, *outcomes)]))["status"] == "clean"
    asked = report.summary(run([result(0, *outcomes)], fail_on={"violation", "review"}))
    assert (asked["status"], asked["counts"]["failing"]) == ("findings", 1)


def test_not_applicable_and_could_not_run_and_not_audited_are_reported() -> None:
    data = report.summary(
        run(
            [
                result(0, Outcome("keyboard", "not-applicable", reason="no links")),
                result(2, Outcome("text-spacing", "could-not-run", reason="spacing undone")),
                result(3, error="the page could not be loaded"),
            ],
            lost=[Job(CELLS[1], 3, ["a", "b", "c"])],
        )
    )
    assert data["not_applicable"] == [{"check": "keyboard", "reason": "no links", "pages": ["/"]}]
    assert [(c["check"], c["cell"]) for c in data["could_not_run"]] == [
        ("text-spacing", "desktop-/a/"),
        ("page", "narrow-/a/"),
    ]
    assert data["not_audited"] == [{"cell": "narrow-/", "tried": ["a", "b", "c"]}]
    assert (data["status"], data["exit_code"]) == ("error", 2)


def test_a_baseline_keeps_known_findings_from_failing(tmp_path: Path) -> None:
    first = report.summary(run([result(0, Outcome("reflow", findings=[WIDE]))]))
    write(tmp_path / "b.json", first["findings"])
    known = Baseline.load(tmp_path / "b.json")
    data = report.summary(run([result(0, Outcome("reflow", findings=[WIDE]))], baseline=known))
    assert data["status"] == "clean"
    assert data["counts"]["known"] == 1
    fixed = report.summary(run([result(0)], baseline=known))
    assert [e["selector"] for e in fixed["fixed"]] == ["#wide"]


def test_the_four_files(tmp_path: Path) -> None:
    data = report.summary(
        run(
            [
                result(
                    0,
                    Outcome("reflow", findings=[WIDE]),
                    Outcome("axe", findings=from_axe([REVIEW], review=True)),
                )
            ]
        )
    )
    report.write(tmp_path, data)
    assert (
        json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))["status"] == "findings"
    )
    for key in (
        "generated",
        "axe_version",
        "browser_version",
        "pages",
        "cells",
        "modes",
        "preferences",
        "viewports",
        "checks",
        "counts",
    ):
        assert key in data
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    html5lib.HTMLParser(strict=True).parse(page)
    for section in (
        "Violations",
        "Best practice",
        "Needs review",
        "Not applicable",
        "Could not run",
        "Not audited",
    ):
        assert f">{section}</" in page
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert (suite.get("failures"), suite.get("errors")) == ("1", "0")
    assert "| reflow | 1.4.10 AA | serious | / | `#wide` | 1 |" in (
        tmp_path / "summary.md"
    ).read_text(encoding="utf-8")
