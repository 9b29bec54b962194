"""Target size (2.5.8): every pointer target 24 by 24 CSS px, inline in text, or spaced."""

from __future__ import annotations

from ..findings import Finding, NotApplicable, finding
from . import Check, Visit, default_cells, run_js


def target_size(visit: Visit) -> list[Finding]:
    result = run_js(visit, "target_size")
    if result["targets"] == 0:
        raise NotApplicable("the page has no links or controls")
    return [
        finding("target-size-minimum", t["selector"], t["detail"], t["snippet"])
        for t in result["found"]
    ]


CHECKS = (Check("target-size", "generic", ("target-size-minimum",), target_size, default_cells),)
