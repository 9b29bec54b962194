"""Middleware: the access log line, and the host check."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Iterator
from xml.etree import ElementTree

import pytest
from starlette.applications import Starlette
from starlette.types import Message

from plain_pcc.app import create_app
from plain_pcc.settings import Settings

from .conftest import CheckedClient

LINE = re.compile(r'^(?P<method>\S+) "(?P<path>[^"]*)" (?P<status>\d{3}) (?P<bytes>\d+) [\d.]+ms$')
PUBLIC = "https://www.essex.pcc.police.uk"


@pytest.fixture(scope="module")
def logged_app(make_settings: Callable[..., Settings]) -> Starlette:
    return create_app(make_settings(access_log=True))


@pytest.fixture
def logged(
    logged_app: Starlette, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[CheckedClient, pytest.LogCaptureFixture]]:
    caplog.set_level(logging.INFO, logger="plain_pcc.access")
    with CheckedClient(logged_app, follow_redirects=False) as client:
        yield client, caplog


def access_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "plain_pcc.access"]


def only_line(caplog: pytest.LogCaptureFixture) -> re.Match[str]:
    [line] = access_lines(caplog)
    match = LINE.match(line)
    assert match is not None, line
    return match


def raw_request(
    app: Starlette, path: str, headers: list[tuple[bytes, bytes]], method: str = "GET"
) -> list[Message]:
    """One request through the ASGI interface, with values no HTTP client would send."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

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


# The access log -------------------------------------------------------------------------------


def test_one_line_per_request_with_method_path_status_bytes(logged) -> None:  # type: ignore[no-untyped-def]
    client, caplog = logged
    response = client.get("/cookies/", headers={"accept-encoding": "gzip"})
    line = only_line(caplog)
    assert line["method"] == "GET"
    assert line["path"] == "/cookies/"
    assert line["status"] == "200"
    # Bytes as sent: the compressed body.
    assert response.headers["content-encoding"] == "gzip"
    assert int(line["bytes"]) == int(response.headers["content-length"])


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("HEAD", "/", 200),
        ("GET", "/no-such-page/", 404),
        ("POST", "/cookies/", 405),
        ("GET", "/cookies", 308),
        ("GET", "/preferences", 405),
        ("GET", "/healthz", 200),
    ],
)
def test_every_kind_of_answer_is_logged(logged, method: str, path: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client, caplog = logged
    response = client.request(method, path, headers={"accept-encoding": "identity"})
    line = only_line(caplog)
    assert (line["method"], line["path"], int(line["status"])) == (method, path, status)
    assert int(line["bytes"]) == len(response.content)


def test_form_post_and_its_redirect_are_logged(logged) -> None:  # type: ignore[no-untyped-def]
    client, caplog = logged
    client.post(
        "/preferences",
        content="font_size=large&return_to=/",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    line = only_line(caplog)
    assert (line["method"], line["path"], line["status"]) == ("POST", "/preferences", "303")


def test_refused_host_is_logged(logged) -> None:  # type: ignore[no-untyped-def]
    client, caplog = logged
    client.get("/", headers={"host": "evil.example"})
    assert only_line(caplog)["status"] == "400"


def test_cookie_values_are_never_logged(logged) -> None:  # type: ignore[no-untyped-def]
    client, caplog = logged
    secret = "s3cr3t-session-value"
    client.get("/", headers={"cookie": f"font_size=large; session={secret}"})
    client.post(
        "/preferences",
        content="font_size=extra-large",
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "cookie": f"session={secret}",
        },
    )
    lines = access_lines(caplog)
    assert len(lines) == 2
    assert not any(secret in line or "extra-large" in line for line in lines)
    assert not any("large" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("path", "logged_as"),
    [
        ("/a%0Ab", "/a\\x0ab"),
        ("/a%0D%0AGET%20/forged", "/a\\x0d\\x0aGET\\x20/forged"),
        ("/%1B%5B31mred", "/\\x1b[31mred"),
        ("/%00", "/\\x00"),
        ("/x%22%20200%201%201.0ms", "/x\\x22\\x20200\\x201\\x201.0ms"),
        ("/back%5Cslash", "/back\\x5cslash"),
        ("/caf%C3%A9", "/caf\\xe9"),
        ("/%E2%80%AE", "/\\u202e"),
    ],
    ids=["newline", "crlf", "escape", "nul", "quote", "backslash", "latin", "bidi"],
)
def test_control_characters_in_paths_are_escaped(logged, path: str, logged_as: str) -> None:  # type: ignore[no-untyped-def]
    """A path cannot split, forge, colour or reorder a log line."""
    client, caplog = logged
    client.get(path)
    [line] = access_lines(caplog)
    assert line.isascii(), line
    assert line.isprintable(), line
    match = LINE.match(line)
    assert match is not None, line
    assert match["path"] == logged_as
    assert match["status"] == "404"


def test_access_log_can_be_turned_off(app: Starlette, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="plain_pcc.access")
    with CheckedClient(app) as client:
        client.get("/")
    assert access_lines(caplog) == []


# The host check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.0.0.1:8000",
        "localhost",
        "LocalHost:8000",
        "[::1]",
        "[::1]:8000",
        "testserver",
    ],
)
def test_allowed_hosts_are_answered(client: CheckedClient, host: str) -> None:
    response = client.get("/", headers={"host": host})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example",
        "localhost@evil.example",
        "evil.example#localhost",
        "[::2]",
        "[::1",
        "[::1]evil.example",
        "[::1]:80:80",
        "localhost:80x",
        "localhost:123456",
        "127.0.0.2",
        "",
        ":8000",
        "localhost.",
        "localhost localhost",
    ],
)
def test_other_hosts_get_the_400_page(client: CheckedClient, host: str) -> None:
    response = client.get("/cookies/", headers={"host": host})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["cache-control"] == "no-store"
    assert "evil.example" not in response.text


