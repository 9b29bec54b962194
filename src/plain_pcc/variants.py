"""Variants: one page in every selection of display preferences, spliced from a single rendering
at start-up, and compressed for the default selection at once and for the others on first use.

With four preferences a page has 36 selections (3 text sizes x 3 colour schemes x 2 spacings x
2 typefaces), yet they differ in two places only: the root element's classes, which the
stylesheets key on, and the preference forms, whose checked radios and status say what is set.
So a page is rendered once, with a mark in each of those places, and each selection's HTML is
that rendering with its own classes and forms put in the marks' places. Every variant's HTML is
ready before the first request; none is ever rendered for one. Brotli at its best quality takes
about 60 ms a page, so compressing all 36 at start-up would take most of a minute: the default
selection, which most visitors have, is compressed at start-up with the best settings, and each
other one when it is first asked for, at a quick setting (about a millisecond), then kept.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from markupsafe import Markup

from .preferences import DEFAULT, Selection, selections
from .representations import Representation

# Marks a page is rendered with; characters from Unicode's private use area, which no content
# contains and autoescaping leaves alone.
CLASSES = Markup("\ue000classes\ue000")
FORMS = Markup("\ue000forms\ue000")
RETURN_TO = Markup("\ue000return_to\ue000")
HTML = "text/html; charset=utf-8"
# Every variant answers for the preference cookies: caches must key on them.
BY_PREFERENCE = ("Cookie",)


class Variants(Mapping[Selection, Representation]):
    """A page's representation in each selection, built from one rendering with the marks."""

    def __init__(
        self,
        page: str,
        forms: Callable[[Selection], str],
        headers: list[tuple[str, str]],
        status: int = 200,
    ) -> None:
        before, rest = _split(page, CLASSES)
        middle, after = _split(rest, FORMS)
        self.headers = headers
        self.status = status
        self.bodies = {
            selection: _join(before, selection, middle, forms(selection), after)
            for selection in selections()
        }
        self.encoded = {DEFAULT: self._encode(DEFAULT, quick=False)}

    def __getitem__(self, selection: Selection) -> Representation:
        representation = self.encoded.get(selection)
        if representation is None:
            representation = self.encoded[selection] = self._encode(selection, quick=True)
        return representation

    def __iter__(self) -> Iterator[Selection]:
        return iter(self.bodies)

    def __len__(self) -> int:
        return len(self.bodies)

    def _encode(self, selection: Selection, quick: bool) -> Representation:
        return Representation(
            self.bodies[selection],
            HTML,
            self.headers,
            status=self.status,
            quick=quick,
            vary=BY_PREFERENCE,
        )


def splice(page: str, selection: Selection, forms: str) -> str:
    """One selection's HTML from a page rendered with the marks, given its forms."""
    before, rest = _split(page, CLASSES)
    middle, after = _split(rest, FORMS)
    return _join(before, selection, middle, forms, after).decode()


def _join(before: str, selection: Selection, middle: str, forms: str, after: str) -> bytes:
    return f"{before}{selection.classes}{middle}{forms}{after}".encode()


def _split(page: str, mark: str) -> tuple[str, str]:
    before, found, after = page.partition(mark)
    if not found or mark in after:
        raise ValueError(f"a page must hold {mark!r} exactly once")
    return before, after
