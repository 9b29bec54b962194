"""The exceptions file: a finding may be excused inside a scope, for a reason, until a date."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from selenium.webdriver.chrome.webdriver import WebDriver

from .findings import Finding

EXCEPTIONS_FILE = Path(__file__).resolve().parent.parent / "exceptions.toml"
FIELDS = {"rule", "scope", "reason", "expires"}


@dataclass(frozen=True)
class Exception_:
    """One excused rule inside one CSS selector scope (trailing underscore: not a builtin)."""

    rule: str
    scope: str
    reason: str
    expires: dt.date


class ExceptionsFileError(ValueError):
    """The file cannot be read at all."""


def load(path: Path = EXCEPTIONS_FILE) -> list[dict[str, object]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ExceptionsFileError(f"{path}: {exc}") from exc
    entries = data.pop("exception", [])
    if data:
        raise ExceptionsFileError(f"{path}: unknown top-level keys {sorted(data)}")
    if not isinstance(entries, list):
        raise ExceptionsFileError(f"{path}: 'exception' must be an array of tables")
    return entries


def validate(
    entries: Iterable[dict[str, object]], known_rules: set[str], today: dt.date
) -> tuple[list[Exception_], list[str]]:
    """The usable entries, and a problem line for every entry that must fail the run."""
    usable: list[Exception_] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        where = f"exception {number}"
        keys = set(entry)
        if keys != FIELDS:
            missing, extra = sorted(FIELDS - keys), sorted(keys - FIELDS)
            problems.append(f"{where}: missing {missing}, unknown {extra}")
            continue
        rule, scope, reason, expires = (entry[k] for k in ("rule", "scope", "reason", "expires"))
        where = f"exception {number} ({rule} in {scope!r})"
        if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
            problems.append(f"{where}: expires must be a date like 2027-01-31")
        elif expires < today:
            problems.append(f"{where}: expired on {expires.isoformat()}")
        if not isinstance(rule, str) or rule not in known_rules:
            problems.append(f"{where}: {rule!r} is no axe rule or audit check")
        if not isinstance(scope, str) or not scope.strip():
            problems.append(f"{where}: scope must be a CSS selector")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{where}: give a reason")
        if not any(p.startswith(where) for p in problems):
            usable.append(Exception_(str(rule), str(scope), str(reason), expires))  # type: ignore[arg-type]
    return usable, problems


_IN_SCOPE = """
const [selector, scope] = arguments;
try {
  const el = document.querySelector(selector);
  return !!el && !!el.closest(scope);
} catch (e) {
  return false;
}
"""


def apply(
    driver: WebDriver, findings: list[Finding], exceptions: list[Exception_]
) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (kept, excepted) by rule and by the element lying inside the scope."""
    kept: list[Finding] = []
    excepted: list[Finding] = []
    for f in findings:
        scopes = [e.scope for e in exceptions if e.rule == f.rule]
        if scopes and any(
            f.selector == scope or driver.execute_script(_IN_SCOPE, f.selector, scope)
            for scope in scopes
        ):
            excepted.append(f)
        else:
            kept.append(f)
    return kept, excepted
