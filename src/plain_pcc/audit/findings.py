"""What an audit reports: rules with their WCAG criterion and level, findings, and outcomes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

UNDERSTANDING = "https://www.w3.org/WAI/WCAG22/Understanding/"
# What a finding is: a WCAG failure, advice beyond WCAG, or something a person must decide.
Kind = Literal["violation", "best-practice", "review"]
KINDS: tuple[Kind, ...] = ("violation", "best-practice", "review")


@dataclass(frozen=True)
class Rule:
    """One thing the audit's own checks can find, and the WCAG success criterion behind it."""

    id: str
    criterion: str
    level: str  # "A", "AA", or "" for best practice
    title: str
    understanding: str
    kind: Kind = "violation"
    impact: str = "serious"

    @property
    def help_url(self) -> str:
        return UNDERSTANDING + self.understanding


def _rules(*rules: Rule) -> dict[str, Rule]:
    return {r.id: r for r in rules}


# Rule ids are distinct from axe's, so a baseline entry or a report line names one engine only.
RULES: dict[str, Rule] = _rules(
    Rule("reflow", "1.4.10", "AA", "No horizontal scrolling at 320 CSS px", "reflow.html"),
    Rule("resize-text", "1.4.4", "AA", "Text at 200% is not lost", "resize-text.html"),
    Rule("text-spacing", "1.4.12", "AA", "WCAG text spacing loses no text", "text-spacing.html"),
    Rule("bypass-blocks", "2.4.1", "A", "A way to skip repeated blocks", "bypass-blocks.html"),
    Rule("skip-link", "2.4.1", "A", "The skip link works", "bypass-blocks.html"),
    Rule(
        "skip-link-missing",
        "2.4.1",
        "",
        "No skip link: landmarks and headings bypass blocks, a skip link helps keyboard users",
        "bypass-blocks.html",
        kind="best-practice",
        impact="minor",
    ),
    Rule("focus-visible", "2.4.7", "AA", "Focus is visible", "focus-visible.html"),
    Rule(
        "non-text-contrast",
        "1.4.11",
        "AA",
        "A control's boundary has 3:1 contrast with the colours next to it",
        "non-text-contrast.html",
    ),
    Rule(
        "focus-indicator-contrast",
        "1.4.11",
        "AA",
        "A focus indicator has 3:1 contrast with the colours next to it",
        "non-text-contrast.html",
    ),
    Rule(
        "focus-not-obscured",
        "2.4.11",
        "AA",
        "Focus is not hidden by other content",
        "focus-not-obscured-minimum.html",
    ),
    Rule(
        "keyboard-reachable",
        "2.1.1",
        "A",
        "Tab reaches every control",
        "keyboard.html",
        impact="critical",
    ),
    Rule(
        "keyboard-trap",
        "2.1.2",
        "A",
        "Tab and Shift+Tab move on",
        "no-keyboard-trap.html",
        impact="critical",
    ),
    Rule(
        "target-size-minimum",
        "2.5.8",
        "AA",
        "Targets are 24 by 24 CSS px or spaced",
        "target-size-minimum.html",
    ),
    Rule(
        "preference-applies",
        "1.4.4",
        "AA",
        "A preference the site declares takes effect and is remembered, with JavaScript off",
        "resize-text.html",
        impact="critical",
    ),
    Rule(
        "mode-switch",
        "2.4.5",
        "AA",
        "The mode link leads to the same page in the other mode",
        "multiple-ways.html",
    ),
    Rule(
        "consistent-navigation",
        "3.2.3",
        "AA",
        "Repeated navigation is in the same order",
        "consistent-navigation.html",
        impact="moderate",
    ),
    Rule(
        "consistent-help",
        "3.2.6",
        "A",
        "Help is in the same order on every page",
        "consistent-help.html",
        impact="moderate",
    ),
    Rule(
        "not-found-status",
        "4.1.2",
        "",
        "A page that does not exist answers 404",
        "name-role-value.html",
        kind="best-practice",
        impact="moderate",
    ),
    Rule(
        "form-state",
        "3.3.1",
        "A",
        "A form submission the profile declares gives the page it promises",
        "error-identification.html",
    ),
)

