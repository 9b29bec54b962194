"""The audit's reports: JSON per matrix cell, a summary, and an HTML page a person reads."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import CHECKS, Finding
from .matrix import PREFERENCES, Cell, Viewport

IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3, "unknown": 4}


def cell_to_data(cell: Cell) -> dict[str, Any]:
    return {
        "route": cell.route,
        "preferences": [list(pair) for pair in cell.preferences],
        "viewport": [cell.viewport.name, cell.viewport.width, cell.viewport.height],
    }


def cell_from_data(data: dict[str, Any]) -> Cell:
    name, width, height = data["viewport"]
    return Cell(
        data["route"],
        tuple((field, value) for field, value in data["preferences"]),
        Viewport(name, width, height),
    )


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "root"


@dataclass
class CellRecord:
    cell: Cell
    url: str
    tests: dict[str, dict[str, Any]] = field(default_factory=dict)
    axe: dict[str, Any] | None = None


@dataclass
class Recorder:
    """Collects every audit test's results in memory; ``write`` produces the report files."""

    directory: Path
    base_url: str
    axe_version: str
    browser_version: str
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    cells: dict[str, CellRecord] = field(default_factory=dict)
    outcomes: dict[str, int] = field(
        default_factory=lambda: {"passed": 0, "violations": 0, "errors": 0}
    )
    errors: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Wall-clock span of the audit's own tests (epoch seconds), across every worker.
    span: list[float] = field(default_factory=list)

    def saw(self, start: float, stop: float) -> None:
        self.span = [min([start, *self.span[:1]]), max([stop, *self.span[1:]])]

    @property
    def duration(self) -> float:
        return self.span[1] - self.span[0] if self.span else 0.0

    def record(
        self,
        test: str,
        cell: Cell,
        url: str,
        findings: list[Finding],
        excepted: list[Finding],
        timings: dict[str, float],
        axe: dict[str, Any] | None = None,
    ) -> None:
        entry = self.cells.setdefault(cell.id, CellRecord(cell, url))
        entry.tests[test] = {
            "findings": [f.as_dict() for f in findings],
            "excepted": [f.as_dict() for f in excepted],
            "timings": {k: round(v, 4) for k, v in timings.items()},
        }
        if axe is not None:
            entry.axe = axe

    def export(self) -> dict[str, Any]:
        """Plain data for another process (a pytest-xdist worker's output to the controller)."""
        return {
            "base_url": self.base_url,
            "axe_version": self.axe_version,
            "browser_version": self.browser_version,
            "started": self.started.isoformat(),
            "cells": [
                {"cell": cell_to_data(r.cell), "url": r.url, "tests": r.tests, "axe": r.axe}
                for r in self.cells.values()
            ],
            "outcomes": self.outcomes,
            "errors": self.errors,
            "problems": self.problems,
            "span": self.span,
        }

    @classmethod
    def merged(cls, directory: Path, parts: list[dict[str, Any]]) -> Recorder:
        """One recorder holding every worker's cells and outcomes."""
        first = parts[0]
        rec = cls(
            directory,
            first["base_url"],
            first["axe_version"],
            first["browser_version"],
            started=min(dt.datetime.fromisoformat(p["started"]) for p in parts),
        )
        for part in parts:
            for data in part["cells"]:
                cell = cell_from_data(data["cell"])
                entry = rec.cells.setdefault(cell.id, CellRecord(cell, data["url"]))
                entry.tests.update(data["tests"])
                entry.axe = entry.axe or data["axe"]
            for key, value in part["outcomes"].items():
                rec.outcomes[key] += value
            rec.errors += part["errors"]
            rec.problems += [p for p in part["problems"] if p not in rec.problems]
            if part["span"]:
                rec.saw(*part["span"])
        return rec

    def status(self) -> str:
        """``error`` when a test could not run, else ``violations`` when anything was found."""
        if self.outcomes["errors"]:
            return "error"
        has_findings = any(t["findings"] for c in self.cells.values() for t in c.tests.values())
        if self.outcomes["violations"] or self.problems or has_findings:
            return "violations"
        return "clean"

    # -- writing --------------------------------------------------------------------------

    def write(self, duration: float | None = None) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        cells_dir = self.directory / "cells"
        cells_dir.mkdir(exist_ok=True)
        for stale in cells_dir.glob("*.json"):
            stale.unlink()
        for record in self.cells.values():
            (cells_dir / f"{slug(record.cell.id)}.json").write_text(
                json.dumps(self._cell_json(record), indent=1), encoding="utf-8"
            )
        summary = self.summary(self.duration if duration is None else duration)
        (self.directory / "summary.json").write_text(
            json.dumps(summary, indent=1), encoding="utf-8"
        )
        (self.directory / "index.html").write_text(render_html(summary), encoding="utf-8")
        return self.directory

    def _cell_json(self, record: CellRecord) -> dict[str, Any]:
        return {
            "cell": record.cell.key(),
            "url": record.url,
            "axe_version": self.axe_version,
            "browser_version": self.browser_version,
            "tests": record.tests,
            "axe": record.axe,
        }

    def summary(self, duration: float) -> dict[str, Any]:
        findings, excepted, review = [], [], []
        timings: dict[str, list[float]] = defaultdict(list)
        for record in self.cells.values():
            key = record.cell.key()
            for test, result in record.tests.items():
                timings[test].append(sum(result["timings"].values()))
                findings += [{**f, "test": test, "cell": key} for f in result["findings"]]
                excepted += [{**f, "test": test, "cell": key} for f in result["excepted"]]
            for item in (record.axe or {}).get("incomplete", []):
                for node in item["nodes"]:
                    review.append(
                        {
                            "rule": item["id"],
                            "impact": node.get("impact") or item.get("impact") or "unknown",
                            "selector": " >> ".join(map(str, node["target"])),
                            "message": item["help"],
                            "help_url": item["helpUrl"],
                            "cell": key,
                        }
                    )
        pages: dict[str, dict[str, Any]] = {}
        for record in self.cells.values():
            page = pages.setdefault(
                record.cell.route, {"mode": record.cell.mode, "cells": 0, "tests": 0, "rules": []}
            )
            page["cells"] += 1
            page["tests"] += len(record.tests)
            for result in record.tests.values():
                page["rules"] += [f["rule"] for f in result["findings"]]
        for page in pages.values():
            page["findings"] = len(page["rules"])
            page["rules"] = sorted(set(page["rules"]))
        return {
            "status": self.status(),
            "base_url": self.base_url,
            "axe_version": self.axe_version,
            "browser_version": self.browser_version,
            "started": self.started.isoformat(timespec="seconds"),
            "duration_s": round(duration, 2),
            "cells": len(self.cells),
            "outcomes": self.outcomes,
            "errors": self.errors,
            "exception_problems": self.problems,
            "timings": {
                test: {"runs": len(values), "total_s": round(sum(values), 2)}
                for test, values in sorted(timings.items())
            },
            "pages": pages,
            "findings": findings,
            "needs_review": review,
            "excepted": excepted,
        }


