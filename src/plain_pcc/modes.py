"""Display modes: full and text-only. The mode lives in the URL, so every page is bookmarkable,
cacheable and auditable in either mode."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mode:
    name: str
    prefix: str  # URL prefix of the mode: "" or "/text-only"
    label: str  # as the switch between modes names it: "View <label>"

    @property
    def full(self) -> bool:
        return not self.prefix

    def url(self, path: str) -> str:
        """The address of a full-mode ``path`` in this mode."""
        return self.prefix + path


FULL = Mode("full", "", "full website")
TEXT = Mode("text", "/text-only", "text only version")
MODES = (FULL, TEXT)


def split(path: str) -> tuple[Mode, str]:
    """The mode of a request path, and the page's full-mode path."""
    if path == TEXT.prefix or path.startswith(TEXT.prefix + "/"):
        return TEXT, path[len(TEXT.prefix) :] or "/"
    return FULL, path
