"""Content source files: YAML and front-matter Markdown read into values that know their line.

Every scalar is read as text (no YAML type guessing: ``NO`` stays "NO", ``2016-11-03`` stays a
string until the content model parses it with a clear message), so an editor's file means what
it says and every mistake can be reported with its file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import yaml


class ContentError(Exception):
    """A content file the site cannot be built from: where, what is wrong, and the checker's rule
    it breaks (checker/rules.py), so that a load error is a finding like any other."""

    def __init__(
        self, path: Path, line: int | None, reason: str, rule: str = "content-invalid"
    ) -> None:
        super().__init__(path, line, reason)
        self.path = path
        self.line = line
        self.reason = reason
        self.rule = rule

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.reason}"


class Text(str):
    """A string from a content file, with the (1-based) line its text starts on."""

    line: int

    def __new__(cls, value: str, line: int) -> Text:
        text = super().__new__(cls, value)
        text.line = line
        return text


class Block:
    """A YAML mapping: its fields, and the file and line of each, for precise errors."""

    def __init__(self, path: Path, line: int, fields: dict[str, object], lines: dict[str, int]):
        self.path = path
        self.line = line
        self.fields = fields
        self.lines = lines

    def fail(self, key: str | None, reason: str, rule: str = "content-invalid") -> NoReturn:
        line = self.lines.get(key, self.line) if key else self.line
        raise ContentError(self.path, line, reason, rule)

    def allow(self, *keys: str) -> None:
        """Refuse fields the site does not know: a typo must not be silently ignored."""
        for key in self.fields:
            if key not in keys:
                self.fail(
                    key,
                    f"unknown field '{key}' (expected one of: {', '.join(keys)})",
                    "field-unknown",
                )

    def text(
        self, key: str, missing: str = "field-missing", empty: str = "content-invalid"
    ) -> Text:
        """The field's text; ``missing`` and ``empty`` are the rules broken when it is not there
        or has no words."""
        value = self.optional_text(key, empty)
        if value is None:
            self.fail(None, f"missing field '{key}'", missing)
        return value

    def optional_text(self, key: str, empty: str = "content-invalid") -> Text | None:
        if key not in self.fields:
            return None
        value = self.fields[key]
        if not isinstance(value, Text):
            self.fail(key, f"'{key}' must be text, not a list or a group of fields")
        if not value.strip():
            self.fail(key, f"'{key}' is empty", empty)
        return value

    def block(self, key: str) -> Block:
        value = self.fields.get(key)
        if value is None:
            self.fail(None, f"missing field '{key}'", "field-missing")
        if not isinstance(value, Block):
            self.fail(key, f"'{key}' must be a group of fields")
        return value

    def items(self, key: str) -> list[object]:
        value = self.fields.get(key)
        if value is None:
            self.fail(None, f"missing field '{key}'", "field-missing")
        if not isinstance(value, list) or not value:
            self.fail(key, f"'{key}' must be a list with at least one entry")
        return value

    def blocks(self, key: str) -> Iterator[Block]:
        for item in self.items(key):
            if not isinstance(item, Block):
                self.fail(key, f"each entry of '{key}' must be a group of fields")
            yield item

    def texts(self, key: str) -> list[Text]:
        values = self.items(key)
        for item in values:
            if not isinstance(item, Text):
                self.fail(key, f"each entry of '{key}' must be text")
        return values  # type: ignore[return-value]


def read_yaml(path: Path, text: str | None = None, first_line: int = 1) -> Block:
    """Read a YAML file whose top level is a mapping."""
    if text is None:
        text = _read(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else None
        reason = " ".join(str(part) for part in (error.context, error.problem) if part)
        raise ContentError(path, line, f"not valid YAML: {reason}", "yaml-syntax") from None
    except yaml.YAMLError as error:
        raise ContentError(path, None, f"not valid YAML: {error}", "yaml-syntax") from None
    if node is None:
        raise ContentError(path, first_line, "the file is empty")
    value = _convert(path, node, first_line - 1)
    if not isinstance(value, Block):
        raise ContentError(path, first_line, "the file must be a set of 'field: value' lines")
    return value


def read_markdown(path: Path) -> tuple[Block, Text]:
    """Read a Markdown file that opens with YAML front matter between two ``---`` lines."""
    text = _read(path)
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise ContentError(path, 1, "the file must start with a '---' line, then its fields")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == "---":
            meta = read_yaml(path, "".join(lines[1:index]), first_line=2)
            return meta, Text("".join(lines[index + 1 :]), line=index + 2)
    raise ContentError(path, 1, "the fields at the top are not closed by a '---' line")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ContentError(path, line, "not UTF-8 text (save the file as UTF-8)") from None
    except OSError as error:
        raise ContentError(path, None, f"cannot be read: {error.strerror}") from None


def _convert(path: Path, node: yaml.Node, offset: int) -> object:
    line = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        # A block scalar ('|' or '>') starts its text on the line after the indicator.
        start = line + 1 if node.style in ("|", ">") else line
        return Text(node.value, start)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(path, item, offset) for item in node.value]
    assert isinstance(node, yaml.MappingNode)
    fields: dict[str, object] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1 + offset
        if not isinstance(key_node, yaml.ScalarNode):
            raise ContentError(path, key_line, "a field name must be plain text")
        key = key_node.value
        if key in fields:
            raise ContentError(
                path, key_line, f"field '{key}' appears twice (first on line {lines[key]})"
            )
        fields[key] = _convert(path, value_node, offset)
        lines[key] = key_line
    return Block(path, line, fields, lines)
