"""``plain-pcc audit``: run the browser accessibility audit in a11y/ and turn its outcome into an
exit code: 0 clean, 1 violations found, 2 the audit could not run.

The audit is a pytest suite (a11y/test_site.py) run in a child process, so its strict pytest
configuration, browser and live server never touch the process that called it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

EXIT_CLEAN = 0
EXIT_VIOLATIONS = 1
EXIT_ERROR = 2
A11Y_DIR_VARIABLE = "PLAIN_PCC_A11Y_DIR"
# pytest's own exit codes: all tests passed, some failed. Anything else (interrupted, internal
# error, usage error, nothing collected) means the audit did not run to the end.
PYTEST_OK = 0
PYTEST_TESTS_FAILED = 1

Runner = Callable[[Sequence[str], Path], int]


def a11y_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The audit suite: beside ``src/`` in a checkout, or wherever the variable says."""
    if override := environ.get(A11Y_DIR_VARIABLE):
        return Path(override).resolve()
    return Path(__file__).resolve().parents[2] / "a11y"


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"must be an absolute http(s) URL, got {value!r}")
    if parts.query or parts.fragment or parts.path not in ("", "/"):
        raise argparse.ArgumentTypeError(f"must be the site's origin with no path, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plain-pcc audit",
        description=(
            "Audit every page of the site against WCAG 2.2 AA in headless Chromium, in both "
            "modes, every font size and two viewports. Exit 0 clean, 1 violations, 2 the audit "
            "could not run."
        ),
    )
    parser.add_argument(
        "--base-url",
        type=_base_url,
        help="a running site to audit, e.g. http://127.0.0.1:8000 (default: start the local "
        "site on a free loopback port)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="directory for index.html, summary.json, junit.xml and cells/ (default: a11y/report)",
    )
    return parser


def pytest_command(directory: Path, report: Path, base_url: str | None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(directory / "test_site.py"),
        "--report",
        str(report),
        "--junitxml",
        str(report / "junit.xml"),
        # A QA run against a deployment should leave nothing behind in the checkout.
        "-p",
        "no:cacheprovider",
        "-q",
        "--tb=short",
    ]
    if base_url:
        command += ["--base-url", base_url]
    return command


def exit_code(pytest_status: int, summary: Mapping[str, Any] | None) -> int:
    """Both pytest and the audit's own summary must agree before the result is believed."""
    if summary is None:
        return EXIT_ERROR
    status = summary.get("status")
    if pytest_status == PYTEST_OK and status == "clean":
        return EXIT_CLEAN
    if pytest_status == PYTEST_TESTS_FAILED and status == "violations":
        return EXIT_VIOLATIONS
    return EXIT_ERROR


def read_summary(report: Path) -> dict[str, Any] | None:
    try:
        summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return summary if isinstance(summary, dict) else None


def _run(command: Sequence[str], cwd: Path) -> int:
    return subprocess.call(list(command), cwd=cwd)


def main(argv: list[str] | None = None, run: Runner = _run) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help is 0; a bad option is argparse's 2, "could not run"
        return int(exc.code or 0)
    directory = a11y_dir()
    if not (directory / "conftest.py").is_file():
        print(
            f"plain-pcc audit: no audit suite at {directory}; set {A11Y_DIR_VARIABLE}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    report = (args.report or directory / "report").resolve()
    # A summary left by an earlier run must never stand in for this one's.
    (report / "summary.json").unlink(missing_ok=True)
    status = run(pytest_command(directory, report, args.base_url), directory.parent)
    summary = read_summary(report)
    code = exit_code(status, summary)
    outcome = {EXIT_CLEAN: "clean", EXIT_VIOLATIONS: "violations found"}.get(
        code, "the audit could not run"
    )
    where = f"report in {report / 'index.html'}" if summary else "no report was written"
    print(f"plain-pcc audit: {outcome}; {where}", file=sys.stderr)
    return code
