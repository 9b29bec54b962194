"""What the checker reads from prose: its links, images and text, each with its line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from markdown_it.token import Token

from ..prose import Prose


@dataclass(frozen=True)
class Link:
    """A link as the visitor meets it: its words, where it goes, and where it is written."""

    text: str
    url: str
    file: Path
    line: int


def inline_runs(prose: Prose) -> Iterator[tuple[list[tuple[Token, int]], int]]:
    """Each inline run of the prose: its tokens, each with the line it is on."""
    for token in prose.tokens:
        if token.type != "inline" or token.map is None:
            continue
        line = prose.source.line + token.map[0]
        children: list[tuple[Token, int]] = []
        for child in token.children or []:
            children.append((child, line))
            if child.type in ("softbreak", "hardbreak"):
                line += 1
        yield children, prose.source.line + token.map[0]


def prose_links(prose: Prose) -> list[Link]:
    """Each link in the prose: its words, address and line."""
    found = []
    for children, _start in inline_runs(prose):
        open_link: tuple[Token, int] | None = None
        words: list[str] = []
        for child, line in children:
            if child.type == "link_open":
                open_link, words = (child, line), []
            elif child.type == "link_close" and open_link is not None:
                token, at = open_link
                href = str(token.attrGet("href") or "")
                found.append(Link("".join(words), href, prose.path, at))
                open_link = None
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
            elif child.type == "image":
                words.append("".join(grand.content for grand in child.children or []))
            else:
                words.append(child.content)
    return found


def prose_images(prose: Prose) -> Iterator[tuple[str, str, str, int]]:
    """Each image: its alternative text, address, title and line."""
    for children, _start in inline_runs(prose):
        for child, line in children:
            if child.type == "image":
                alt = "".join(grand.content for grand in child.children or [])
                src = str(child.attrGet("src") or "")
                yield alt, src, str(child.attrGet("title") or ""), line


def prose_text(prose: Prose) -> Iterator[tuple[str, int]]:
    """Each paragraph, list item and heading as the words a reader sees, with its first line."""
    for children, start in inline_runs(prose):
        parts = []
        for child, _line in children:
            if child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type == "image":
                parts.append(" ")
        yield "".join(parts), start
