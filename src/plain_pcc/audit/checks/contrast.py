"""Non-text contrast (1.4.11) where axe cannot look: each control's boundary and each focus
indicator, against the colours next to them, in whatever colours the cell gives the page (a
colour scheme chosen through the site's form, or a device's dark, more-contrast or forced
colours emulated)."""

from __future__ import annotations

from ..findings import CouldNotRun, Finding, NotApplicable, finding
from ..matrix import Cell
from ..profile import Profile
from . import Check, Visit, is_html, page_kept, run_js

# WCAG 1.4.11: user interface components and their states, 3:1 against adjacent colours.
MINIMUM = 3.0


def contrast(visit: Visit) -> list[Finding]:
    if not is_html(visit):
        raise NotApplicable("not an HTML page: it has no controls or focus styles")
    result = run_js(visit, "contrast", MINIMUM)
    if not result["focusable"] and not result["boundaries"]:
        raise NotApplicable("the page has no links or controls")
    if result["focusable"] and not result["shown"]:
        # Focus moved by script did not match :focus-visible: the page's focus styles were
        # never drawn, so judging them would be judging nothing.
        raise CouldNotRun(
            f"none of the {result['focusable']} focusable elements showed its focus style "
            "(:focus-visible) when focused"
        )
    return [finding(f["rule"], f["selector"], f["detail"], f["snippet"]) for f in result["found"]]


def first_viewport(cell: Cell, profile: Profile) -> bool:
    """Colours do not depend on the width: every value and media condition at one width."""
    return cell.viewport.name == profile.viewports[0][0]


# Its own family: like the generic checks it needs no profile, but it is proven on its own
# fixture pages, in light and emulated dark colours (a11y/test_contrast.py).
CHECKS = (
    Check(
        "contrast",
        "colours",
        ("non-text-contrast", "focus-indicator-contrast"),
        contrast,
        first_viewport,
        # It focuses controls by script; its script lets go of focus and puts the start of the
        # next Tab back at the top, where a page just loaded has it.
        changes_page=True,
        put_back=page_kept,
    ),
)
