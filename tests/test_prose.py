"""Prose: an editor's Markdown becomes safe HTML, in each mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.modes import FULL, TEXT
from plain_pcc.prose import Prose
from plain_pcc.source import ContentError, Text


def prose(text: str, line: int = 10) -> Prose:
    return Prose(Text(text, line), Path("page.md"))


def test_raw_html_is_escaped_not_passed_through() -> None:
    html = prose('<script>alert(1)</script> <b style="x">b</b>').html(FULL)
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "<b" not in html


def test_internal_links_stay_in_the_mode() -> None:
    item = prose("[Cookies](/cookies/) and [GOV.UK](https://www.gov.uk/)")
    assert 'href="/cookies/"' in item.html(FULL)
    assert 'href="/text-only/cookies/"' in item.html(TEXT)
    assert 'href="https://www.gov.uk/"' in item.html(TEXT)
    assert 'href="/cookies/"' in item.html(FULL)  # rendering for one mode leaves the other


def test_images_are_their_alt_text_in_text_only_mode() -> None:
    item = prose("![A crest](/static/crest.svg)")
    assert '<img src="/static/crest.svg" alt="A crest">' in item.html(FULL)
    assert "<img" not in item.html(TEXT)
    assert "A crest" in item.html(TEXT)


def test_links_headings_and_paragraphs_know_their_lines() -> None:
    item = prose("Intro.\n\n## Part\n\nSee [the cookies page](/cookies/).\n", line=7)
    assert [(h.level, h.text, h.line) for h in item.headings] == [(2, "Part", 9)]
    assert [(link.text, link.url, link.line) for link in item.links] == [
        ("the cookies page", "/cookies/", 11)
    ]


def test_a_level_one_heading_is_refused() -> None:
    with pytest.raises(ContentError, match="second main heading") as caught:
        prose("Text\n\n# Title\n", line=5).require_no_main_heading()
    assert caught.value.line == 7
