"""What a check or axe reports: one finding per rule, element and cell."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

WCAG = "https://www.w3.org/WAI/WCAG22/Understanding/"


@dataclass(frozen=True)
class Check:
    """A browser check beyond axe: its rule id, the WCAG criterion it tests, and its impact."""

    rule: str
    criterion: str
    title: str
    understanding: str
    impact: str = "serious"

    @property
    def help_url(self) -> str:
        return WCAG + self.understanding


# Rule ids are distinct from axe's so an exception or a report line names one engine only.
CHECKS: dict[str, Check] = {
    c.rule: c
    for c in (
        Check("reflow", "1.4.10", "No horizontal scrolling at 320 CSS px", "reflow.html"),
        Check("resize-text", "1.4.4", "Text resized to 200% is not clipped", "resize-text.html"),
        Check("text-spacing", "1.4.12", "WCAG text spacing loses no content", "text-spacing.html"),
        Check(
            "skip-link",
            "2.4.1",
            "First Tab shows a skip link that moves focus to main",
            "bypass-blocks.html",
        ),
        Check(
            "focus-visible",
            "2.4.7",
            "Every focused element shows a focus indicator",
            "focus-visible.html",
        ),
        Check(
            "focus-not-obscured",
            "2.4.11",
            "No focused element is hidden by other content",
            "focus-not-obscured-minimum.html",
        ),
        Check(
            "keyboard-reachable",
            "2.1.1",
            "Every link and control is reachable with Tab",
            "keyboard.html",
            impact="critical",
        ),
        Check(
            "keyboard-trap",
            "2.1.2",
            "Tab moves on from every element",
            "no-keyboard-trap.html",
            impact="critical",
        ),
        Check(
            "target-size-minimum",
            "2.5.8",
            "Targets are 24 by 24 CSS px or spaced apart",
            "target-size-minimum.html",
        ),
        Check(
            "preferences-without-javascript",
            "1.4.4",
            "The font-size form works, persists and grows text with JavaScript off",
            "resize-text.html",
            impact="critical",
        ),
        Check(
            "mode-toggle",
            "2.4.5",
            "The mode links lead to the same page in the other mode",
            "multiple-ways.html",
        ),
        Check(
            "consistent-navigation",
            "3.2.3",
            "The main navigation is in the same order",
            "consistent-navigation.html",
            impact="moderate",
        ),
        Check(
            "consistent-help",
            "3.2.6",
            "Contact details are in the same order on every page",
            "consistent-help.html",
            impact="moderate",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One failure of one rule on one element."""

    rule: str
    impact: str
    selector: str
    message: str
    help_url: str
    source: str  # "axe" or "check"

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def finding(rule: str, selector: str, message: str) -> Finding:
    check = CHECKS[rule]
    return Finding(rule, check.impact, selector, message, check.help_url, "check")


def from_axe(violations: Iterable[Mapping[str, Any]]) -> list[Finding]:
    """One finding per violating node, with axe's own summary of what to fix."""
    found = []
    for violation in violations:
        for node in violation["nodes"]:
            message = node.get("failureSummary") or violation["help"]
            found.append(
                Finding(
                    rule=violation["id"],
                    impact=node.get("impact") or violation.get("impact") or "unknown",
                    selector=" >> ".join(_target_parts(node["target"])),
                    message=f"{violation['help']}. {message}".replace("\n", " "),
                    help_url=violation["helpUrl"],
                    source="axe",
                )
            )
    return found


def _target_parts(target: Iterable[Any]) -> list[str]:
    # axe targets are a list of selectors through frames and shadow roots.
    return [part if isinstance(part, str) else " ".join(part) for part in target]


def describe(findings: Iterable[Finding], where: str) -> str:
    """The failure message: rule, impact, help URL and selector for each finding."""
    lines = [f"accessibility findings on {where}:"]
    for f in findings:
        lines.append(f"  [{f.impact}] {f.rule} at {f.selector}")
        lines.append(f"      {f.message}")
        lines.append(f"      {f.help_url}")
    return "\n".join(lines)


class Violations(AssertionError):
    """Raised by a test whose page has findings: the audit ran and the site fails."""
