"""Fixtures: settings, an app, and a client whose every HTML response gets the page check."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from plain_pcc.app import create_app
from plain_pcc.settings import Settings

from .pagecheck import check_page

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class CheckedClient(TestClient):
    """A test client that runs the page check on every HTML response it receives."""

    def request(self, *args: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        response = super().request(*args, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html") and response.content:
            check_page(response.text)
        return response


@pytest.fixture(scope="session")
def make_settings() -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        overrides.setdefault("content_dir", CONTENT)
        overrides.setdefault("access_log", False)
        return Settings(**overrides)

    return make


@pytest.fixture(scope="session")
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture(scope="session")
def app(settings: Settings) -> Starlette:
    return create_app(settings)


@pytest.fixture
def client(app: Starlette) -> Iterator[CheckedClient]:
    # Redirects are asserted, not followed: a 303's Location is part of the behaviour.
    with CheckedClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content, for a test to break."""
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    return copy


def edit(content: Path, name: Path | str, old: str, new: str) -> Path:
    """Replace the first ``old`` in a content file with ``new``; the file's path."""
    path = content / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """The number of the first line of ``path`` holding ``needle``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)
