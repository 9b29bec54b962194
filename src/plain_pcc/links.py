"""Links: the one rule for what is a page of this site and what is elsewhere, and the address
each is written with in each display mode."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .modes import Mode


def is_internal(url: str) -> bool:
    """Whether ``url`` is an address on this site: a path with one leading slash.

    ``//host/page`` is another site's address (a scheme-relative URL, RFC 3986 §4.2), and
    browsers read ``/\\host`` as one too.
    """
    return url.startswith("/") and not url.startswith(("//", "/\\"))


def href(url: str, mode: Mode) -> str:
    """The address to write for ``url`` on a page in ``mode``: a page of this site stays in the
    mode the visitor chose; anything else is left exactly as written."""
    return mode.url(url) if is_internal(url) else url


@dataclass(frozen=True)
class Link:
    """A link as a visitor meets it: its words, where it goes, and where it is written."""

    text: str
    url: str
    file: Path
    line: int  # 0 when the link is not written in a file (the breadcrumbs' "Home")

    @property
    def internal(self) -> bool:
        return is_internal(self.url)

    @property
    def page(self) -> str | None:
        """The address of the page an internal link leads to, without query or fragment."""
        return urlsplit(self.url).path if self.internal else None

    def href(self, mode: Mode) -> str:
        return href(self.url, mode)
