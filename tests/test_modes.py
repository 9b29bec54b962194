"""Display modes in the URL."""

from __future__ import annotations

import pytest

from plain_pcc.modes import FULL, TEXT, split


@pytest.mark.parametrize(
    ("path", "mode", "page"),
    [
        ("/", FULL, "/"),
        ("/cookies/", FULL, "/cookies/"),
        ("/text-only/", TEXT, "/"),
        ("/text-only", TEXT, "/"),
        ("/text-only/cookies/", TEXT, "/cookies/"),
        ("/text-onlyish/", FULL, "/text-onlyish/"),
    ],
)
def test_split_finds_the_mode_and_the_page(path: str, mode: object, page: str) -> None:
    assert split(path) == (mode, page)


def test_url_puts_a_page_in_a_mode() -> None:
    assert FULL.url("/cookies/") == "/cookies/"
    assert TEXT.url("/cookies/") == "/text-only/cookies/"
    assert FULL.full
    assert not TEXT.full
