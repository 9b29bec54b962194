"""Findings: WCAG criterion and level from axe's tags, kinds, and stable fingerprints."""

from __future__ import annotations

from plain_pcc.audit.findings import RULES, finding, from_axe, wcag_of

AXE = {
    "id": "image-alt",
    "help": "Images must have alternative text",
    "helpUrl": "https://dequeuniversity.com/rules/axe/4.14/image-alt",
    "tags": ["cat.text-alternatives", "wcag2a", "wcag111", "section508"],
    "impact": "critical",
    "nodes": [
        {
            "target": ["#main > p:nth-of-type(2) > img"],
            "html": '<img src="a.png">',
            "failureSummary": "Fix any of the following:\n  no alt",
        }
    ],
}


def test_wcag_criterion_and_level_come_from_axe_tags() -> None:
    assert wcag_of(["wcag2aa", "wcag143"]) == ("1.4.3", "AA")
    assert wcag_of(["wcag22aa", "wcag258"]) == ("2.5.8", "AA")
    assert wcag_of(["best-practice"]) == ("", "")


def test_axe_results_become_findings_of_their_kind() -> None:
    (violation,) = from_axe([AXE])
    assert (violation.kind, violation.criterion, violation.level) == ("violation", "1.1.1", "A")
    assert violation.snippet == '<img src="a.png">'
    assert "no alt" in violation.message
    assert "\n" not in violation.message
    (review,) = from_axe([AXE], review=True)
    assert review.kind == "review"
    (advice,) = from_axe([AXE | {"tags": ["best-practice"]}])
    assert advice.kind == "best-practice"


def test_fingerprint_survives_a_moved_element_but_not_another_element() -> None:
    a = finding("reflow", "#main > div:nth-of-type(2)", "wide", "<div class=banner>")
    moved = finding("reflow", "#main > div:nth-of-type(3)", "wide", "<div  class=banner>")
    other = finding("reflow", "#main > div:nth-of-type(2)", "wide", "<div class=footer>")
    assert a.fingerprint == moved.fingerprint != other.fingerprint


def test_every_own_rule_names_its_criterion_and_understanding_page() -> None:
    for rule in RULES.values():
        assert rule.criterion.count(".") == 2
        assert rule.help_url.startswith("https://www.w3.org/WAI/WCAG22/Understanding/")
        assert (rule.kind == "violation") == bool(rule.level)
