"""Prose: Markdown from content files, turned into HTML for each display mode.

This is where an editor's text becomes ``Markup``: markdown-it escapes the text and raw HTML is
switched off, so nothing an editor types can add markup, style or script to a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from .modes import FULL, MODES, Mode
from .source import ContentError, Text


@dataclass(frozen=True)
class ProseLink:
    """A link written in prose, for checking its target and its text."""

    text: str
    url: str
    line: int


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False})
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


def _render_link_open(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    href = str(token.attrGet("href") or "")
    # Links between pages stay in the mode the visitor chose.
    if href.startswith("/") and not href.startswith("//"):
        token.attrSet("href", env["mode"].url(href))
    result: str = self.renderToken(tokens, idx, options, env)
    token.attrSet("href", href)
    return result


def _render_image(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    if not env["mode"].full:
        # Text-only mode has no images: the alternative text stands in their place.
        return str(escape(alt))
    return f'<img src="{escape(token.attrGet("src") or "")}" alt="{escape(alt)}">'


_MD = _markdown()


class Prose:
    """A passage of Markdown from one content file, rendered once for each mode."""

    def __init__(self, source: Text, path: Path) -> None:
        self.source = source
        self.path = path
        self.tokens = _MD.parse(str(source))
        self._html = {mode.name: self._render(mode) for mode in MODES}

    def html(self, mode: Mode = FULL) -> Markup:
        return self._html[mode.name]

    def _render(self, mode: Mode) -> Markup:
        # markdown-it has escaped every piece of text and raw HTML is off: the output is safe.
        return Markup(_MD.renderer.render(self.tokens, _MD.options, {"mode": mode}))

    def _line(self, token: Token) -> int:
        return self.source.line + (token.map[0] if token.map else 0)

    @property
    def headings(self) -> list[Heading]:
        found = []
        for index, token in enumerate(self.tokens):
            if token.type == "heading_open":
                inline = self.tokens[index + 1]
                found.append(Heading(int(token.tag[1]), inline.content, self._line(token)))
        return found

    @property
    def links(self) -> list[ProseLink]:
        found = []
        for token in self.tokens:
            if token.type != "inline":
                continue
            children = token.children or []
            for index, child in enumerate(children):
                if child.type != "link_open":
                    continue
                text = []
                for inner in children[index + 1 :]:
                    if inner.type == "link_close":
                        break
                    text.append(inner.content)
                found.append(
                    ProseLink("".join(text), str(child.attrGet("href") or ""), self._line(token))
                )
        return found

    def require_no_main_heading(self) -> None:
        """The page title is the one h1; prose headings start at level 2 (WCAG 1.3.1)."""
        for heading in self.headings:
            if heading.level == 1:
                raise ContentError(
                    self.path,
                    heading.line,
                    f"'# {heading.text}' would be a second main heading: the page title is the "
                    "main heading, so start headings in the text at '##'",
                )
