"""Display preferences: the allowed values, the cookie that remembers them, and the safe return
address of the form that sets them.

Preferences are data: a new one (a colour scheme, text spacing) is one more ``Preference`` in
``PREFERENCES``, and every page is rendered, served and audited in its values with no new code.
"""

from __future__ import annotations

import itertools
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

COOKIE_MAX_AGE = 365 * 24 * 60 * 60  # one year, in seconds
RETURN_FIELD = "return_to"
_RETURN_MAX = 2048


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Preference:
    """One display preference: its form field and cookie name, and the values it can take.

    The first choice is the default: it is never stored, and choosing it deletes the cookie.
    """

    name: str
    legend: str
    purpose: str
    choices: tuple[Choice, ...]
    # The submit button's text: a name that says what it does, for speech input (WCAG 2.5.3).
    action: str

    @property
    def default(self) -> Choice:
        return self.choices[0]

    @property
    def slug(self) -> str:
        """The name as it appears in class names and ids: ``font-size``."""
        return self.name.replace("_", "-")

    @property
    def anchor(self) -> str:
        """The id of this preference's form: the 303 answer's fragment brings the visitor back
        to it."""
        return f"preference-{self.slug}"

    def choice(self, value: str | None) -> Choice | None:
        """The choice named ``value``, or None when it is not one of ours."""
        for choice in self.choices:
            if choice.value == value:
                return choice
        return None


FONT_SIZE = Preference(
    name="font_size",
    legend="Text size",
    purpose="Remembers the text size you chose, so every page shows text at that size.",
    # Extra large is 200% of normal (WCAG technique G178); the stylesheets map each to a root
    # font size so that all text, set in rem and em, scales with it.
    choices=(
        Choice("normal", "Normal"),
        Choice("large", "Large"),
        Choice("extra-large", "Extra large"),
    ),
    action="Set text size",
)

COLOUR_SCHEME = Preference(
    name="colour_scheme",
    legend="Colours",
    purpose="Remembers the colours you chose, dark or high contrast, for every page.",
    # The default follows the device: dark when it prefers dark, high contrast when it prefers
    # more contrast (the media features prefers-color-scheme and prefers-contrast).
    choices=(
        Choice("default", "Your device's setting"),
        Choice("dark", "Dark"),
        Choice("high-contrast", "High contrast"),
    ),
    action="Set colours",
)

SPACING = Preference(
    name="spacing",
    legend="Spacing",
    purpose="Remembers that you chose wide spacing between lines, words and letters.",
    # Wide is at least WCAG 1.4.12's text spacing: line height 1.5, paragraphs 2em, letters
    # 0.12em, words 0.16em.
    choices=(
        Choice("normal", "Normal"),
        Choice("wide", "Wide"),
    ),
    action="Set spacing",
)

TYPEFACE = Preference(
    name="typeface",
    legend="Typeface",
    purpose="Remembers that you chose a typeface designed for low vision.",
    # Atkinson Hyperlegible (Braille Institute): letters that are hard to confuse, served by
    # this site itself.
    choices=(
        Choice("default", "Standard"),
        Choice("hyperlegible", "Atkinson Hyperlegible"),
    ),
    action="Set typeface",
)

PREFERENCES: tuple[Preference, ...] = (FONT_SIZE, COLOUR_SCHEME, SPACING, TYPEFACE)


@dataclass(frozen=True)
class Selection:
    """One choice for each preference: the key of a rendered variant of a page."""

    choices: tuple[Choice, ...]

    def __getitem__(self, preference: Preference) -> Choice:
        return self.choices[PREFERENCES.index(preference)]

    @property
    def id(self) -> str:
        return "_".join(choice.value for choice in self.choices)

    @property
    def classes(self) -> str:
        """The root element's classes, which the stylesheets key on: ``font-size-large ...``."""
        return " ".join(f"{preference.slug}-{choice.value}" for preference, choice in self.pairs())

    def pairs(self) -> Iterator[tuple[Preference, Choice]]:
        return zip(PREFERENCES, self.choices, strict=True)


DEFAULT = Selection(tuple(preference.default for preference in PREFERENCES))


def selections() -> list[Selection]:
    """Every combination of choices, the default first."""
    return [
        Selection(combination)
        for combination in itertools.product(*(preference.choices for preference in PREFERENCES))
    ]


def from_cookies(cookies: Mapping[str, str]) -> Selection:
    """The visitor's selection. A missing, unknown or malformed value is the default."""
    return Selection(
        tuple(
            preference.choice(cookies.get(preference.name)) or preference.default
            for preference in PREFERENCES
        )
    )


def safe_return_address(value: str | None, pages: Container[str]) -> str:
    """Where the preferences form goes back to: a page of this site, or else ``/``.

    Only a path with one leading slash that names a page survives: no scheme, no host, no
    ``//`` or ``/\\`` (which browsers treat as another host), no control characters.
    """
    if not value or len(value) > _RETURN_MAX:
        return "/"
    if not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return "/"
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.query or parts.fragment:
        return "/"
    return value if value in pages else "/"


def return_fragment(fields: Container[str]) -> str:
    """The fragment of the form's 303 answer: the form of the one preference the visitor set,
    so that the page comes back at the control they used. None when a form set several (the
    cookies page's reset), or none of ours."""
    posted = [preference for preference in PREFERENCES if preference.name in fields]
    return "#" + posted[0].anchor if len(posted) == 1 else ""