_NTH = re.compile(r":nth-(?:of-type|child)\(\d+\)")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Finding:
    """One rule failing (or to be reviewed) on one element of one page."""

    rule: str
    kind: Kind
    impact: str
    selector: str
    message: str
    help_url: str
    criterion: str  # "1.4.3", or "" when the rule is not a WCAG criterion
    level: str  # "A", "AA", "AAA" or ""
    source: str  # "axe" or "check"
    snippet: str = ""  # the element's opening tag, for a fingerprint that survives page edits

    @property
    def fingerprint(self) -> str:
        """Stable across runs: position indexes are left out, the element's own tag kept."""
        stable = _NTH.sub("", self.selector) + "|" + _SPACE.sub(" ", self.snippet).strip()
        return hashlib.sha256(stable.encode()).hexdigest()[:16]

    def as_dict(self) -> dict[str, str]:
        return asdict(self) | {"fingerprint": self.fingerprint}


def finding(rule: str, selector: str, message: str, snippet: str = "") -> Finding:
    r = RULES[rule]
    return Finding(
        rule,
        r.kind,
        r.impact,
        selector,
        message,
        r.help_url,
        r.criterion,
        r.level,
        "check",
        snippet,
    )


@dataclass
class Outcome:
    """What one check made of one page: findings, or why it did not apply or could not run."""

    check: str
    status: Literal["ran", "not-applicable", "could-not-run"] = "ran"
    findings: list[Finding] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0


class NotApplicable(Exception):
    """The check has nothing to judge on this page (no text, not an HTML document, ...)."""


class CouldNotRun(Exception):
    """The check could not do what it needs to judge (its change to the page did not take)."""


_LEVELS = {
    "wcag2a": "A",
    "wcag21a": "A",
    "wcag2aa": "AA",
    "wcag21aa": "AA",
    "wcag22aa": "AA",
    "wcag2aaa": "AAA",
    "wcag21aaa": "AAA",
}
_CRITERION = re.compile(r"^wcag(\d)(\d)(\d+)$")


def wcag_of(tags: Iterable[str]) -> tuple[str, str]:
    """axe's tags (``wcag2aa``, ``wcag143``) as a criterion and a level."""
    tags = list(tags)
    level = next((_LEVELS[t] for t in tags if t in _LEVELS), "")
    criterion = next((".".join(m.groups()) for t in tags if (m := _CRITERION.match(t))), "")
    return criterion, level


def from_axe(results: Iterable[Mapping[str, Any]], review: bool = False) -> list[Finding]:
    """One finding per node of axe's ``violations`` (or ``incomplete``, as needing review)."""
    found = []
    for result in results:
        criterion, level = wcag_of(result.get("tags", ()))
        if review:
            kind: Kind = "review"
        else:
            kind = "violation" if level else "best-practice"
        for node in result["nodes"]:
            summary = node.get("failureSummary") or ""
            message = f"{result['help']}. {summary}".replace("\n", " ").strip()
            html = str(node.get("html") or "")
            found.append(
                Finding(
                    rule=result["id"],
                    kind=kind,
                    impact=node.get("impact") or result.get("impact") or "unknown",
                    selector=" >> ".join(_target_parts(node["target"])),
                    message=message,
                    help_url=result["helpUrl"],
                    criterion=criterion,
                    level=level,
                    source="axe",
                    snippet=html.split(">", 1)[0] + ">" if html else "",
                )
            )
    return found


def _target_parts(target: Iterable[Any]) -> list[str]:
    # axe targets are a list of selectors through frames and shadow roots.
    return [part if isinstance(part, str) else " ".join(part) for part in target]
