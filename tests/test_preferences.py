"""Display preferences: values, cookies and the safe return address."""

from __future__ import annotations

import re
from pathlib import Path

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


# The colour schemes' palettes (static/display.css) -----------------------------------------

DISPLAY_CSS = Path(__file__).resolve().parents[1] / "src" / "plain_pcc" / "static" / "display.css"


def palette(css: str, selector: str, media: str | None = None) -> dict[str, str]:
    """The custom properties a rule block sets, inside ``@media (media)`` when given."""
    if media is not None:
        css = css.split(f"@media ({media}) {{", 1)[1].split("\n}", 1)[0]
    else:
        css = re.sub(r"@media[^{]*\{.*?\n\}", "", css, flags=re.DOTALL)
    blocks = re.findall(rf"(?m)^\s*{re.escape(selector)} \{{([^}}]*)\}}", css)
    return dict(pair for block in blocks for pair in re.findall(r"(--[a-z-]+):\s*([^;]+);", block))


def luminance(colour: str) -> float:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


SCHEMES = {
    "light": ("html", None),
    "dark": ("html.colour-scheme-dark", None),
    "high-contrast": ("html.colour-scheme-high-contrast", None),
}
# Text on its backgrounds, and boundaries and focus indicators against theirs.
TEXT_PAIRS = [
    ("--text", "--background"),
    ("--text", "--panel"),
    ("--muted", "--background"),
    ("--link", "--background"),
    ("--link", "--panel"),
    ("--visited", "--background"),
    ("--hover", "--background"),
    ("--header-text", "--header"),
    ("--focus-text", "--focus"),
    ("--control-text", "--control"),
    ("--primary-text", "--primary"),
    # The email updates form's error messages and summary.
    ("--error", "--background"),
]
BOUNDARY_PAIRS = [
    ("--border", "--background"),
    ("--border", "--panel"),
    ("--border", "--control"),
    ("--primary", "--background"),
    ("--error", "--background"),
]
# A focus indicator is the focus colour with a ring or bar of the focus text colour beside it:
# one of the two must stand out from each background a control sits on.
FOCUS_BACKGROUNDS = ["--background", "--panel", "--header", "--control"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_each_colour_scheme_passes_contrast(scheme: str) -> None:
    """AA (4.5:1 text, 3:1 boundaries and focus); high contrast AAA text (7:1)."""
    css = DISPLAY_CSS.read_text(encoding="utf-8")
    colours = {**palette(css, "html"), **palette(css, *SCHEMES[scheme])}
    text_minimum = 7.0 if scheme == "high-contrast" else 4.5
    for foreground, background in TEXT_PAIRS:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= text_minimum, f"{scheme}: {foreground} on {background} is {ratio:.2f}:1"
    for foreground, background in BOUNDARY_PAIRS:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= 3.0, f"{scheme}: {foreground} against {background} is {ratio:.2f}:1"
    for background in FOCUS_BACKGROUNDS:
        ratio = max(contrast(colours[c], colours[background]) for c in ("--focus", "--focus-text"))
        assert ratio >= 3.0, f"{scheme}: focus against {background} is {ratio:.2f}:1"


@pytest.mark.parametrize(
    ("chosen", "media"),
    [
        ("html.colour-scheme-dark", "prefers-color-scheme: dark"),
        ("html.colour-scheme-high-contrast", "prefers-contrast: more"),
    ],
)
def test_the_device_gets_the_same_colours_as_a_visitor_who_chooses(chosen: str, media: str) -> None:
    """The default scheme follows the device with the very palette a visitor can choose."""
    css = DISPLAY_CSS.read_text(encoding="utf-8")
    followed = palette(css, "html.colour-scheme-default", media)
    assert followed
    assert followed.items() <= {**palette(css, "html"), **palette(css, chosen)}.items()
    assert "color-scheme: dark" in css.split(f"@media ({media}) {{", 1)[1].split("}", 1)[0]