# -- HTML ---------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 1rem auto; max-width: 70rem;
  padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #6b6b6b; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.clean { color: #00602b; } .violations, .error { color: #a4000f; }
code { overflow-wrap: anywhere; }
a:focus { outline: 3px solid #1b1b1b; outline-offset: 2px; }
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def cell_label(key: dict[str, str]) -> str:
    prefs = " ".join(key[p.field] for p in PREFERENCES if p.field in key)
    return f"{key['route']} ({key['mode']}, {prefs}, {key['viewport']})"


def _grouped(items: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    by_rule: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_rule[item["rule"]].append(item)
    return sorted(
        by_rule.items(),
        key=lambda kv: (min(IMPACT_ORDER.get(i["impact"], 9) for i in kv[1]), kv[0]),
    )


def _rule_sections(items: list[dict[str, Any]], level: int) -> list[str]:
    out = []
    for rule, found in _grouped(items):
        impact = sorted({i["impact"] for i in found}, key=lambda i: IMPACT_ORDER.get(i, 9))
        check = CHECKS.get(rule)
        title = f"WCAG {check.criterion}: {check.title}" if check else found[0]["message"]
        out.append(f'<section><h{level} id="rule-{_e(slug(rule))}">{_e(rule)}</h{level}>')
        out.append(
            f"<p>{_e(title)}. Impact: {_e(', '.join(impact))}. "
            f'<a href="{_e(found[0]["help_url"])}">How to fix {_e(rule)}</a></p>'
        )
        by_place: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
        for item in found:
            by_place[(item["selector"], item["message"])].append(item["cell"])
        out.append(
            '<table><thead><tr><th scope="col">Element</th>'
            '<th scope="col">What is wrong</th><th scope="col">Where</th></tr>'
            "</thead><tbody>"
        )
        for (selector, message), cells in sorted(by_place.items()):
            where = "<br>".join(_e(cell_label(c)) for c in cells)
            out.append(
                f"<tr><td><code>{_e(selector)}</code></td><td>{_e(message)}</td>"
                f"<td>{where}</td></tr>"
            )
        out.append("</tbody></table></section>")
    return out


def render_html(summary: dict[str, Any]) -> str:
    status = summary["status"]
    rules = _grouped(summary["findings"])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Accessibility audit: {_e(status)}</title><style>{_CSS}</style></head><body>",
        "<main>",
        f'<h1>Accessibility audit: <span class="{_e(status)}">{_e(status)}</span></h1>',
        f"<p>{_e(summary['base_url'])} audited on {_e(summary['started'])} with axe-core "
        f"{_e(summary['axe_version'])} in Chromium {_e(summary['browser_version'])}: "
        f"{summary['cells']} cells in {summary['duration_s']} s.</p>",
        "<h2>Summary</h2>",
        '<table><thead><tr><th scope="col">Rule</th><th scope="col">Impact</th>'
        '<th scope="col">Elements</th><th scope="col">Cells</th></tr></thead><tbody>',
    ]
    for rule, found in rules:
        impacts = sorted({i["impact"] for i in found}, key=lambda i: IMPACT_ORDER.get(i, 9))
        cells = {cell_label(i["cell"]) for i in found}
        parts.append(
            f'<tr><td><a href="#rule-{_e(slug(rule))}">{_e(rule)}</a></td>'
            f"<td>{_e(', '.join(impacts))}</td><td>{len(found)}</td><td>{len(cells)}</td></tr>"
        )
    if not rules:
        parts.append('<tr><td colspan="4">No findings.</td></tr>')
    parts.append("</tbody></table>")
    outcomes = summary["outcomes"]
    parts.append(
        f"<p>Tests: {outcomes['passed']} passed, {outcomes['violations']} found violations, "
        f"{outcomes['errors']} could not run.</p>"
    )
    parts.append(
        '<h2>Pages</h2><table><thead><tr><th scope="col">Route</th><th scope="col">Mode</th>'
        '<th scope="col">Cells</th><th scope="col">Tests</th><th scope="col">Findings</th>'
        '<th scope="col">Rules</th></tr></thead><tbody>'
    )
    for route, page in sorted(summary["pages"].items()):
        rules_found = ", ".join(
            f'<a href="#rule-{_e(slug(rule))}">{_e(rule)}</a>' for rule in page["rules"]
        )
        parts.append(
            f"<tr><td>{_e(route)}</td><td>{_e(page['mode'])}</td><td>{page['cells']}</td>"
            f"<td>{page['tests']}</td><td>{page['findings']}</td><td>{rules_found}</td></tr>"
        )
    parts.append("</tbody></table>")
    for problem in summary["exception_problems"]:
        parts.append(f'<p class="error">Exceptions file: {_e(problem)}</p>')
    for error in summary["errors"]:
        parts.append(
            f'<p class="error">Could not run {_e(error["test"])}: '
            f"<code>{_e(error['message'])}</code></p>"
        )
    parts.append("<h2>Findings by rule</h2>")
    parts += _rule_sections(summary["findings"], 3) or ["<p>None.</p>"]
    parts.append("<h2>Needs review</h2>")
    parts.append("<p>axe could not decide these; a person must check each one.</p>")
    parts += _rule_sections(summary["needs_review"], 3) or ["<p>None.</p>"]
    parts.append("<h2>Excepted</h2>")
    parts += _rule_sections(summary["excepted"], 3) or ["<p>None.</p>"]
    parts.append(
        '<h2>Timings</h2><table><thead><tr><th scope="col">Test</th>'
        '<th scope="col">Runs</th><th scope="col">Seconds</th></tr></thead><tbody>'
    )
    for test, t in summary["timings"].items():
        parts.append(f"<tr><td>{_e(test)}</td><td>{t['runs']}</td><td>{t['total_s']}</td></tr>")
    parts.append("</tbody></table></main></body></html>")
    return "\n".join(parts) + "\n"
