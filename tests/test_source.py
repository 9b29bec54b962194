"""Reading content files: values keep their line, YAML guesses nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.source import Block, ContentError, Text, read_markdown, read_yaml


def write(tmp_path: Path, text: str, name: str = "file.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_scalar_is_text_with_its_line(tmp_path: Path) -> None:
    data = read_yaml(write(tmp_path, "a: NO\nb: 2016-11-03\nc:\n  - 1\n  - x: y\n"))
    assert data.fields["a"] == "NO"
    assert data.fields["b"] == "2016-11-03"
    a = data.fields["a"]
    assert isinstance(a, Text)
    assert a.line == 1
    items = data.fields["c"]
    assert isinstance(items, list)
    assert items[0] == "1"
    assert isinstance(items[1], Block)
    assert items[1].line == 5
    assert data.lines == {"a": 1, "b": 2, "c": 3}


def test_block_scalar_text_starts_on_the_next_line(tmp_path: Path) -> None:
    data = read_yaml(write(tmp_path, "intro: |\n  First line.\n\n  Second.\n"))
    intro = data.fields["intro"]
    assert isinstance(intro, Text)
    assert intro == "First line.\n\nSecond.\n"
    assert intro.line == 2


def test_front_matter_lines_count_from_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "---\ntitle: T\npath: /x/\n---\nBody\n", "page.md")
    meta, body = read_markdown(path)
    assert meta.lines == {"title": 2, "path": 3}
    assert body == "Body\n"
    assert body.line == 5


def test_syntax_error_in_front_matter_names_the_file_line(tmp_path: Path) -> None:
    path = write(tmp_path, "---\ntitle: T\npath: [\n---\nBody\n", "page.md")
    with pytest.raises(ContentError) as caught:
        read_markdown(path)
    assert caught.value.line is not None
    assert caught.value.line >= 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("- a\n- b\n", "the file must be a set of 'field: value' lines"),
        ("? [a, b]\n: c\n", "a field name must be plain text"),
    ],
)
def test_unusable_files_are_refused(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ContentError) as caught:
        read_yaml(write(tmp_path, text))
    assert caught.value.reason == reason


def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        read_yaml(tmp_path / "missing.yaml")
    assert caught.value.reason.startswith("cannot be read")
    assert caught.value.line is None


def test_block_accessors_explain_wrong_shapes(tmp_path: Path) -> None:
    data = read_yaml(write(tmp_path, "a: text\nb:\n  c: d\nl: []\nt:\n  - x: y\n"))
    with pytest.raises(ContentError, match="'b' must be text"):
        data.text("b")
    with pytest.raises(ContentError, match="'a' must be a group of fields"):
        data.block("a")
    with pytest.raises(ContentError, match="missing field 'z'"):
        data.block("z")
    with pytest.raises(ContentError, match="'l' must be a list with at least one entry"):
        data.items("l")
    with pytest.raises(ContentError, match="missing field 'z'"):
        data.items("z")
    with pytest.raises(ContentError, match="each entry of 't' must be text"):
        data.texts("t")
    with pytest.raises(ContentError, match="each entry of 'a' must be a group"):
        list(Block(data.path, 1, {"a": [Text("x", 1)]}, {}).blocks("a"))
    assert data.optional_text("z") is None
