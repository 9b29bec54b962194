"""The audit matrix: pages x preference values x viewports x emulated media, as cells.

Every value of every preference is seen on every page at every viewport; every pair of values
of two preferences is seen at least once on the site (all-pairs, each extra combination on one
page at one viewport); when the full product of the values is small it is used on every page
instead. Each emulated media condition is seen on every
page at the first viewport.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from .profile import MediaCondition, Preference, Profile

# The full product of preference values is used on every page up to this many combinations.
FULL_PRODUCT_LIMIT = 4
# WCAG 1.4.10: 320 CSS px is 1280 px at 400% zoom; reflow is judged at or below this width.
REFLOW_WIDTH = 320

Combo = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int


@dataclass(frozen=True)
class Cell:
    """One page as one visitor sees it."""

    page: str
    mode: str
    preferences: Combo  # (field, value) in the profile's order
    viewport: Viewport
    media: MediaCondition | None = None

    @property
    def id(self) -> str:
        parts = [self.mode] if self.mode else []
        parts += [value for _, value in self.preferences]
        parts.append(self.viewport.name)
        if self.media:
            parts.append(self.media.name)
        return "-".join(parts) + "-" + self.page

    def key(self) -> dict[str, object]:
        return {
            "page": self.page,
            "mode": self.mode,
            "preferences": dict(self.preferences),
            "viewport": self.viewport.name,
            "media": self.media.name if self.media else "",
        }


def _pairs(combo: tuple[str, ...]) -> set[tuple[int, str, int, str]]:
    return {(i, combo[i], j, combo[j]) for i, j in itertools.combinations(range(len(combo)), 2)}


def _gain(combo: tuple[str, ...], uncovered: frozenset[tuple[int, str, int, str]]) -> int:
    return len(_pairs(combo) & uncovered)


def all_pairs(preferences: Sequence[Preference]) -> list[Combo]:
    """A small set of combinations holding every pair of values of two preferences (greedy)."""
    fields = [p.field for p in preferences]
    values = [p.values for p in preferences]
    uncovered = {
        (i, a, j, b)
        for i, j in itertools.combinations(range(len(fields)), 2)
        for a in values[i]
        for b in values[j]
    }
    chosen: list[tuple[str, ...]] = []
    candidates = list(itertools.product(*values))
    while uncovered:
        left = frozenset(uncovered)
        best = max(candidates, key=functools.partial(_gain, uncovered=left))
        chosen.append(best)
        uncovered -= _pairs(best)
    return [tuple(zip(fields, c, strict=True)) for c in chosen]


def combos_per_page(preferences: Sequence[Preference]) -> tuple[list[Combo], list[Combo]]:
    """Combinations every page gets (the defaults first), and extra ones each audited once.

    Every page gets a "diagonal": the k-th combination takes each preference's k-th value (or
    its default once it has run out), which shows every value on every page. The all-pairs
    combinations not already on the diagonal are shared: each is audited once on the site.
    """
    if not preferences:
        return [()], []
    fields = [p.field for p in preferences]
    product = [
        tuple(zip(fields, c, strict=True))
        for c in itertools.product(*(p.values for p in preferences))
    ]
    if len(product) <= FULL_PRODUCT_LIMIT:
        return product, []
    longest = max(len(p.values) for p in preferences)
    diagonal = [
        tuple((p.field, p.values[k] if k < len(p.values) else p.default) for p in preferences)
        for k in range(longest)
    ]
    extra = [c for c in all_pairs(preferences) if c not in diagonal]
    return diagonal, extra


def build(profile: Profile, pages: Sequence[str]) -> list[Cell]:
    """Page-major, so one page's cells sit together in the report."""
    viewports = [Viewport(*v) for v in profile.viewports]
    every, shared = combos_per_page(profile.preferences)
    # Each shared combination once on the site: spread evenly over the pages, and over the
    # viewports in turn (the pairs are what is owed, and every value is already on every page
    # at every viewport).
    dealt: dict[int, list[tuple[Combo, Viewport]]] = {}
    for k, combo in enumerate(shared):
        at = k * len(pages) // len(shared) if pages else 0
        dealt.setdefault(at, []).append((combo, viewports[k % len(viewports)]))
    cells: list[Cell] = []
    for index, page in enumerate(pages):
        mode = profile.mode_of(page)
        for combo in every:
            for viewport in viewports:
                cells.append(Cell(page, mode, combo, viewport))
        for combo, viewport in dealt.get(index, []):
            cells.append(Cell(page, mode, combo, viewport))
        # What a device asks for (dark, more contrast, forced colours) changes colours, not
        # layout: each condition is seen on every page, at the first viewport.
        for media in profile.media:
            cells.append(Cell(page, mode, every[0], viewports[0], media))
    return cells


def is_default(cell: Cell, profile: Profile) -> bool:
    """Every preference at its default and no media emulated: the page as most visitors see it."""
    defaults = {p.field: p.default for p in profile.preferences}
    return cell.media is None and all(defaults[f] == v for f, v in cell.preferences)
