"""The Jinja environment: templates inside the package, autoescape on, undefined is an error."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined


def create_environment() -> Environment:
    return Environment(
        loader=PackageLoader("plain_pcc", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        # Whitespace control keeps the pre-rendered pages small without a minifier.
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
