"""The accessibility statement's record of testing: copied from the audit's summary, shown by the
statement, and never older than the content it describes."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from plain_pcc.app import create_app
from plain_pcc.content import load_site
from plain_pcc.modes import MODES
from plain_pcc.rendering import PER_REQUEST
from plain_pcc.settings import Settings
from plain_pcc.source import ContentError
from plain_pcc.statement import RECORD, main, read_record, record, write_record

from .conftest import CONTENT, ROOT, CheckedClient, edit

STATEMENT = "/accessibility-statement/"
SUMMARY: dict[str, Any] = {
    "generated": "2026-11-29T16:00:00+00:00",
    "started": "2026-11-29T15:55:00+00:00",
    "status": "clean",
    "axe_version": "4.14.1",
    "browser_version": "156.0.8078.108",
    "pages": ["/", "/text-only/", "/cookies/", "/text-only/cookies/"],
    "cells": 24,
    "modes": [{"name": "full", "prefix": ""}, {"name": "text-only", "prefix": "/text-only"}],
    "preferences": [{"name": "text size", "field": "font_size", "values": ["normal", "large"]}],
    "media": [{"name": "forced-colours", "features": {"forced-colors": "active"}}],
    "viewports": [{"name": "desktop", "width": 1280, "height": 800}],
    "checks": ["axe", "reflow"],
    "counts": {"failing": 0},
}


def recorded(content: Path, summary: dict[str, Any], people: str = "") -> Path:
    report = content.parent / "report"
    report.mkdir(exist_ok=True)
    (report / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    target = write_record(report / "summary.json", content)
    if people:
        edit(content, RECORD, "people: []", f"people:\n- {people}")
    return target


def statement_text(content: Path) -> str:
    app = create_app(Settings(content_dir=content, access_log=False))
    with CheckedClient(app) as client:
        page = BeautifulSoup(client.get(STATEMENT).text, "html5lib")
    return " ".join(page.main.get_text(" ").split())


def test_record_copies_what_the_audit_tested(content: Path) -> None:
    recorded(content, SUMMARY)
    tested = read_record(content)
    assert tested.when == dt.datetime(2026, 11, 29, 16, 0, tzinfo=dt.UTC)
    assert (tested.status, tested.problems, tested.axe, tested.cells) == ("clean", 0, "4.14.1", 24)
    assert tested.browser == "Chromium 156.0.8078.108"
    assert tested.modes == ("full", "text-only")
    assert tested.preferences == ("text size: normal, large",)
    assert tested.devices == ("forced-colors: active",)
    assert tested.viewports == ("desktop, 1280 by 800 pixels",)
    assert tested.people == ()


def test_statement_says_partially_compliant_when_only_tools_tested(content: Path) -> None:
    recorded(content, SUMMARY)
    text = statement_text(content)
    assert "This website is partially compliant with the" in text
    assert "tested by automated tools only" in text
    assert "last tested on 29 November 2026" in text
    assert "axe-core 4.14.1 in Chromium 156.0.8078.108" in text
    assert "text size: normal, large" in text
    assert "desktop, 1280 by 800 pixels" in text
    assert "fully compliant" not in text.replace("say it is fully compliant", "")


def test_statement_is_fully_compliant_only_when_people_tested_a_clean_site(content: Path) -> None:
    recorded(content, SUMMARY, people="Screen reader test of every page, 2026-11-28")
    text = statement_text(content)
    assert "This website is fully compliant with the" in text
    assert "Screen reader test of every page, 2026-11-28" in text


def test_statement_reports_the_problems_found(content: Path) -> None:
    recorded(content, {**SUMMARY, "status": "findings", "counts": {"failing": 3}})
    text = statement_text(content)
    assert "partially compliant" in text
    assert "found 3 accessibility problems" in text


def test_rerecording_keeps_what_people_tested(content: Path) -> None:
    recorded(content, SUMMARY, people="Keyboard test, 2026-11-28")
    recorded(content, {**SUMMARY, "generated": "2026-11-30T09:00:00+00:00"})
    assert read_record(content).people == ("Keyboard test, 2026-11-28",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "maybe"}, "is not one of"),
        ({"generated": None, "started": None}, "no 'generated' time"),
        ({"axe_version": None}, "has no 'axe_version'"),
    ],
)
def test_an_incomplete_summary_is_refused(
    content: Path, change: dict[str, Any], message: str
) -> None:
    summary = {k: v for k, v in {**SUMMARY, **change}.items() if v is not None}
    with pytest.raises(ValueError, match=message):
        record(summary)


def test_statement_without_a_record_claims_nothing(content: Path) -> None:
    (content / RECORD).unlink(missing_ok=True)
    text = statement_text(content)
    assert "has not been tested against the" in text
    assert "compliant" not in text
    assert "last tested" not in text


def test_a_record_time_without_offset_is_refused(content: Path) -> None:
    recorded(content, {**SUMMARY, "generated": "2026-11-29T16:00:00"})
    with pytest.raises(ContentError, match="offset from UTC") as caught:
        load_site(content)
    assert caught.value.line is not None


def test_command_records_and_reports_a_missing_report(
    content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--report", str(tmp_path / "none"), "--content", str(content)]) == 2
    assert "summary.json" in capsys.readouterr().err
    report = tmp_path / "report"
    report.mkdir()
    (report / "summary.json").write_text(json.dumps(SUMMARY), encoding="utf-8")
    assert main(["--report", str(report), "--content", str(content)]) == 0
    assert read_record(content).cells == 24


# The shipped record ------------------------------------------------------------------------


def test_the_shipped_record_covers_every_page_in_every_mode() -> None:
    """The statement may only speak for pages the audit visited."""
    tested = read_record(CONTENT)
    site = load_site(CONTENT)
    # A page rendered per request for a visitor's own token (the email confirmation) is in no
    # sitemap and has no address the audit can visit without one: the page check covers it.
    addresses = {
        mode.url(path)
        for path, page in site.pages.items()
        if page.template not in PER_REQUEST
        for mode in MODES
    }
    missing = sorted(addresses - set(tested.pages))
    assert not missing, f"not audited: {missing}: run 'make statement' and commit {RECORD}"


def test_the_shipped_record_is_newer_than_the_content_it_describes() -> None:
    """Content committed after the audit may have changed what the statement says about it."""
    changed = subprocess.run(
        ["git", "log", "-1", "--format=%cI", "--", "content", f":!content/{RECORD}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert changed, "the content folder has no commits: is this a git checkout?"
    tested = read_record(CONTENT).when
    assert tested >= dt.datetime.fromisoformat(changed), (
        f"content/ was committed at {changed}, after the audit recorded in content/{RECORD} "
        f"({tested.isoformat()}): run 'make statement' and commit content/{RECORD}"
    )
