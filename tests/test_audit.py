"""``plain-pcc audit``: options, the pytest command it runs, and exit codes (no browser)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from plain_pcc import audit

REPO = Path(__file__).resolve().parents[1]


class FakePytest:
    """Stands in for the child pytest: records the command, writes a summary, returns a code."""

    def __init__(self, status: int, summary: dict[str, Any] | str | None) -> None:
        self.status = status
        self.summary = summary
        self.calls: list[tuple[list[str], Path]] = []

    def __call__(self, command: Sequence[str], cwd: Path) -> int:
        self.calls.append((list(command), cwd))
        report = Path(command[command.index("--report") + 1])
        if self.summary is not None:
            report.mkdir(parents=True, exist_ok=True)
            text = self.summary if isinstance(self.summary, str) else json.dumps(self.summary)
            (report / "summary.json").write_text(text, encoding="utf-8")
        return self.status

    @property
    def command(self) -> list[str]:
        return self.calls[-1][0]


@pytest.fixture
def suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in a11y directory, so no test here depends on the real suite's files."""
    directory = tmp_path / "a11y"
    directory.mkdir()
    (directory / "conftest.py").write_text("", encoding="utf-8")
    monkeypatch.setenv(audit.A11Y_DIR_VARIABLE, str(directory))
    return directory


def test_default_a11y_dir_is_beside_src() -> None:
    assert audit.a11y_dir({}) == REPO / "a11y"


def test_a11y_dir_follows_the_variable(tmp_path: Path) -> None:
    assert audit.a11y_dir({audit.A11Y_DIR_VARIABLE: str(tmp_path)}) == tmp_path.resolve()


def test_runs_the_site_audit_with_the_local_site_by_default(suite: Path) -> None:
    run = FakePytest(0, {"status": "clean"})
    assert audit.main([], run=run) == audit.EXIT_CLEAN
    command, cwd = run.calls[0]
    assert command[1:4] == ["-m", "pytest", str(suite / "test_site.py")]
    assert "--base-url" not in command
    assert command[command.index("--report") + 1] == str(suite / "report")
    assert command[command.index("--junitxml") + 1] == str(suite / "report" / "junit.xml")
    assert cwd == suite.parent


def test_passes_base_url_and_report_directory(suite: Path, tmp_path: Path) -> None:
    run = FakePytest(0, {"status": "clean"})
    code = audit.main(
        ["--base-url", "http://127.0.0.1:8000/", "--report", str(tmp_path / "out")], run=run
    )
    assert code == audit.EXIT_CLEAN
    assert run.command[run.command.index("--base-url") + 1] == "http://127.0.0.1:8000"
    assert run.command[run.command.index("--report") + 1] == str((tmp_path / "out").resolve())


def test_relative_report_directory_is_made_absolute(
    suite: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child runs in the repository root, so a path relative to the caller must not move."""
    monkeypatch.chdir(tmp_path)
    run = FakePytest(0, {"status": "clean"})
    audit.main(["--report", "here"], run=run)
    assert run.command[run.command.index("--report") + 1] == str(tmp_path / "here")


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org", "example.org", "http://example.org/some/page", "http://x.org/?a=1"],
)
def test_rejects_a_base_url_that_is_not_an_origin(
    suite: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run = FakePytest(0, {"status": "clean"})
    assert audit.main(["--base-url", url], run=run) == audit.EXIT_ERROR
    assert run.calls == []
    assert "--base-url" in capsys.readouterr().err


def test_unknown_option_cannot_run(suite: Path) -> None:
    run = FakePytest(0, {"status": "clean"})
    assert audit.main(["--fast"], run=run) == audit.EXIT_ERROR
    assert run.calls == []


def test_help_is_not_an_error(suite: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert audit.main(["--help"], run=FakePytest(0, None)) == 0
    assert "WCAG 2.2 AA" in capsys.readouterr().out


def test_missing_suite_cannot_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(audit.A11Y_DIR_VARIABLE, str(tmp_path / "nowhere"))
    run = FakePytest(0, {"status": "clean"})
    assert audit.main([], run=run) == audit.EXIT_ERROR
    assert run.calls == []
    assert audit.A11Y_DIR_VARIABLE in capsys.readouterr().err


@pytest.mark.parametrize(
    ("pytest_status", "summary", "expected"),
    [
        (0, {"status": "clean"}, audit.EXIT_CLEAN),
        (1, {"status": "violations"}, audit.EXIT_VIOLATIONS),
        # A test that errored (browser gone, sitemap unreadable) is not a site violation.
        (1, {"status": "error"}, audit.EXIT_ERROR),
        # pytest could not collect (the site was down) or was interrupted.
        (2, {"status": "clean"}, audit.EXIT_ERROR),
        (3, {"status": "violations"}, audit.EXIT_ERROR),
        (4, None, audit.EXIT_ERROR),
        (5, {"status": "clean"}, audit.EXIT_ERROR),
        # pytest and the summary disagree: believe neither.
        (0, {"status": "violations"}, audit.EXIT_ERROR),
        (1, {"status": "clean"}, audit.EXIT_ERROR),
        (0, None, audit.EXIT_ERROR),
        (0, {}, audit.EXIT_ERROR),
    ],
)
def test_exit_code(pytest_status: int, summary: dict[str, str] | None, expected: int) -> None:
    assert audit.exit_code(pytest_status, summary) == expected


@pytest.mark.parametrize(
    ("status", "summary", "expected"),
    [
        (0, {"status": "clean"}, audit.EXIT_CLEAN),
        (1, {"status": "violations"}, audit.EXIT_VIOLATIONS),
        (1, {"status": "error"}, audit.EXIT_ERROR),
        (0, None, audit.EXIT_ERROR),
        (0, "not json", audit.EXIT_ERROR),
        (0, "[1, 2]", audit.EXIT_ERROR),
    ],
)
def test_main_reads_the_summary_the_run_wrote(
    suite: Path, status: int, summary: dict[str, str] | str | None, expected: int
) -> None:
    assert audit.main([], run=FakePytest(status, summary)) == expected


def test_stale_summary_from_an_earlier_run_is_not_believed(suite: Path) -> None:
    report = suite / "report"
    report.mkdir()
    (report / "summary.json").write_text('{"status": "clean"}', encoding="utf-8")
    assert audit.main([], run=FakePytest(0, None)) == audit.EXIT_ERROR


def test_no_report_is_said_when_the_run_wrote_none(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit.main([], run=FakePytest(2, None))
    assert "could not run; no report was written" in capsys.readouterr().err


def test_outcome_is_printed_with_the_report_path(
    suite: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit.main([], run=FakePytest(1, {"status": "violations"}))
    err = capsys.readouterr().err
    assert "violations found" in err
    assert str(suite / "report" / "index.html") in err


def test_child_process_runs_in_the_given_directory_and_its_status_is_returned(
    tmp_path: Path,
) -> None:
    check = "import os, sys; sys.exit(3 if os.getcwd() == sys.argv[1] else 4)"
    assert audit._run([sys.executable, "-c", check, str(tmp_path.resolve())], tmp_path) == 3
