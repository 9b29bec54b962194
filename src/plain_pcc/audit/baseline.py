"""A baseline of known findings: a site adopts the audit with its problems recorded, and later
runs fail only on new ones. Keyed by rule, page and the element's fingerprint, never by counts
(a count lets a new fault hide behind a fixed one)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1

Key = tuple[str, str, str]  # rule, page, fingerprint


class BaselineError(ValueError):
    """A baseline file that cannot be read."""


@dataclass
class Baseline:
    path: Path
    entries: dict[Key, dict[str, str]]

    @classmethod
    def load(cls, path: Path) -> Baseline | None:
        """None when the file does not exist yet: this run records it."""
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BaselineError(f"{path}: format {data.get('format')!r}, expected {FORMAT}")
            entries = {(e["rule"], e["page"], e["fingerprint"]): e for e in data["findings"]}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BaselineError(f"{path}: not a baseline this audit wrote: {exc}") from exc
        return cls(path, entries)

    def knows(self, key: Key) -> bool:
        return key in self.entries

    def fixed(self, seen: Iterable[Key]) -> list[dict[str, str]]:
        """Entries no longer found: fixed since the baseline was recorded."""
        found = set(seen)
        return [e for k, e in sorted(self.entries.items()) if k not in found]


def write(path: Path, groups: Iterable[dict[str, Any]]) -> int:
    """Record every finding group as known; returns how many."""
    findings = [
        {
            "rule": g["rule"],
            "page": g["page"],
            "fingerprint": g["fingerprint"],
            "kind": g["kind"],
            "selector": g["selector"],
            "message": g["message"],
        }
        for g in groups
    ]
    findings.sort(key=lambda e: (e["rule"], e["page"], e["fingerprint"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"format": FORMAT, "findings": findings}, indent=1) + "\n", encoding="utf-8"
    )
    return len(findings)
