"""The content checker: the accessibility and editorial rules content must pass to be published.

Most accessibility failures on a site like this one are put there by content, not code (a link
that says "here", a skipped heading level, a PDF linked without saying so), so every rule here
names the file and line, the WCAG success criterion it protects and how an editor fixes it.
``plain-pcc check`` prints the findings; start-up refuses content with an error in it.

``rules`` holds the table of rules and the finding; ``inspection`` the one walk over a site
that applies them.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ..content import Site, load_site
from ..settings import Settings, SettingsError
from ..source import ContentError
from .inspection import Inspection
from .rules import ERROR, RULES, WARNING, Finding, Rule, finding_from_error

__all__ = [
    "ERROR",
    "RULES",
    "WARNING",
    "Finding",
    "Rule",
    "check_content",
    "check_site",
    "finding_from_error",
    "main",
    "require_no_errors",
]

_log = logging.getLogger(__name__)


def check_content(content_dir: Path) -> list[Finding]:
    """Load ``content_dir`` and check it; a file that cannot be loaded is one finding."""
    try:
        return check_site(load_site(content_dir))
    except ContentError as error:
        return [finding_from_error(error)]


def check_site(site: Site) -> list[Finding]:
    """Every finding for the site, by file and line."""
    checker = Inspection(site)
    checker.run()
    return sorted(set(checker.findings))


def require_no_errors(site: Site) -> list[Finding]:
    """Raise ``ContentError`` for the first error; log the warnings and return them.

    Runs at start-up, so content that would publish an accessibility failure never goes live.
    """
    findings = check_site(site)
    for finding in findings:
        if finding.severity == ERROR:
            reason = f"{finding.rule}: {finding.message}. Fix: {finding.fix}"
            raise ContentError(finding.file, finding.line or None, reason, finding.rule)
    for finding in findings:
        _log.warning("%s", finding.text())
    return findings


def main(argv: Sequence[str]) -> int:
    """``plain-pcc check``: print the findings; exit 1 when any is an error."""
    parser = argparse.ArgumentParser(
        prog="plain-pcc check",
        description="Check the content for accessibility and editorial problems.",
    )
    parser.add_argument("--content", type=Path, help="content folder (default: ./content)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = parser.parse_args(argv)
    content_dir = args.content
    if content_dir is None:
        try:
            content_dir = Settings.from_env(os.environ).content_dir
        except SettingsError as error:
            print(f"plain-pcc check: {error}", file=sys.stderr)
            return 2
    findings = check_content(content_dir)
    errors = sum(finding.severity == ERROR for finding in findings)
    warnings = len(findings) - errors
    if args.format == "json":
        report = {
            "content": str(content_dir),
            "errors": errors,
            "warnings": warnings,
            "findings": [finding.as_json() for finding in findings],
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print(finding.text())
        if findings:
            print(f"{_count(errors, 'error')} and {_count(warnings, 'warning')} in {content_dir}")
        else:
            print(f"No problems found in {content_dir}")
    return 1 if errors else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
