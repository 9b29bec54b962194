"""The report writer: files, status, grouping and escaping (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

from browser_audit.findings import CHECKS, Finding, describe, finding, from_axe
from browser_audit.matrix import build_cells
from browser_audit.report import Recorder, render_html

CELLS = build_cells(["/", "/a/"])
AXE_VIOLATION = {
    "id": "image-alt",
    "impact": "critical",
    "help": "Images must have alternative text",
    "helpUrl": "https://dequeuniversity.com/rules/axe/4.14/image-alt",
    "nodes": [
        {"target": ["#logo"], "impact": "critical", "failureSummary": "Fix any of:\n  alt"},
        {"target": [["#host", "img"]], "impact": None, "failureSummary": None},
    ],
}


def recorder(tmp_path: Path) -> Recorder:
    return Recorder(tmp_path / "report", "http://127.0.0.1:1", "4.14.1", "156.0")


def test_axe_violations_become_one_finding_per_node() -> None:
    found = from_axe([AXE_VIOLATION])
    assert [(f.rule, f.selector, f.impact, f.source) for f in found] == [
        ("image-alt", "#logo", "critical", "axe"),
        ("image-alt", "#host img", "critical", "axe"),
    ]
    assert "\n" not in found[0].message


def test_every_check_has_a_wcag_understanding_link() -> None:
    for check in CHECKS.values():
        assert check.help_url.startswith("https://www.w3.org/WAI/WCAG22/Understanding/")
        assert check.criterion.count(".") == 2


def test_failure_message_names_rule_impact_help_and_selector() -> None:
    text = describe([finding("reflow", "#wide", "too wide")], "/a/ (cell)")
    assert "[serious] reflow at #wide" in text
    assert CHECKS["reflow"].help_url in text


def test_clean_run_writes_clean_reports(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    rec.outcomes["passed"] = 2
    rec.record(
        "axe",
        CELLS[0],
        "http://x/",
        [],
        [],
        {"axe_run": 0.1},
        axe={"testEngine": {"version": "4.14.1"}, "incomplete": []},
    )
    rec.record("reflow", CELLS[0], "http://x/", [], [], {"reflow": 0.01})
    out = rec.write(3.21)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "clean"
    assert summary["cells"] == 1
    assert summary["duration_s"] == 3.21
    assert set(summary["timings"]) == {"axe", "reflow"}
    cell = json.loads((out / "cells" / "full_normal_desktop.json").read_text(encoding="utf-8"))
    assert cell["cell"] == {
        "route": "/",
        "mode": "full",
        "font_size": "normal",
        "viewport": "desktop",
    }
    assert cell["axe_version"] == "4.14.1"
    assert cell["browser_version"] == "156.0"
    assert set(cell["tests"]) == {"axe", "reflow"}
    assert "No findings." in (out / "index.html").read_text(encoding="utf-8")


def test_findings_make_violations_and_are_grouped_by_rule(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    found = from_axe([AXE_VIOLATION])
    for cell in CELLS[:3]:
        rec.record("axe", cell, "http://x/", found, [], {})
    rec.record("reflow", CELLS[6], "http://x/", [finding("reflow", "#w", "wide")], [], {})
    summary = rec.summary(1.0)
    assert rec.status() == "violations"
    assert len(summary["findings"]) == 3 * 2 + 1
    assert summary["pages"]["/"] == {
        "mode": "full",
        "cells": 3,
        "tests": 3,
        "rules": ["image-alt"],
        "findings": 6,
    }
    assert summary["pages"]["/a/"]["rules"] == ["reflow"]
    page = render_html(summary)
    # Critical rules first; each selector listed once with every cell where it occurs.
    assert page.index('id="rule-image_alt"') < page.index('id="rule-reflow"')
    assert page.count("<code>#logo</code>") == 1
    assert "/ (full, large, desktop)" in page


def test_errors_outrank_findings(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    rec.record("axe", CELLS[0], "http://x/", from_axe([AXE_VIOLATION]), [], {})
    rec.outcomes["errors"] = 1
    assert rec.status() == "error"


def test_exceptions_file_problems_are_violations(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    rec.problems.append("exception 1: expired")
    assert rec.status() == "violations"


def test_needs_review_and_excepted_are_listed_not_hidden(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    excused = Finding("color-contrast", "serious", "#logo", "low", "https://h", "axe")
    rec.record(
        "axe",
        CELLS[0],
        "http://x/",
        [],
        [excused],
        {},
        axe={
            "incomplete": [
                {
                    "id": "color-contrast",
                    "impact": "serious",
                    "help": "Check me",
                    "helpUrl": "https://h",
                    "nodes": [{"target": ["#hero"], "impact": "serious"}],
                }
            ]
        },
    )
    summary = rec.summary(1.0)
    assert rec.status() == "clean"
    assert [r["selector"] for r in summary["needs_review"]] == ["#hero"]
    assert [e["selector"] for e in summary["excepted"]] == ["#logo"]
    page = render_html(summary)
    assert "<code>#hero</code>" in page
    assert "<code>#logo</code>" in page


def test_report_escapes_what_the_page_supplied(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    rec.record(
        "reflow", CELLS[0], "http://x/", [finding("reflow", "<script>", 'a "<b>" box')], [], {}
    )
    page = render_html(rec.summary(1.0))
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_rerun_removes_cells_of_the_previous_run(tmp_path: Path) -> None:
    rec = recorder(tmp_path)
    rec.record("reflow", CELLS[1], "http://x/", [], [], {})
    out = rec.write(1.0)
    again = recorder(tmp_path)
    again.record("reflow", CELLS[0], "http://x/", [], [], {})
    again.write(1.0)
    assert [p.name for p in (out / "cells").iterdir()] == ["full_normal_desktop.json"]


def test_worker_results_merge_into_one_report(tmp_path: Path) -> None:
    """pytest-xdist workers each hold part of the matrix; the report must hold all of it."""
    one, two = recorder(tmp_path), recorder(tmp_path)
    one.record(
        "axe",
        CELLS[0],
        "http://x/",
        from_axe([AXE_VIOLATION]),
        [],
        {"axe_run": 0.2},
        axe={"incomplete": []},
    )
    one.outcomes["violations"] = 1
    one.saw(100.0, 110.0)
    two.record("axe", CELLS[1], "http://x/", [], [], {"axe_run": 0.1}, axe={"incomplete": []})
    two.record("reflow", CELLS[1], "http://x/", [], [], {"reflow": 0.1})
    two.outcomes["passed"] = 2
    two.outcomes["errors"] = 1
    two.errors.append({"test": "t", "message": "m"})
    two.saw(101.0, 112.5)
    merged = Recorder.merged(
        tmp_path / "merged", [one.export(), json.loads(json.dumps(two.export()))]
    )
    assert set(merged.cells) == {CELLS[0].id, CELLS[1].id}
    assert set(merged.cells[CELLS[1].id].tests) == {"axe", "reflow"}
    assert merged.cells[CELLS[1].id].cell == CELLS[1]
    assert merged.outcomes == {"passed": 2, "violations": 1, "errors": 1}
    assert merged.duration == 12.5
    assert merged.status() == "error"
    summary = json.loads((merged.write() / "summary.json").read_text(encoding="utf-8"))
    assert summary["duration_s"] == 12.5
    assert len(summary["findings"]) == 2
