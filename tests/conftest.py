"""Fixtures: settings, an app, and a client whose every HTML response gets the page check."""

from __future__ import annotations

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
