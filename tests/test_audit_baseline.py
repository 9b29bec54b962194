"""Baselines: recorded, read back, and refused when they are not one."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.audit.baseline import Baseline, BaselineError, write

GROUP = {
    "rule": "image-alt",
    "page": "/a/",
    "fingerprint": "ab" * 8,
    "kind": "violation",
    "selector": "img",
    "message": "no alt",
    "cells": ["x"],
}


def test_missing_file_is_recorded_by_this_run(tmp_path: Path) -> None:
    assert Baseline.load(tmp_path / "b.json") is None


def test_recorded_findings_are_known_and_the_rest_fixed(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    other = GROUP | {"rule": "label", "fingerprint": "cd" * 8}
    assert write(path, [GROUP, other]) == 2
    baseline = Baseline.load(path)
    assert baseline is not None
    assert baseline.knows(("image-alt", "/a/", "ab" * 8))
    assert not baseline.knows(("image-alt", "/b/", "ab" * 8))
    assert [e["rule"] for e in baseline.fixed([("image-alt", "/a/", "ab" * 8)])] == ["label"]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"format": 2, "findings": []}',
        '{"format": 1, "findings": [{"rule": "x"}]}',
    ],
)
def test_a_file_that_is_no_baseline_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError, match="b.json"):
        Baseline.load(path)
