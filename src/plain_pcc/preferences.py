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
    """One display preference: its form field and cookie name, and the values it can take."""

    name: str
    legend: str
    purpose: str
    choices: tuple[Choice, ...]

    @property
    def default(self) -> Choice:
        return self.choices[0]

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
)

PREFERENCES: tuple[Preference, ...] = (FONT_SIZE,)


@dataclass(frozen=True)
class Selection:
    """One choice for each preference: the key of a rendered variant of a page."""

    choices: tuple[Choice, ...]

    def __getitem__(self, preference: Preference) -> Choice:
        return self.choices[PREFERENCES.index(preference)]

    @property
    def id(self) -> str:
        return "-".join(choice.value for choice in self.choices)

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
