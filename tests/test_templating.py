"""The Jinja environment: autoescape on, undefined names are errors."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from plain_pcc.templating import create_environment


def test_autoescape_is_on() -> None:
    template = create_environment().from_string("{{ value }}")
    assert template.render(value="<b>&") == "&lt;b&gt;&amp;"


def test_undefined_names_are_errors() -> None:
    template = create_environment().from_string("{{ missing }}")
    with pytest.raises(UndefinedError):
        template.render()
