"""Whether a page can run script of its own: read from every document in it as it was served,
so that a script that removed itself, or hides in a closed shadow root, still counts.

Only script moves focus when no key is pressed. A page whose documents came with no script,
no event handler, no ``javascript:`` address, no plugin and no XSLT cannot act a moment after
a key press, so the keyboard walk need not wait for it to (a wait costs a quarter of a second
a page: nearly half the keyboard check's time on the benchmark's pages), nor give a page put
back after a check a frame to answer in (``pageKept`` in ``js/helpers.js``). Anything this cannot
read, a frame in another process, a document the browser kept no copy of (one served
"no-store"), counts as script: the walk waits.
"""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from typing import Any

from selenium.common.exceptions import WebDriverException

from ..browser import Session

# HTML's JavaScript MIME type essences: a script element whose type is none of these (nor
# empty, nor "module") is a data block, never run (HTML, "prepare the script element").
JAVASCRIPT_TYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    }
)
FRAMES = frozenset({"iframe", "frame"})
# Elements whose content the browser may hand to a plugin or a document it makes itself.
EMBEDDED = frozenset({"object", "embed", "applet", "portal", "fencedframe"})
# What browsers drop from an address before reading its scheme ("java\tscript:" still runs).
_DROPPED = dict.fromkeys(range(0x21))


class _Scan(HTMLParser):
    """A document's markup: whether anything in it can run script, and how many frames it
    makes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripted = False
        self.frames = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = tag.rpartition(":")[2]  # an SVG document may write <svg:script>
        values = dict(attrs)
        if name == "script" and _runs(values):
            self.scripted = True
        if name in EMBEDDED:
            self.scripted = True
        if name in FRAMES:
            self.frames += 1
        for attribute, value in attrs:
            if attribute.rpartition(":")[2].startswith("on"):
                self.scripted = True
            if value and "javascript:" in value.translate(_DROPPED).lower():
                self.scripted = True

    handle_startendtag = handle_starttag

    def handle_pi(self, data: str) -> None:
        # An XSLT stylesheet makes the document the browser shows: its script is not here.
        if data.startswith("xml-stylesheet") and "xsl" in data.lower():
            self.scripted = True


def _runs(attributes: dict[str, str | None]) -> bool:
    kind = attributes.get("type")
    if kind is None:
        language = attributes.get("language")
        return not language or f"text/{language.strip().lower()}" in JAVASCRIPT_TYPES
    kind = kind.strip().lower()
    return not kind or kind == "module" or kind.split(";")[0].strip() in JAVASCRIPT_TYPES


def markup_scripted(markup: str) -> tuple[bool, int]:
    """Whether this markup can run script, and how many frames it makes."""
    scan = _Scan()
    scan.feed(markup)
    scan.close()
    return scan.scripted, scan.frames


def _frames(tree: dict[str, Any]) -> list[dict[str, Any]]:
    return [tree, *(f for child in tree.get("childFrames", []) for f in _frames(child))]


def may_run_script(session: Session) -> bool:
    """Whether the page in the session's tab can run script of its own; True unless every one
    of its documents, as served, is shown to have none."""
    try:
        tree = session.cdp("Page.getResourceTree", {})["frameTree"]
        for node in _frames(tree):
            frame = node["frame"]
            got = session.cdp(
                "Page.getResourceContent", {"frameId": frame["id"], "url": frame["url"]}
            )
            content = got["content"]
            if got.get("base64Encoded"):
                content = base64.b64decode(content).decode("utf-8", "replace")
            scripted, frames = markup_scripted(content)
            # A frame the markup makes but the tree does not hold (or the other way round) is
            # a document this cannot read.
            if scripted or frames != len(node.get("childFrames", [])):
                return True
    except (WebDriverException, KeyError, TypeError, ValueError):
        return True
    return False
