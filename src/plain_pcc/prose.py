"""Prose: Markdown from content files, turned into HTML for each display mode.

This is where an editor's text becomes ``Markup``: markdown-it escapes the text and raw HTML is
switched off, so nothing an editor types can add markup, style or script to a page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from . import links
from .links import Link
from .modes import FULL, MODES, Mode
from .source import ContentError, Text


@dataclass(frozen=True)
class Image:
    alt: str
    src: str
    title: str
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
    token.attrSet("href", links.href(href, env["mode"]))
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

    def runs(self) -> Iterator[tuple[list[tuple[Token, int]], int]]:
        """Each inline run (paragraph, list item, heading): its tokens, each with its line."""
        for token in self.tokens:
            if token.type != "inline" or token.map is None:
                continue
            line = self.source.line + token.map[0]
            children: list[tuple[Token, int]] = []
            for child in token.children or []:
                children.append((child, line))
                if child.type in ("softbreak", "hardbreak"):
                    line += 1
            yield children, self.source.line + token.map[0]

    @functools.cached_property
    def links(self) -> tuple[Link, ...]:
        """Each link: its words as read aloud, its address, and the line it starts on."""
        found = []
        for children, _start in self.runs():
            open_link: tuple[Token, int] | None = None
            words: list[str] = []
            for child, line in children:
                if child.type == "link_open":
                    open_link, words = (child, line), []
                elif child.type == "link_close" and open_link is not None:
                    token, at = open_link
                    href = str(token.attrGet("href") or "")
                    found.append(Link("".join(words), href, self.path, at))
                    open_link = None
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
                elif child.type == "image":
                    words.append("".join(grand.content for grand in child.children or []))
                else:
                    words.append(child.content)
        return tuple(found)

    def images(self) -> Iterator[Image]:
        for children, _start in self.runs():
            for child, line in children:
                if child.type == "image":
                    alt = "".join(grand.content for grand in child.children or [])
                    src = str(child.attrGet("src") or "")
                    yield Image(alt, src, str(child.attrGet("title") or ""), line)

    def passages(self) -> Iterator[tuple[str, int]]:
        """Each paragraph, list item and heading as the words a reader sees, with its line."""
        for children, start in self.runs():
            parts = []
            for child, _line in children:
                if child.type in ("softbreak", "hardbreak"):
                    parts.append("\n")
                elif child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type == "image":
                    parts.append(" ")
            yield "".join(parts), start

    def require_no_main_heading(self) -> None:
        """The page title is the one h1; prose headings start at level 2 (WCAG 1.3.1)."""
        for heading in self.headings:
            if heading.level == 1:
                raise ContentError(
                    self.path,
                    heading.line,
                    f"'# {heading.text}' would be a second main heading: the page title is the "
                    "main heading, so start headings in the text at '##'",
                    "heading-level",
                )
