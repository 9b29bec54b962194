"""Display preferences: values, cookies and the safe return address."""

from __future__ import annotations

import pytest

from plain_pcc.preferences import (
    COLOUR_SCHEME,
    DEFAULT,
    FONT_SIZE,
    PREFERENCES,
    SPACING,
    TYPEFACE,
    Selection,
    from_cookies,
    return_fragment,
    safe_return_address,
    selections,
)

PAGES = {"/", "/cookies/", "/text-only/cookies/"}


def test_every_combination_is_a_selection_default_first() -> None:
    every = selections()
    assert every[0] == DEFAULT
    assert DEFAULT.id == "normal_default_normal_default"
    assert len(every) == 3 * 3 * 2 * 2
    assert len(every) == len({s.id for s in every})
    assert PREFERENCES == (FONT_SIZE, COLOUR_SCHEME, SPACING, TYPEFACE)


def test_each_preference_offers_its_values_default_first() -> None:
    assert [c.value for c in FONT_SIZE.choices] == ["normal", "large", "extra-large"]
    assert [c.value for c in COLOUR_SCHEME.choices] == ["default", "dark", "high-contrast"]
    assert [c.value for c in SPACING.choices] == ["normal", "wide"]
    assert [c.value for c in TYPEFACE.choices] == ["default", "hyperlegible"]
    names = [p.name for p in PREFERENCES]
    anchors = [p.anchor for p in PREFERENCES]
    assert len(set(names)) == len(set(anchors)) == len(PREFERENCES)
    assert COLOUR_SCHEME.anchor == "preference-colour-scheme"


def test_classes_name_every_choice_for_the_stylesheets() -> None:
    assert DEFAULT.classes == (
        "font-size-normal colour-scheme-default spacing-normal typeface-default"
    )
    chosen = from_cookies({"colour_scheme": "high-contrast", "typeface": "hyperlegible"})
    assert chosen.classes == (
        "font-size-normal colour-scheme-high-contrast spacing-normal typeface-hyperlegible"
    )


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
    ("cookies", "expected"),
    [
        ({"colour_scheme": "dark", "spacing": "wide"}, ("normal", "dark", "wide", "default")),
        ({"colour_scheme": "high-contrast"}, ("normal", "high-contrast", "normal", "default")),
        (
            {"typeface": "hyperlegible", "font_size": "large"},
            ("large", "default", "normal", "hyperlegible"),
        ),
        (
            {"colour_scheme": "Dark", "spacing": "wider", "typeface": "comic"},
            ("normal", "default", "normal", "default"),
        ),
        (
            {"colour_scheme": "default", "spacing": "normal"},
            ("normal", "default", "normal", "default"),
        ),
        ({"spacing": "dark", "colour_scheme": "wide"}, ("normal", "default", "normal", "default")),
    ],
)
def test_each_cookie_is_read_on_its_own(cookies: dict[str, str], expected: tuple[str, ...]) -> None:
    """One bad cookie falls back to its own default and leaves the others alone."""
    assert tuple(choice.value for choice in from_cookies(cookies).choices) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"colour_scheme": "dark", "return_to": "/"}, "#preference-colour-scheme"),
        ({"font_size": "large"}, "#preference-font-size"),
        ({"spacing": "nonsense"}, "#preference-spacing"),
        ({"typeface": "hyperlegible"}, "#preference-typeface"),
        ({"font_size": "normal", "colour_scheme": "default"}, ""),
        ({"return_to": "/"}, ""),
        ({"theme": "dark"}, ""),
    ],
)
def test_the_answer_returns_to_the_form_that_was_used(
    fields: dict[str, str], expected: str
) -> None:
    assert return_fragment(fields) == expected


def test_a_selection_is_indexed_by_preference() -> None:
    selection = Selection(tuple(p.choices[-1] for p in PREFERENCES))
    assert selection[SPACING].value == "wide"
    assert selection[COLOUR_SCHEME].value == "high-contrast"
    assert [p for p, _ in selection.pairs()] == list(PREFERENCES)


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
