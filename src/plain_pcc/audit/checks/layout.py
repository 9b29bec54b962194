"""Layout checks: reflow at 320 CSS px (1.4.10), text at 200% (1.4.4), text spacing (1.4.12)."""

from __future__ import annotations

from ..browser import DEFAULT_FONT_PX
from ..findings import CouldNotRun, Finding, NotApplicable, finding
from . import Check, Visit, default_cells, is_html, narrow, page_kept, run_js


def reflow(visit: Visit) -> list[Finding]:
    result = run_js(visit, "reflow")
    if result["clips"] and result["offenders"]:
        # overflow-x: hidden on the page hides the scroll bar, and with it the content.
        return [
            finding(
                "reflow", o["selector"], f"{o['detail']}, and the page cuts it off", o["snippet"]
            )
            for o in result["offenders"]
        ]
    if result["scrollWidth"] <= result["width"]:
        return []
    where = f"the page is {result['scrollWidth']} px wide in a {result['width']} px viewport"
    offenders = result["offenders"] or [{"selector": "html", "detail": where, "snippet": ""}]
    return [
        finding("reflow", o["selector"], f"{o['detail']} ({where})", o["snippet"])
        for o in offenders
    ]


def _fits(fits: list[dict[str, str]], rule: str, condition: str) -> list[Finding]:
    return [finding(rule, f["selector"], f"{condition}: {f['detail']}", f["snippet"]) for f in fits]


def _html_only(visit: Visit) -> None:
    if not is_html(visit):
        raise NotApplicable("not an HTML document: it has no text to space or resize")


def resize_text(visit: Visit) -> list[Finding]:
    """The browser's own text size at 200%: the page must follow it and lose nothing."""
    _html_only(visit)
    before = run_js(visit, "root_font")
    visit.session.text_size(200)
    try:
        at = run_js(visit, "text_size")
        after, medium = at["root"], at["medium"]
        if abs(medium - 2 * DEFAULT_FONT_PX) > 0.5:
            raise CouldNotRun(
                f"the browser's text size at 200% gave medium text {medium:g} px, not "
                f"{2 * DEFAULT_FONT_PX} px: the setting did not reach the page"
            )
        found = []
        # Root font sizes in px ignore the visitor's setting; rem and % follow it.
        if after < 2 * before - 0.5:
            found.append(
                finding(
                    "resize-text",
                    "html",
                    f"the root font size went from {before:g} px to {after:g} px when the "
                    "browser text size was set to 200%: the page does not follow the visitor's "
                    "setting",
                )
            )
        return found + _fits(at["fits"], "resize-text", "with browser text at 200%")
    finally:
        visit.session.text_size(100)


def text_spacing(visit: Visit) -> list[Finding]:
    _html_only(visit)
    if visit.may_run_script():
        # Read back in a round trip of its own: the page's scripts may answer the change first.
        run_js(visit, "spacing")
        applied = run_js(visit, "spacing_check")
    else:
        applied = run_js(visit, ("spacing", "spacing_check"))
    if applied["textual"] == 0:
        raise NotApplicable("the page has no visible text")
    if applied["missed"]:
        raise CouldNotRun(
            "WCAG text spacing did not take effect on " + "; ".join(applied["missed"])
        )
    return _fits(applied["fits"], "text-spacing", "with WCAG text spacing")


def unspace(visit: Visit) -> bool:
    """Each element's own style attribute put back; True if the page is then as it was
    before the spacing. Putting back took about a third of the CPU time of loading the home
    page again."""
    return page_kept(visit, "spacing_undo")


CHECKS = (
    Check("reflow", "generic", ("reflow",), reflow, narrow),
    # The browser's text size is put back at the end, and with it the page's layout.
    Check("resize-text", "generic", ("resize-text",), resize_text, default_cells),
    Check(
        "text-spacing",
        "generic",
        ("text-spacing",),
        text_spacing,
        default_cells,
        changes_page=True,
        put_back=unspace,
    ),
)
