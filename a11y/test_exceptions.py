"""The exceptions file: its format, expiry and rule ids (no browser)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from browser_audit import exceptions as exceptions_file

TODAY = dt.date(2026, 11, 25)
KNOWN = {"image-alt", "color-contrast", "reflow"}


def entry(**overrides: object) -> dict[str, object]:
    return {
        "rule": "image-alt",
        "scope": "#partner-logos",
        "reason": "Supplier logos, replaced in the redesign",
        "expires": dt.date(2027, 1, 31),
    } | overrides


def test_the_projects_exceptions_file_is_empty() -> None:
    """The issue asks for none today; adding one should be a reviewed decision."""
    assert exceptions_file.load() == []


def test_valid_entry_is_usable() -> None:
    usable, problems = exceptions_file.validate([entry()], KNOWN, TODAY)
    assert problems == []
    assert usable == [
        exceptions_file.Exception_(
            "image-alt",
            "#partner-logos",
            "Supplier logos, replaced in the redesign",
            dt.date(2027, 1, 31),
        )
    ]


def test_entry_expiring_today_still_holds() -> None:
    assert exceptions_file.validate([entry(expires=TODAY)], KNOWN, TODAY)[1] == []


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"expires": dt.date(2026, 11, 24)}, "expired on 2026-11-24"),
        ({"rule": "image-alt-text"}, "'image-alt-text' is no axe rule or audit check"),
        ({"expires": "2027-01-31"}, "expires must be a date"),
        ({"expires": dt.datetime(2027, 1, 31, 12, 0)}, "expires must be a date"),
        ({"reason": "  "}, "give a reason"),
        ({"scope": ""}, "scope must be a CSS selector"),
        ({"owner": "me"}, "unknown ['owner']"),
    ],
)
def test_bad_entry_is_a_problem_and_not_usable(overrides: dict[str, object], problem: str) -> None:
    usable, problems = exceptions_file.validate([entry(), entry(**overrides)], KNOWN, TODAY)
    assert len(usable) == 1
    assert len(problems) == 1
    assert problems[0].startswith("exception 2")
    assert problem in problems[0]


def test_missing_field_is_a_problem() -> None:
    bad = entry()
    del bad["reason"]
    assert "missing ['reason']" in exceptions_file.validate([bad], KNOWN, TODAY)[1][0]


def test_file_is_read_as_toml(tmp_path: Path) -> None:
    path = tmp_path / "exceptions.toml"
    path.write_text(
        '[[exception]]\nrule = "reflow"\nscope = "table.wide"\nreason = "Data table"\n'
        "expires = 2027-02-01\n",
        encoding="utf-8",
    )
    assert exceptions_file.load(path) == [
        {
            "rule": "reflow",
            "scope": "table.wide",
            "reason": "Data table",
            "expires": dt.date(2027, 2, 1),
        }
    ]


@pytest.mark.parametrize("text", ["[[exception]\n", 'rules = "x"\n', 'exception = "all"\n'])
def test_unreadable_file_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "exceptions.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(exceptions_file.ExceptionsFileError):
        exceptions_file.load(path)
