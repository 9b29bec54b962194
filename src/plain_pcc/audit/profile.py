"""A site's profile: what it offers beyond plain pages, read from TOML and checked with care.

A profile declares a site's modes (URL prefix and the link text of the switch to the other
mode), its display preferences (the form, the field, the values, the cookie, and how to see
each value take effect), media conditions to emulate, a 404 probe, the parts of a page that
must stay consistent, and form states to audit. With no profile only generic checks run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MEDIA_FEATURES = {
    "prefers-color-scheme": ("light", "dark"),
    "prefers-contrast": ("no-preference", "more", "less", "custom"),
    "forced-colors": ("none", "active"),
    "prefers-reduced-motion": ("no-preference", "reduce"),
}
CHANGES = ("grow", "differ")


class ProfileError(ValueError):
    """A profile that cannot be used, with its file and the key at fault."""


@dataclass(frozen=True)
class Mode:
    name: str
    prefix: str  # "/" for the mode with no prefix
    switch: str = ""  # text of the link to the other mode; "" when there is none

    def holds(self, path: str) -> bool:
        if self.prefix == "/":
            return True
        bare = self.prefix.rstrip("/")
        return path == bare or path.startswith(bare + "/")


@dataclass(frozen=True)
class Measure:
    """How to see a preference's effect: a JS expression, or a computed style of an element."""

    script: str = ""
    property: str = ""
    element: str = "html"
    change: str = "differ"  # "grow": a number rising along the values; "differ": any change

    def expression(self) -> str:
        if self.script:
            return self.script
        element = repr(self.element)
        return (
            f"getComputedStyle(document.querySelector({element}))"
            f".getPropertyValue({self.property!r})"
        )


@dataclass(frozen=True)
class Preference:
    name: str
    field: str
    values: tuple[str, ...]  # the default first
    form: str
    measure: Measure
    # When given, a cell sets the cookie to the value directly (fast); else it uses the form.
    cookie: str = ""
    # Where the page marks the current value: the element's value attribute names it.
    current: str = '[name="{field}"][aria-pressed="true"], [name="{field}"]:checked'

    @property
    def default(self) -> str:
        return self.values[0]

    def current_selector(self) -> str:
        return f"{self.form} :is({self.current.format(field=self.field)})"

    def control_selector(self, value: str) -> str:
        return f'{self.form} [name="{self.field}"][value="{value}"]'


@dataclass(frozen=True)
class MediaCondition:
    name: str
    features: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Part:
    """A part repeated on every page of a mode, whose items must keep their order."""

    name: str
    selector: str  # the items, e.g. 'nav[aria-label="Main"] a'
    rule: str  # consistent-navigation (3.2.3) or consistent-help (3.2.6)
    read: str = "text"  # compare items by "text" or by "href"


@dataclass(frozen=True)
class FormState:
    """A form submission whose response page is audited (an error state, a confirmation)."""

    name: str
    page: str
    form: str
    fields: tuple[tuple[str, str], ...]
    expect: str  # a selector that must match on the response page, e.g. the error summary


@dataclass(frozen=True)
class Profile:
    name: str = "generic"
    source: str = ""
    modes: tuple[Mode, ...] = ()
    preferences: tuple[Preference, ...] = ()
    media: tuple[MediaCondition, ...] = ()
    not_found: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    forms: tuple[FormState, ...] = ()
    viewports: tuple[tuple[str, int, int], ...] = (("desktop", 1280, 1024), ("narrow", 320, 1024))

    def mode_of(self, path: str) -> str:
        """The most specific mode whose prefix holds the path; "" when there are none."""
        holding = [m for m in self.modes if m.holds(path)]
        if not holding:
            return ""
        return max(holding, key=lambda m: len(m.prefix)).name

    def mode(self, name: str) -> Mode:
        return next(m for m in self.modes if m.name == name)


class _Reader:
    """Reads one table, naming the file and the key on any fault."""

    def __init__(self, source: str, table: dict[str, Any], where: str) -> None:
        self.source, self.table, self.where = source, table, where
        self.used: set[str] = set()

    def _fail(self, key: str, reason: str) -> ProfileError:
        return ProfileError(f"{self.source}: {self.where}{key}: {reason}")

    def text(self, key: str, default: str | None = None) -> str:
        self.used.add(key)
        value = self.table.get(key, default)
        if value is None:
            raise self._fail(key, "is required")
        if not isinstance(value, str):
            raise self._fail(key, f"must be a string, not {value!r}")
        return value

    def items(self, key: str, default: list[Any] | None = None) -> list[Any]:
        self.used.add(key)
        value = self.table.get(key, default)
        if value is None:
            raise self._fail(key, "is required")
        if not isinstance(value, list):
            raise self._fail(key, f"must be a list, not {value!r}")
        return value

    def tables(self, key: str) -> list[_Reader]:
        entries = self.items(key, [])
        readers = []
        for i, item in enumerate(entries):
            if not isinstance(item, dict):
                raise self._fail(f"{key}[{i}]", "must be a table")
            readers.append(_Reader(self.source, item, f"{self.where}{key}[{i}]."))
        return readers

    def table_of(self, key: str) -> _Reader | None:
        self.used.add(key)
        value = self.table.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._fail(key, "must be a table")
        return _Reader(self.source, value, f"{self.where}{key}.")

    def fail(self, key: str, reason: str) -> ProfileError:
        return self._fail(key, reason)

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            raise self._fail(unknown[0], "is not a key the profile knows (a typing slip?)")


