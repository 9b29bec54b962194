"""The audit pointed at a site it knows nothing of, as a QA engineer would: no profile, no
preferences, no modes. The faulty site is reported with exactly its faults; its clean twin
(which has no sitemap, so it is crawled) passes; a baseline adopts known faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fixtures.server import files_app

from plain_pcc.audit.axe import AxeRunner
from plain_pcc.audit.browser import Session
from plain_pcc.audit.cli import main
from plain_pcc.audit.localsite import LiveServer
from plain_pcc.audit.matrix import Viewport

NAV_FIRST = "html > body > nav > ul > li:nth-of-type(1) > a"
VIOLATIONS = {
    ("image-alt", "/about/", "img"),
    ("color-contrast", "/contact.html", ".note"),
    ("focus-visible", "/", "#main > p:nth-of-type(2) > a"),
    ("reflow", "/about/", "#main > div"),
}
# Landmarks and headings bypass the menu (WCAG 2.4.1's sufficient techniques): advice only.
ADVICE = {("skip-link-missing", page, NAV_FIRST) for page in ("/", "/about/", "/contact.html")}


@pytest.fixture(scope="module")
def foreign() -> Iterator[str]:
    with LiveServer(lambda base: files_app("foreign")) as server:
        yield server.base_url


@pytest.fixture(scope="module")
def foreign_clean() -> Iterator[str]:
    with LiveServer(lambda base: files_app("foreign-clean")) as server:
        yield server.base_url


def audit(report: Path, *args: str) -> tuple[int, dict[str, Any]]:
    code = main([*args, "--report", str(report)])
    return code, json.loads((report / "summary.json").read_text(encoding="utf-8"))


def findings(summary: dict[str, Any], kind: str) -> set[tuple[str, str, str]]:
    return {(g["rule"], g["page"], g["selector"]) for g in summary["findings"] if g["kind"] == kind}


def test_foreign_site_reports_exactly_its_faults(foreign: str, tmp_path: Path) -> None:
    code, summary = audit(tmp_path, "--base-url", foreign)
    assert code == 1
    assert summary["status"] == "findings"
    assert summary["pages"] == ["/", "/about/", "/contact.html"]
    assert summary["discovery"].startswith("the sitemap")
    assert findings(summary, "violation") == VIOLATIONS
    assert findings(summary, "best-practice") == ADVICE
    assert findings(summary, "review") == set()
    assert summary["could_not_run"] == []
    assert summary["not_audited"] == []
    assert summary["modes"] == []
    assert summary["preferences"] == []
    # Every finding carries its WCAG criterion and level, or says it is advice.
    levels = {(g["rule"], g["criterion"], g["level"]) for g in summary["findings"]}
    assert ("image-alt", "1.1.1", "A") in levels
    assert ("reflow", "1.4.10", "AA") in levels
    assert ("skip-link-missing", "2.4.1", "") in levels
    for name in ("index.html", "junit.xml", "summary.md"):
        assert (tmp_path / name).is_file()
    assert "| image-alt | 1.1.1 A |" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_clean_twin_is_crawled_and_passes(foreign_clean: str, tmp_path: Path) -> None:
    code, summary = audit(tmp_path, "--base-url", foreign_clean)
    assert code == 0
    assert summary["status"] == "clean"
    assert summary["discovery"].startswith("a crawl")
    assert summary["pages"] == ["/", "/about/", "/contact.html"]
    assert summary["findings"] == []
    assert summary["cells_audited"] == summary["cells"] == 6


def test_best_practice_fails_the_run_when_asked(
    foreign_clean: str, foreign: str, tmp_path: Path
) -> None:
    code, summary = audit(
        tmp_path / "a", "--base-url", foreign, "--fail-on", "best-practice", "--checks", "skip-link"
    )
    assert code == 1
    # axe always runs: its two violations fail too, and the advice now with them.
    assert summary["counts"]["failing"] == len(ADVICE) + 2
    assert summary["checks"] == ["axe", "skip-link"]
    assert audit(tmp_path / "b", "--base-url", foreign_clean, "--fail-on", "best-practice")[0] == 0


def test_baseline_records_then_fails_only_on_new_findings(foreign: str, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, summary = audit(tmp_path / "first", "--base-url", foreign, "--baseline", str(baseline))
    assert code == 0, "the first run records every finding as known"
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert {(e["rule"], e["page"]) for e in recorded["findings"]} == {
        (rule, page) for rule, page, _ in VIOLATIONS | ADVICE
    }
    # One known fault forgotten, one that is no longer there: new and fixed.
    recorded["findings"] = [e for e in recorded["findings"] if e["rule"] != "image-alt"]
    recorded["findings"].append(
        {
            "rule": "label",
            "page": "/contact.html",
            "fingerprint": "0" * 16,
            "kind": "violation",
            "selector": "#search",
            "message": "a search box with no label",
        }
    )
    baseline.write_text(json.dumps(recorded), encoding="utf-8")
    code, summary = audit(tmp_path / "second", "--base-url", foreign, "--baseline", str(baseline))
    assert code == 1
    new = {(g["rule"], g["page"]) for g in summary["findings"] if g["baseline"] == "new"}
    assert new == {("image-alt", "/about/")}
    assert [(e["rule"], e["page"]) for e in summary["fixed"]] == [("label", "/contact.html")]
    assert summary["counts"]["known"] == len(VIOLATIONS | ADVICE) - 1


def test_the_html_report_itself_passes_axe(
    foreign: str, tmp_path: Path, session: Session, axe_runner: AxeRunner
) -> None:
    """A report with every section filled is read by people who may use assistive technology."""
    audit(tmp_path, "--base-url", foreign, "--checks", "reflow,skip-link")
    session.reset(Viewport("desktop", 1280, 1024), None)
    session.driver.get((tmp_path / "index.html").as_uri())
    results = axe_runner.run(session.driver)
    assert [(r["id"], [n["target"] for n in r["nodes"]]) for r in results["violations"]] == []
