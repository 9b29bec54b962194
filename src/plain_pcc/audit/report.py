"""The run's reports: summary.json for machines (and the accessibility statement), index.html
for a person, junit.xml for CI, summary.md for a CI log. Findings are grouped by rule, page
and element, each with the cells it was seen in: memory and files grow with findings only."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .baseline import Baseline
from .findings import KINDS, RULES
from .matrix import Cell
from .profile import Profile
from .runner import CellResult, Job

IMPACT_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3, "unknown": 4}
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


@dataclass
class Run:
    """Everything a run learnt, as the reports need it."""

    base_url: str
    profile: Profile
    pages: list[str]
    discovery: str
    cells: list[Cell]
    results: list[CellResult]
    lost: list[Job]
    axe_version: str
    browser_version: str
    sessions: list[str]
    checks: list[str]
    fail_on: set[str]
    started: dt.datetime
    duration: float
    baseline: Baseline | None = None
    extra_errors: list[str] = field(default_factory=list)


def _groups(run: Run) -> list[dict[str, Any]]:
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for result in run.results:
        for outcome in result.outcomes:
            for f in outcome.findings:
                key = (f.rule, result.cell.page, f.fingerprint)
                group = groups.get(key)
                if group is None:
                    group = groups[key] = f.as_dict() | {
                        "page": result.cell.page,
                        "check": outcome.check,
                        "cells": [],
                    }
                if result.cell.id not in group["cells"]:
                    group["cells"].append(result.cell.id)
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            KINDS.index(g["kind"]),
            IMPACT_ORDER.get(g["impact"], 9),
            g["rule"],
            g["page"],
            g["selector"],
        ),
    )
    for g in ordered:
        known = run.baseline is not None and run.baseline.knows(
            (g["rule"], g["page"], g["fingerprint"])
        )
        g["baseline"] = "known" if known else "new"
    return ordered


def summary(run: Run) -> dict[str, Any]:
    groups = _groups(run)
    not_applicable: dict[tuple[str, str], list[str]] = defaultdict(list)
    could_not_run = []
    timings: dict[str, float] = defaultdict(float)
    for result in run.results:
        if result.error:
            could_not_run.append({"check": "page", "cell": result.cell.id, "reason": result.error})
        for outcome in result.outcomes:
            timings[outcome.check] += outcome.seconds
            if outcome.status == "not-applicable":
                pages = not_applicable[(outcome.check, outcome.reason)]
                if result.cell.page not in pages:
                    pages.append(result.cell.page)
            elif outcome.status == "could-not-run":
                could_not_run.append(
                    {"check": outcome.check, "cell": result.cell.id, "reason": outcome.reason}
                )
    inapplicable = (
        sorted(frozenset.intersection(*(r.inapplicable for r in run.results)))
        if run.results
        else []
    )
    not_audited = [{"cell": job.cell.id, "tried": job.tried} for job in run.lost]
    failing = [g for g in groups if g["kind"] in run.fail_on and g["baseline"] == "new"]
    fixed = (
        run.baseline.fixed((g["rule"], g["page"], g["fingerprint"]) for g in groups)
        if run.baseline
        else []
    )
    if not_audited or could_not_run or run.extra_errors:
        status, code = "error", EXIT_ERROR
    elif failing:
        status, code = "findings", EXIT_FINDINGS
    else:
        status, code = "clean", EXIT_CLEAN
    counts: dict[str, int] = {kind: sum(g["kind"] == kind for g in groups) for kind in KINDS}
    counts |= {
        "new": sum(g["baseline"] == "new" for g in groups),
        "known": sum(g["baseline"] == "known" for g in groups),
        "failing": len(failing),
        "fixed": len(fixed),
        "not-applicable": sum(len(p) for p in not_applicable.values()),
        "could-not-run": len(could_not_run),
        "not-audited": len(not_audited),
    }
    profile = run.profile
    return {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "started": run.started.isoformat(timespec="seconds"),
        "duration_s": round(run.duration, 2),
        "status": status,
        "exit_code": code,
        "base_url": run.base_url,
        "profile": {"name": profile.name, "source": profile.source},
        "discovery": run.discovery,
        "axe_version": run.axe_version,
        "browser_version": run.browser_version,
        "sessions": run.sessions,
        "pages": run.pages,
        "cells": len(run.cells),
        "cells_audited": len(run.results),
        "modes": [{"name": m.name, "prefix": m.prefix} for m in profile.modes],
        "preferences": [
            {"name": p.name, "field": p.field, "values": list(p.values)}
            for p in profile.preferences
        ],
        "viewports": [{"name": n, "width": w, "height": h} for n, w, h in profile.viewports],
        "media": [{"name": m.name, "features": dict(m.features)} for m in profile.media],
        "checks": run.checks,
        "fail_on": sorted(run.fail_on),
        "baseline": str(run.baseline.path) if run.baseline else None,
        "counts": counts,
        "findings": groups,
        "fixed": fixed,
        "not_applicable": [
            {"check": check, "reason": reason, "pages": pages}
            for (check, reason), pages in sorted(not_applicable.items())
        ],
        "axe_inapplicable": inapplicable,
        "could_not_run": could_not_run
        + [{"check": "run", "cell": "", "reason": e} for e in run.extra_errors],
        "not_audited": not_audited,
        "where": [
            {
                "cell": r.cell.id,
                "where": r.where,
                "attempts": r.attempts,
                "seconds": round(r.seconds, 3),
            }
            for r in sorted(run.results, key=lambda r: r.cell.id)
        ],
        "timings": {k: round(v, 2) for k, v in sorted(timings.items())},
    }


def rule_title(rule: str, message: str) -> str:
    r = RULES.get(rule)
    return r.title if r else message.split(". ")[0]


def html(data: dict[str, Any]) -> str:
    env = Environment(
        loader=PackageLoader("plain_pcc.audit", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["rule_title"] = rule_title
    return env.get_template("report.html").render(s=data, kinds=SECTIONS)


SECTIONS = (
    ("violation", "Violations", "WCAG 2.2 A and AA failures."),
    ("best-practice", "Best practice", "Advice beyond WCAG's success criteria."),
    ("review", "Needs review", "axe could not decide these: a person must check each one."),
)


def junit(data: dict[str, Any]) -> str:
    """One test case per check and page; a failure lists its findings; could-not-run errors."""
    suite = ET.Element("testsuite", name="accessibility audit")
    cases: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for g in data["findings"]:
        cases[(g["check"], g["page"])].append(g)
    pages = data["pages"]
    for check in data["checks"]:
        for page in pages:
            cases.setdefault((check, page), [])
    failures = errors = 0
    for (check, page), found in sorted(cases.items()):
        case = ET.SubElement(suite, "testcase", classname=check, name=page)
        failing = [g for g in found if g["kind"] in data["fail_on"] and g["baseline"] == "new"]
        if failing:
            failures += 1
            failure = ET.SubElement(case, "failure", message=f"{len(failing)} findings")
            failure.text = "\n".join(
                f"[{g['impact']}] {g['rule']} ({g['criterion'] or 'best practice'}) at "
                f"{g['selector']}: {g['message']} {g['help_url']}"
                for g in failing
            )
    for problem in data["could_not_run"] + [
        {"check": "not audited", "cell": n["cell"], "reason": "; ".join(n["tried"])}
        for n in data["not_audited"]
    ]:
        errors += 1
        case = ET.SubElement(suite, "testcase", classname=problem["check"], name=problem["cell"])
        ET.SubElement(case, "error", message=problem["reason"][:200]).text = problem["reason"]
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("time", str(data["duration_s"]))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(data: dict[str, Any]) -> str:
    c = data["counts"]
    lines = [
        f"## Accessibility audit: {data['status']}",
        "",
        f"{data['base_url']}: {len(data['pages'])} pages, {data['cells_audited']} of "
        f"{data['cells']} cells, axe-core {data['axe_version']}, Chromium "
        f"{data['browser_version']}, {data['duration_s']} s.",
        "",
        f"Violations {c['violation']}, best practice {c['best-practice']}, needs review "
        f"{c['review']}; new {c['new']}, known {c['known']}, fixed {c['fixed']}; could not run "
        f"{c['could-not-run']}, not audited {c['not-audited']}. Failing on: "
        f"{', '.join(data['fail_on'])}.",
        "",
    ]
    failing = [
        g for g in data["findings"] if g["kind"] in data["fail_on"] and g["baseline"] == "new"
    ]
    if failing:
        lines += [
            "| rule | WCAG | impact | page | element | cells |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for g in failing:
            wcag = f"{g['criterion']} {g['level']}".strip() or "best practice"
            lines.append(
                f"| {_md(g['rule'])} | {_md(wcag)} | {_md(g['impact'])} | {_md(g['page'])} | "
                f"`{_md(g['selector'])}` | {len(g['cells'])} |"
            )
        lines.append("")
    for problem in data["could_not_run"]:
        lines.append(
            f"- could not run {problem['check']} in {problem['cell']}: {_md(problem['reason'])}"
        )
    for lost in data["not_audited"]:
        lines.append(f"- not audited: {lost['cell']}")
    return "\n".join(lines).rstrip() + "\n"


def write(directory: Path, data: dict[str, Any]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "summary.json").write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    (directory / "index.html").write_text(html(data), encoding="utf-8")
    (directory / "junit.xml").write_text(junit(data), encoding="utf-8")
    (directory / "summary.md").write_text(markdown(data), encoding="utf-8")