def _path(r: _Reader, key: str, value: str) -> str:
    if not value.startswith("/"):
        raise r.fail(key, f"must be a path starting with '/', not {value!r}")
    return value


def _mode(r: _Reader) -> Mode:
    mode = Mode(r.text("name"), _path(r, "prefix", r.text("prefix")), r.text("switch", ""))
    r.done()
    return mode


def _measure(r: _Reader | None, owner: _Reader) -> Measure:
    if r is None:
        raise owner.fail("measure", "is required: how to see each value take effect")
    measure = Measure(
        script=r.text("script", ""),
        property=r.text("property", ""),
        element=r.text("element", "html"),
        change=r.text("change", "differ"),
    )
    if bool(measure.script) == bool(measure.property):
        raise r.fail("script", "give exactly one of 'script' or 'property'")
    if measure.change not in CHANGES:
        raise r.fail("change", f"must be one of {', '.join(CHANGES)}, not {measure.change!r}")
    r.done()
    return measure


def _preference(r: _Reader) -> Preference:
    values = r.items("values")
    if len(values) < 2 or not all(isinstance(v, str) and v for v in values):
        raise r.fail("values", "must list at least two non-empty strings, the default first")
    if len(set(values)) != len(values):
        raise r.fail("values", "lists a value twice")
    pref = Preference(
        name=r.text("name"),
        field=r.text("field"),
        values=tuple(values),
        cookie=r.text("cookie", ""),
        form=r.text("form"),
        measure=_measure(r.table_of("measure"), r),
        current=r.text("current", Preference.current),
    )
    r.done()
    return pref


def _media(r: _Reader) -> MediaCondition:
    name = r.text("name")
    features = []
    for key, value in r.table.items():
        if key == "name":
            continue
        r.used.add(key)
        if key not in MEDIA_FEATURES:
            raise r.fail(
                key, f"is not a media feature the audit emulates ({', '.join(MEDIA_FEATURES)})"
            )
        if value not in MEDIA_FEATURES[key]:
            raise r.fail(key, f"must be one of {', '.join(MEDIA_FEATURES[key])}, not {value!r}")
        features.append((key, value))
    if not features:
        raise r.fail("name", "names no media feature to emulate")
    return MediaCondition(name, tuple(features))


def _part(r: _Reader) -> Part:
    part = Part(r.text("name"), r.text("selector"), r.text("rule"), r.text("read", "text"))
    if part.rule not in ("consistent-navigation", "consistent-help"):
        raise r.fail("rule", "must be consistent-navigation (3.2.3) or consistent-help (3.2.6)")
    if part.read not in ("text", "href"):
        raise r.fail("read", "must be 'text' or 'href'")
    r.done()
    return part


def _form(r: _Reader) -> FormState:
    fields = r.table_of("fields")
    pairs: list[tuple[str, str]] = []
    if fields is not None:
        for key in fields.table:
            pairs.append((key, fields.text(key)))
    state = FormState(
        r.text("name"),
        _path(r, "page", r.text("page")),
        r.text("form"),
        tuple(pairs),
        r.text("expect"),
    )
    r.done()
    return state


def _viewport(r: _Reader, i: int) -> tuple[str, int, int]:
    name = r.text("name")
    size = []
    for key in ("width", "height"):
        r.used.add(key)
        value = r.table.get(key)
        if not isinstance(value, int) or not 1 <= value <= 10000:
            raise r.fail(key, f"must be a whole number of CSS pixels, not {value!r}")
        size.append(value)
    r.done()
    return name, size[0], size[1]


def parse(text: str, source: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: not valid TOML: {exc}") from exc
    r = _Reader(source, data, "")
    modes = tuple(_mode(m) for m in r.tables("modes"))
    if len(modes) == 1:
        raise r.fail("modes", "declare no modes, or two or more")
    if modes and not any(m.prefix == "/" for m in modes):
        raise r.fail("modes", "one mode must have the prefix '/'")
    preferences = tuple(_preference(p) for p in r.tables("preferences"))
    for key, items in (("modes", modes), ("preferences", preferences)):
        names = [i.name for i in items]
        if len(set(names)) != len(names):
            raise r.fail(key, "two entries share a name")
    not_found = r.table_of("not_found")
    probes: tuple[str, ...] = ()
    if not_found is not None:
        probes = tuple(_path(not_found, "paths", p) for p in not_found.items("paths"))
        not_found.done()
    viewports = tuple(_viewport(v, i) for i, v in enumerate(r.tables("viewports")))
    profile = Profile(
        name=r.text("name", Path(source).stem),
        source=source,
        modes=modes,
        preferences=preferences,
        media=tuple(_media(m) for m in r.tables("media")),
        not_found=probes,
        parts=tuple(_part(p) for p in r.tables("parts")),
        forms=tuple(_form(f) for f in r.tables("forms")),
        viewports=viewports or Profile.viewports,
    )
    r.done()
    return profile


def load(path: Path) -> Profile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror}") from exc
    return parse(text, str(path))
