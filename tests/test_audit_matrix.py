"""The matrix: every value on every page at every viewport, every pair of values somewhere."""

from __future__ import annotations

import itertools

from plain_pcc.audit.matrix import all_pairs, build, combos_per_page, is_default
from plain_pcc.audit.profile import Measure, MediaCondition, Preference, Profile

MEASURE = Measure(property="color")


def pref(field: str, *values: str) -> Preference:
    return Preference(field, field, values, "form", MEASURE)


SITE = Profile(
    preferences=(
        pref("size", "normal", "large", "extra-large"),
        pref("scheme", "default", "dark", "high"),
        pref("spacing", "normal", "wide"),
        pref("font", "default", "hyperlegible"),
    )
)


def test_a_small_product_is_used_whole() -> None:
    profile = Profile(preferences=(pref("size", "normal", "large", "extra-large"),))
    every, shared = combos_per_page(profile.preferences)
    assert every == [(("size", "normal"),), (("size", "large"),), (("size", "extra-large"),)]
    assert shared == []
    cells = build(profile, ["/", "/a/"])
    assert len(cells) == 2 * 3 * 2


def test_all_pairs_covers_every_pair() -> None:
    combos = all_pairs(SITE.preferences)
    for a, b in itertools.combinations(SITE.preferences, 2):
        pairs = {(dict(c)[a.field], dict(c)[b.field]) for c in combos}
        assert pairs == set(itertools.product(a.values, b.values))
    assert len(combos) < 3 * 3 * 2 * 2


def test_every_value_on_every_page_and_viewport_and_every_pair_on_the_site() -> None:
    pages = ["/", "/a/", "/text/", "/text/a/"]
    cells = build(SITE, pages)
    for page in pages:
        for viewport in ("desktop", "narrow"):
            here = [c for c in cells if c.page == page and c.viewport.name == viewport]
            for p in SITE.preferences:
                assert {dict(c.preferences)[p.field] for c in here} == set(p.values)
            assert any(is_default(c, SITE) for c in here)
    for a, b in itertools.combinations(SITE.preferences, 2):
        seen = {(dict(c.preferences)[a.field], dict(c.preferences)[b.field]) for c in cells}
        assert seen == set(itertools.product(a.values, b.values))
    assert len(cells) < len(pages) * 2 * 36


def test_each_shared_combination_is_audited_once_and_they_are_spread() -> None:
    pages = [f"/{n}/" for n in range(10)]
    every, shared = combos_per_page(SITE.preferences)
    cells = build(SITE, pages)
    extra = [c for c in cells if c.preferences not in every]
    assert sorted(c.preferences for c in extra) == sorted(shared)
    assert len(cells) == len(pages) * len(every) * 2 + len(shared)
    # Over the pages and the viewports, not all on the first page.
    assert len({c.page for c in extra}) == min(len(shared), len(pages))
    assert {c.viewport.name for c in extra} == {"desktop", "narrow"}


def test_media_conditions_add_one_cell_a_page_at_default_preferences() -> None:
    """A condition changes colours, not layout: seen on every page, at the first viewport."""
    dark = MediaCondition("dark", (("prefers-color-scheme", "dark"),))
    profile = Profile(media=(dark,))
    cells = build(profile, ["/", "/a/"])
    assert [(c.page, c.media, c.viewport.name) for c in cells] == [
        ("/", None, "desktop"),
        ("/", None, "narrow"),
        ("/", dark, "desktop"),
        ("/a/", None, "desktop"),
        ("/a/", None, "narrow"),
        ("/a/", dark, "desktop"),
    ]
    assert [is_default(c, profile) for c in cells] == [True, True, False] * 2
    assert cells[2].id == "desktop-dark-/"
