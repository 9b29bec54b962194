"""Fixtures: settings, an app, and a client whose every HTML response gets the page check."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import Message

from plain_pcc.app import create_app
from plain_pcc.settings import Settings

from .pagecheck import check_page

# PostgreSQL and SMTP servers for the email updates tests.
pytest_plugins = ["tests.mailservers"]

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
def make_settings(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Settings]:
    data = tmp_path_factory.mktemp("data")

    def make(**overrides: Any) -> Settings:
        overrides.setdefault("content_dir", CONTENT)
        overrides.setdefault("access_log", False)
        # The email updates store and outbox never land in the working folder.
        overrides.setdefault("data_dir", data)
        overrides.setdefault("mail_sender", False)
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


def raw_request(
    app: Starlette,
    path: str,
    headers: list[tuple[bytes, bytes]],
    method: str = "GET",
    incoming: list[Message] | None = None,
) -> list[Message]:
    """One request through the ASGI interface, with values no HTTP client would send.

    ``incoming``: what the app receives, in turn (by default, an empty body). The messages the
    app sent are returned.
    """
    sent: list[Message] = []
    received = list(incoming or [{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> Message:
        return received.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(app(scope, receive, send))
    return sent
