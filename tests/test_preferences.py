"""Display preferences: values, cookies and the safe return address."""

from __future__ import annotations

import pytest

from plain_pcc.preferences import (
    DEFAULT,
    FONT_SIZE,
    PREFERENCES,
    from_cookies,
    safe_return_address,
    selections,
)

PAGES = {"/", "/cookies/", "/text-only/cookies/"}


def test_every_combination_is_a_selection_default_first() -> None:
    every = selections()
    assert every[0] == DEFAULT
    assert [s.id for s in every] == ["normal", "large", "extra-large"]
    assert len(every) == len({s.id for s in every})
    assert PREFERENCES == (FONT_SIZE,)


@pytest.mark.parametrize(
    ("cookies", "expected"),
    [
        ({}, "normal"),
        ({"font_size": "large"}, "large"),
        ({"font_size": "extra-large"}, "extra-large"),
        ({"font_size": "huge"}, "normal"),
        ({"font_size": ""}, "normal"),
        ({"font_size": "LARGE"}, "normal"),
        ({"font_size": "large; Path=/"}, "normal"),
        ({"other": "large"}, "normal"),
    ],
)
def test_cookie_value_or_the_default(cookies: dict[str, str], expected: str) -> None:
    assert from_cookies(cookies)[FONT_SIZE].value == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/cookies/", "/cookies/"),
        ("/text-only/cookies/", "/text-only/cookies/"),
        ("/", "/"),
        ("//evil.example", "/"),
        ("//evil.example/cookies/", "/"),
        ("/\\evil.example", "/"),
        ("/cookies/\\", "/"),
        ("https://evil.example", "/"),
        ("https://evil.example/cookies/", "/"),
        ("/%0d%0aSet-Cookie:x=1", "/"),
        ("/cookies/\r\nSet-Cookie: x=1", "/"),
        ("/cookies/\x00", "/"),
        ("/cookies/\x7f", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
        (None, "/"),
        ("/" + "a" * 5000, "/"),
        ("/cookies/?next=//evil.example", "/"),
        ("/cookies/#top", "/"),
        ("/no-such-page/", "/"),
        ("cookies/", "/"),
        (" /cookies/", "/"),
    ],
)
def test_return_address_is_a_page_of_this_site_or_home(value: str | None, expected: str) -> None:
    assert safe_return_address(value, PAGES) == expected
