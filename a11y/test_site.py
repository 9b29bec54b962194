"""This site, audited with its profile the way `make a11y` does it: every page and mode, every
value of every display preference and every pair of them, the device's dark, more-contrast and
forced colours, both viewports, clean. The summary carries what the accessibility statement is
built from."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import A11Y

from plain_pcc.audit.axe import VERSION
from plain_pcc.audit.cli import main
from plain_pcc.audit.matrix import build
from plain_pcc.audit.profile import load

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
    assert [(p["field"], p["values"]) for p in summary["preferences"]] == [
        ("font_size", ["normal", "large", "extra-large"]),
        ("colour_scheme", ["default", "dark", "high-contrast"]),
        ("spacing", ["normal", "wide"]),
        ("typeface", ["default", "hyperlegible"]),
    ]
    assert [m["name"] for m in summary["media"]] == [
        "device-dark",
        "device-more-contrast",
        "forced-colours",
    ]
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
    # The cells audited are the matrix's, which the summary's cell ids name.
    profile = load(A11Y / "plain-pcc.toml")
    cells = build(profile, summary["pages"])
    assert {w["cell"] for w in summary["where"]} == {cell.id for cell in cells}
    # Every value of every preference on every page, at both viewports; every pair of values of
    # two preferences somewhere; every emulated device setting on every page, at the first.
    seen = {
        (c.page, f, v, c.viewport.name) for c in cells if c.media is None for f, v in c.preferences
    }
    for page in summary["pages"]:
        for preference in profile.preferences:
            for value in preference.values:
                for viewport in ("desktop", "narrow"):
                    assert (page, preference.field, value, viewport) in seen
        for media in profile.media:
            assert {c.viewport.name for c in cells if c.page == page and c.media == media} == {
                "desktop"
            }
    pairs = {(a, b) for c in cells if c.media is None for a in c.preferences for b in c.preferences}
    for first in profile.preferences:
        for second in profile.preferences:
            for x in first.values:
                for y in second.values:
                    assert ((first.field, x), (second.field, y)) in pairs or first == second


def test_pinned_axe_matches_the_lock_file() -> None:
    lock = json.loads((A11Y / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/axe-core"]["version"] == VERSION