def test_400_page_keeps_mode_and_text_size(client: CheckedClient) -> None:
    response = client.get(
        "/text-only/cookies/", headers={"host": "evil.example", "cookie": "font_size=large"}
    )
    assert response.status_code == 400
    assert "(text only)</title>" in response.text
    assert 'class="font-size-large"' in response.text


def test_refused_host_cannot_change_a_preference(client: CheckedClient) -> None:
    response = client.post(
        "/preferences",
        content="font_size=large",
        headers={"host": "evil.example", "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "headers",
    [[], [(b"host", b"localhost\x00")], [(b"host", b"\xff\xfe")], [(b"host", b"x" * 70000)]],
    ids=["none", "nul", "not-utf8", "huge"],
)
def test_host_no_client_would_send_is_refused(
    app: Starlette, headers: list[tuple[bytes, bytes]]
) -> None:
    sent = raw_request(app, "/", headers)
    assert sent[0]["status"] == 400


def test_head_on_a_refused_host_has_no_body(app: Starlette) -> None:
    sent = raw_request(app, "/", [(b"host", b"evil.example")], method="HEAD")
    assert sent[0]["status"] == 400
    assert sent[1]["body"] == b""


def test_any_host_when_allowed_hosts_is_a_star(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(allowed_hosts=("*",)))
    with CheckedClient(app) as client:
        assert client.get("/", headers={"host": "anything.example"}).status_code == 200


@pytest.fixture(scope="module")
def public_app(make_settings: Callable[..., Settings]) -> Starlette:
    """Configured for its public address, and (wrongly, on purpose) answering any Host."""
    return create_app(make_settings(base_url=PUBLIC, allowed_hosts=("*",)))


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "evil.example"},
        {"host": "localhost", "x-forwarded-host": "evil.example"},
        {"host": "localhost", "forwarded": "host=evil.example;proto=http"},
    ],
    ids=["host", "x-forwarded-host", "forwarded"],
)
def test_absolute_urls_come_from_the_base_url_never_the_request(
    public_app: Starlette, headers: dict[str, str]
) -> None:
    with CheckedClient(public_app) as client:
        sitemap = client.get("/sitemap.xml", headers=headers)
        robots = client.get("/robots.txt", headers=headers)
        page = client.get("/cookies/", headers=headers)
        text_page = client.get("/text-only/cookies/", headers=headers)
    locations = [
        element.text or ""
        for element in ElementTree.fromstring(sitemap.content).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    assert locations
    assert all(location.startswith(PUBLIC + "/") for location in locations)
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.text
    assert f'<link rel="canonical" href="{PUBLIC}/cookies/">' in page.text
    assert f'<link rel="canonical" href="{PUBLIC}/cookies/">' in text_page.text
    for response in (sitemap, robots, page, text_page):
        assert "evil.example" not in response.text


def test_slash_redirect_is_relative_whatever_the_host(public_app: Starlette) -> None:
    with CheckedClient(public_app, follow_redirects=False) as client:
        response = client.get("/cookies", headers={"host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["location"] == "cookies/"
