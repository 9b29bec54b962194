"""This site, audited with its profile the way `make a11y` does it: every page, mode, text
size and viewport, clean. The summary carries what the accessibility statement is built from."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import A11Y

from plain_pcc.audit.axe import VERSION
from plain_pcc.audit.cli import main

REPO = A11Y.parent


def test_this_site_is_clean_in_every_cell(tmp_path: Path) -> None:
    code = main(
        [
            "--profile",
            str(A11Y / "plain-pcc.toml"),
            "--content",
            str(REPO / "content"),
            "--report",
            str(tmp_path),
        ]
    )
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    failing = [(g["rule"], g["page"], g["selector"], g["message"]) for g in summary["findings"]]
    assert (code, summary["status"], failing, summary["could_not_run"]) == (0, "clean", [], [])
    assert summary["cells_audited"] == summary["cells"]
    assert summary["axe_version"] == VERSION
    assert summary["browser_version"] != ""
    assert "/no-such-page/" in summary["pages"]
    assert "/text-only/" in summary["pages"]
    assert [m["name"] for m in summary["modes"]] == ["full", "text-only"]
    assert summary["preferences"][0]["values"] == ["normal", "large", "extra-large"]
    assert [v["name"] for v in summary["viewports"]] == ["desktop", "narrow"]
    assert set(summary["checks"]) >= {
        "axe",
        "reflow",
        "keyboard",
        "skip-link",
        "text-spacing",
        "resize-text",
        "target-size",
        "consistency",
        "mode-switch",
        "preferences",
        "not-found",
    }
    # Every value of every preference on every page, at both viewports.
    seen = {(w["cell"].rsplit("-/", 1)[0]) for w in summary["where"]}
    for mode in ("full", "text-only"):
        for size in ("normal", "large", "extra-large"):
            for viewport in ("desktop", "narrow"):
                assert f"{mode}-{size}-{viewport}" in seen


def test_pinned_axe_matches_the_lock_file() -> None:
    lock = json.loads((A11Y / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/axe-core"]["version"] == VERSION
