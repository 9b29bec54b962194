"""The site behind a real uvicorn, on 127.0.0.1, with the options ``plain-pcc serve`` uses.

Each server runs in its own process on a free loopback port, and writes its log to a file
the tests read. Nothing here measures time: every wait is a
bounded number of tries, and a test fails on what the server answered, never on how fast.
"""

from __future__ import annotations

import asyncio
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from uvicorn.server import ServerState

from plain_pcc.app import create_app
from plain_pcc.cli import server_options
from plain_pcc.protocol import HEAD_LIMIT, HEAD_TIMEOUT, LimitedHttpToolsProtocol
from plain_pcc.security import HEADERS
from plain_pcc.settings import Settings

from .conftest import CONTENT, ROOT

REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"
FAILURE = "deliberate failure 7f3a: /srv/secret/config.py line 12"
# The child process: uvicorn on the inherited socket, with the site's own options.
LAUNCH = """
import os, sys, uvicorn
from plain_pcc.cli import server_options
from plain_pcc.protocol import HEAD_LIMIT, HEAD_TIMEOUT, LimitedHttpToolsProtocol
from plain_pcc.settings import Settings
options = server_options(Settings.from_env(os.environ))
uvicorn.run(sys.argv[1], factory=True, host="127.0.0.1", port=int(sys.argv[2]), **options)
"""


def failing_app() -> Starlette:
    """The site plus one route that raises: how the 500 page and the log are seen for real."""
    app = create_app()
    app.router.routes.insert(0, Route("/boom", _boom))
    return app


def _boom(request: Request) -> None:
    raise RuntimeError(FAILURE)


@dataclass
class Server:
    url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")

    def wait_for_log(self, text: str, since: int = 0, count: int = 1, tries: int = 100) -> str:
        """The log from byte ``since`` once it holds ``text`` ``count`` times, or after 5 s.

        Access lines reach the log in batches, up to a second after their answers."""
        for _ in range(tries):
            log = self.log_since(since)
            if log.count(text) >= count:
                return log
            time.sleep(0.05)
        return self.log_since(since)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(factory: str, log: Path) -> Iterator[Server]:
    # By host and port, as 'plain-pcc serve' does: uvicorn's fd= option would take the socket
    # for a Unix one, and so without TCP_NODELAY.
    port = free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PLAIN_PCC_")},
        "PLAIN_PCC_CONTENT_DIR": str(CONTENT),
        "PLAIN_PCC_BASE_URL": f"http://127.0.0.1:{port}",
        "PLAIN_PCC_ACCESS_LOG": "true",
        "PLAIN_PCC_LOG_LEVEL": "info",
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, factory, str(port)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", port, log, process)
    try:
        wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(server: Server, tries: int = 600) -> None:
    for _ in range(tries):
        assert server.process.poll() is None, server.log_text()
        try:
            if httpx.get(server.url + "/healthz", timeout=10).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"the server did not start:\n{server.log_text()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from start("plain_pcc.app:create_app", tmp_path_factory.mktemp("live") / "server.log")


@pytest.fixture(scope="module")
def failing_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("failing") / "server.log"
    yield from start("tests.test_protocol:failing_app", log)


@pytest.fixture(scope="module")
def reports_page(server: Server) -> bytes:
    response = httpx.get(server.url + REPORTS, headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    return response.content


def request_bytes(path: str, port: int, extra: str = "") -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Encoding: identity\r\n{extra}\r\n"
    ).encode()


def visitor_requests(server: Server, expected: bytes, count: int) -> list[int]:
    """An ordinary visitor's requests; every one must get the whole page."""
    statuses = []
    with httpx.Client(base_url=server.url, timeout=30) as visitor:
        for _ in range(count):
            response = visitor.get(REPORTS, headers={"accept-encoding": "identity"})
            assert response.content == expected
            statuses.append(response.status_code)
    return statuses


# Options ---------------------------------------------------------------------------------------


def test_limits_are_deliberate(settings: Settings) -> None:
    options = server_options(settings)
    assert options["timeout_keep_alive"] == 5
    assert options["limit_concurrency"] == 1000
    assert options["server_header"] is False
    # The site's own access line replaces uvicorn's (which would not escape the path).
    assert options["access_log"] is False


def test_live_answers_carry_the_headers_and_name_no_software(server: Server) -> None:
    response = httpx.get(server.url + "/")
    assert response.status_code == 200
    assert "server" not in response.headers
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-content-type-options"] == "nosniff"


# Faults ----------------------------------------------------------------------------------------


def _abandon(port: int, pipelined: int) -> None:
    """Ask for the reports page many times on one connection, read a little, and reset it."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.sendall(request_bytes(REPORTS, port) * pipelined)
    connection.recv(1000)
    # Linger 0: close with a reset, the way a crashed browser or a dropped mobile link ends.
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    connection.close()


def _vandal(port: int, resets: int, pipelined: int) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def abandon_many() -> None:
        try:
            for _ in range(resets):
                _abandon(port, pipelined)
        except BaseException as error:  # reported by the test
            errors.append(error)

    return threading.Thread(target=abandon_many), errors


def _visitors_served_beside(
    server: Server, reports_page: bytes, resets: int, pipelined: int
) -> int:
    """100 visitors served in full while a vandal resets connections; where the log was."""
    start = server.log_size()
    vandal, errors = _vandal(server.port, resets=resets, pipelined=pipelined)
    vandal.start()
    statuses = visitor_requests(server, reports_page, 100)
    vandal.join(timeout=60)
    assert not vandal.is_alive()
    assert not errors, errors
    assert statuses == [200] * 100
    assert server.process.poll() is None
    return start


def test_clients_that_vanish_mid_response_do_not_hurt_others(
    server: Server, reports_page: bytes
) -> None:
    start = _visitors_served_beside(server, reports_page, resets=100, pipelined=1)
    # A vanished client is not an error of the site's: the log shows nothing for it.
    log = server.log_since(start)
    assert "Traceback" not in log
    assert "ERROR" not in log


def test_pipelining_clients_that_reset_do_not_hurt_others(
    server: Server, reports_page: bytes
) -> None:
    """200 pages of 20 kB asked for on one connection: the server is mid-way when the reset
    comes. (uvicorn on uvloop may then log its own 'Exception in ASGI application' for a
    queued request whose transport has closed; that is the only trace allowed.)"""
    start = _visitors_served_beside(server, reports_page, resets=20, pipelined=200)
    assert visitor_requests(server, reports_page, 5) == [200] * 5
    log = server.log_since(start)
    traces = log.count("Traceback (most recent call last)")
    assert log.count("the handler is closed") == traces, log


def test_slow_clients_do_not_hold_up_others(server: Server, reports_page: bytes) -> None:
    """Twenty clients send their request eight bytes at a time while a visitor is served."""
    stop = threading.Event()
    answers: list[bytes] = []

    def trickle() -> None:
        connections = [
            socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(20)
        ]
        request = request_bytes("/cookies/", server.port)
        try:
            # A few bytes at a time, but whole well within the server's 10-second deadline for
            # a request, even on a busy machine.
            for index in range(0, len(request) - 1, 8):
                if stop.is_set():
                    return
                for connection in connections:
                    connection.sendall(request[index : min(index + 8, len(request) - 1)])
                time.sleep(0.01)
            for connection in connections:
                connection.sendall(request[-1:])
                answers.append(connection.recv(12))
        finally:
            for connection in connections:
                connection.close()

    slow = threading.Thread(target=trickle)
    slow.start()
    try:
        statuses = visitor_requests(server, reports_page, 50)
    finally:
        slow.join(timeout=60)
        stop.set()
    assert statuses == [200] * 50
    # The slow clients were served too, once their request was whole.
    assert answers == [b"HTTP/1.1 200"] * 20


def test_slow_form_body_does_not_hold_up_others(server: Server, reports_page: bytes) -> None:
    body = b"font_size=large&return_to=/cookies/"
    head = (
        f"POST /preferences HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as slow:
        slow.sendall(head)
        # Five pieces, not a byte at a time: the whole request must still arrive within the
        # server's 10-second deadline on a busy machine.
        for start in range(0, len(body) - 1, 7):
            slow.sendall(body[start : min(start + 7, len(body) - 1)])
            # Between the pieces of the slow body, a visitor is served in full.
            assert visitor_requests(server, reports_page, 1) == [200]
        slow.sendall(body[-1:])
        answer = slow.recv(4096)
    assert answer.startswith(b"HTTP/1.1 303")
    assert b"location: /cookies/" in answer.lower()
    assert b"set-cookie: font_size=large;" in answer.lower()


def test_client_that_leaves_mid_form_is_no_error(server: Server, reports_page: bytes) -> None:
    start = server.log_size()
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as leaving:
            leaving.sendall(
                f"POST /preferences HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n"
                "font_size=la".encode()
            )
            # The server has the head and part of the body when the client goes.
            assert visitor_requests(server, reports_page, 1) == [200]
    assert visitor_requests(server, reports_page, 3) == [200] * 3
    log = server.wait_for_log('POST "/preferences" 400', since=start, count=5)
    assert log.count('POST "/preferences" 400') == 5, log
    assert "Traceback" not in log
    assert "ERROR" not in log


def test_idle_keep_alive_connection_is_closed_by_the_server(server: Server) -> None:
    """timeout_keep_alive: an idle connection does not hold a place for ever."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as idle:
        idle.sendall(request_bytes("/healthz", server.port))
        received = idle.recv(4096)
        assert received.startswith(b"HTTP/1.1 200")
        # Then say nothing. The server closes (an empty read) well before this socket's own
        # 30-second timeout would raise.
        while received:
            received = idle.recv(4096)
    assert received == b""


def test_malformed_request_line_gets_400_and_others_carry_on(
    server: Server, reports_page: bytes
) -> None:
    for garbage in (
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",  # a TLS hello on the plain port
        b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"NOT HTTP AT ALL\r\n\r\n",
    ):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
            connection.sendall(garbage)
            answer = connection.recv(100)
        assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer
    assert visitor_requests(server, reports_page, 3) == [200] * 3


# The 500 page --------------------------------------------------------------------------------


def test_internal_error_shows_the_500_page_and_logs_the_trace(failing_server: Server) -> None:
    response = httpx.get(failing_server.url + "/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    for leak in ("Traceback", "RuntimeError", "7f3a", "/srv/secret", 'File "'):
        assert leak not in response.text
    log = failing_server.wait_for_log('GET "/boom" 500')
    assert "Traceback (most recent call last)" in log
    assert f"RuntimeError: {FAILURE}" in log
    assert "in _boom" in log
    # The line has the bytes of the 500 page as sent.
    assert f'GET "/boom" 500 {response.headers["content-length"]} ' in log
    # And the server goes on serving.
    assert httpx.get(failing_server.url + "/").status_code == 200


# The request head's limits (server.py), in process ---------------------------------------------


class FakeTransport(asyncio.Transport):
    """What the protocol writes, and whether it closed the connection."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"sockname": ("127.0.0.1", 8000), "peername": ("127.0.0.1", 50000)}.get(
            name, default
        )


@pytest.fixture(scope="module")
def protocol_config(settings: Settings) -> uvicorn.Config:
    options = {**server_options(settings), "log_config": None}
    config = uvicorn.Config(create_app(settings), **options)
    config.load()
    assert config.http_protocol_class is LimitedHttpToolsProtocol
    return config


def server_state() -> ServerState:
    """What uvicorn's server shares with its connections: here, a date for every answer."""
    state = ServerState()
    state.default_headers = [(b"date", b"Thu, 26 Nov 2026 09:30:00 GMT")]
    return state


def connect(
    config: uvicorn.Config, head_timeout: float = HEAD_TIMEOUT
) -> tuple[LimitedHttpToolsProtocol, FakeTransport]:
    protocol = LimitedHttpToolsProtocol(config=config, server_state=server_state(), app_state={})
    protocol.head_timeout = head_timeout
    transport = FakeTransport()
    protocol.connection_made(transport)
    return protocol, transport


async def settle(transport: FakeTransport, until: bytes | None = None, tries: int = 500) -> None:
    """Let the loop run the request tasks and timers, a bounded number of turns."""
    for _ in range(tries):
        if transport.closed or (until is not None and transport.written.count(until)):
            return
        await asyncio.sleep(0.005)


def test_a_whole_request_is_answered_and_its_head_timer_stopped(
    protocol_config: uvicorn.Config,
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        protocol.data_received(request_bytes("/cookies/", 8000))
        await settle(transport, until=b"</html>")
        assert transport.written.startswith(b"HTTP/1.1 200 OK")
        assert not transport.closed
        assert protocol._head_timer is None
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize("piece", [1024, 64 * 1024], ids=["small-pieces", "one-big-read"])
def test_a_head_over_the_limit_gets_431_and_the_connection_closes(
    protocol_config: uvicorn.Config, piece: int
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        for _ in range(4 * HEAD_LIMIT // piece + 2):
            if transport.closed:
                break
            protocol.data_received(b"a" * piece)
        assert transport.closed
        assert transport.written.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert b"x-content-type-options: nosniff\r\n" in transport.written
        assert transport.written.endswith(b"\r\n\r\nRequest header fields too large.\n")
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "head",
    [
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n",
        b"GET /" + b"a" * 40000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Many: 1\r\n" * 2000 + b"\r\n",
    ],
    ids=["one-header", "url", "many-headers"],
)
def test_a_whole_head_over_the_limit_in_one_read_gets_431(
    protocol_config: uvicorn.Config, head: bytes
) -> None:
    """A read can hold the whole head: it is measured when complete, and the site never runs."""

    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        protocol.data_received(head)
        await settle(transport, until=b"too large.\n")
        assert transport.written.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
        assert b"connection: close\r\n" in transport.written
        assert b"x-content-type-options: nosniff\r\n" in transport.written
        assert b"<html" not in transport.written  # not the site's answer: the site never ran
        assert transport.closed
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize(("over", "answer"), [(0, b"HTTP/1.1 200"), (1, b"HTTP/1.1 431")])
def test_the_limit_is_exact_for_a_whole_head(
    protocol_config: uvicorn.Config, over: int, answer: bytes
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        start = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
        # Measured as the protocol does: the URL, then each header with ": " and CRLF.
        filler = HEAD_LIMIT - len("/healthz") - len("host: 127.0.0.1\r\n") - len("x-big: \r\n")
        protocol.data_received(start + b"a" * (filler + over) + b"\r\n\r\n")
        await settle(transport, until=b"\n", tries=50)
        await settle(transport, tries=20)
        assert transport.written.startswith(answer)
        protocol.connection_lost(None)

    asyncio.run(scenario())


def test_a_long_url_counts_towards_the_limit(protocol_config: uvicorn.Config) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        protocol.data_received(b"GET /")
        for _ in range(HEAD_LIMIT // 1024 + 2):
            protocol.data_received(b"a" * 1024)
        assert transport.written.startswith(b"HTTP/1.1 431")
        protocol.connection_lost(None)

    asyncio.run(scenario())


def refusal_head(written: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """A refusal's status line, headers (by lower-case name) and body."""
    head, _, body = written.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = dict(line.split(b": ", 1) for line in lines)
    return status, headers, body


def assert_site_headers(headers: dict[bytes, bytes], body: bytes) -> None:
    for name, value in HEADERS:
        assert headers[name.lower().encode()] == value.encode(), name
    assert headers[b"cache-control"] == b"no-store"
    assert headers[b"connection"] == b"close"
    assert headers[b"content-type"] == b"text/plain; charset=utf-8"
    assert int(headers[b"content-length"]) == len(body)
    assert headers[b"date"] == b"Thu, 26 Nov 2026 09:30:00 GMT"


@pytest.mark.parametrize(
    "garbage",
    [b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", b"GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"],
    ids=["tls-hello", "header-without-colon"],
)
def test_a_request_that_is_not_http_gets_400_with_the_site_headers(
    protocol_config: uvicorn.Config, garbage: bytes
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        protocol.data_received(garbage)
        status, headers, body = refusal_head(bytes(transport.written))
        assert status == b"HTTP/1.1 400 Bad Request"
        assert body == b"Invalid HTTP request received."
        assert_site_headers(headers, body)
        assert transport.closed
        protocol.connection_lost(None)

    asyncio.run(scenario())


def test_a_head_over_the_limit_gets_the_site_headers(protocol_config: uvicorn.Config) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        protocol.data_received(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        while not transport.closed:
            protocol.data_received(b"a" * 4096)
        status, headers, body = refusal_head(bytes(transport.written))
        assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
        assert_site_headers(headers, body)
        protocol.connection_lost(None)

    asyncio.run(scenario())


def test_past_the_concurrency_limit_the_503_has_the_site_headers(settings: Settings) -> None:
    options = {**server_options(settings), "log_config": None, "limit_concurrency": 2}
    config = uvicorn.Config(create_app(settings), **options)
    config.load()

    async def scenario() -> None:
        state = server_state()
        busy = LimitedHttpToolsProtocol(config=config, server_state=state, app_state={})
        busy.connection_made(FakeTransport())
        # uvicorn counts the connection asking: with a limit of 2, a second one is refused.
        protocol = LimitedHttpToolsProtocol(config=config, server_state=state, app_state={})
        transport = FakeTransport()
        protocol.connection_made(transport)
        protocol.data_received(request_bytes("/cookies/", 8000))
        await settle(transport, until=b"moment.\n")
        status, headers, body = refusal_head(bytes(transport.written))
        assert status == b"HTTP/1.1 503 Service Unavailable"
        assert body == b"The service is busy. Please try again in a moment.\n"
        assert headers[b"retry-after"] == b"5"
        assert_site_headers(headers, body)
        assert b"<html" not in transport.written  # the site never ran
        # Once the place is free, the next connection's request is the site's.
        busy.connection_lost(None)
        protocol.connection_lost(None)
        for _ in range(100):
            if not state.tasks:
                break
            await asyncio.sleep(0.005)
        fresh = FakeTransport()
        again = LimitedHttpToolsProtocol(config=config, server_state=state, app_state={})
        again.connection_made(fresh)
        again.data_received(request_bytes("/cookies/", 8000))
        await settle(fresh, until=b"</html>")
        assert fresh.written.startswith(b"HTTP/1.1 200 OK")
        assert again.limit_concurrency == 2
        again.connection_lost(None)

    asyncio.run(scenario())


def test_a_body_does_not_count_as_head(protocol_config: uvicorn.Config) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        body = b"font_size=large&pad=" + b"x" * (2 * HEAD_LIMIT)
        protocol.data_received(
            b"POST /preferences HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        for start in range(0, len(body), 1024):
            protocol.data_received(body[start : start + 1024])
        await settle(transport, until=b"</html>")
        assert transport.written.startswith(b"HTTP/1.1 413")
        protocol.connection_lost(None)

    asyncio.run(scenario())


def test_pipelined_requests_in_one_read_are_not_taken_for_one_big_head(
    protocol_config: uvicorn.Config,
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        one = request_bytes("/healthz", 8000)
        # 300 whole requests and the start of one more, in one read; then the rest of it.
        first = one * 300 + one[:20]
        assert len(first) > HEAD_LIMIT
        protocol.data_received(first)
        protocol.data_received(one[20:])
        for _ in range(500):
            if transport.written.count(b"HTTP/1.1 200 OK") == 301:
                break
            await asyncio.sleep(0.005)
        assert transport.written.count(b"HTTP/1.1 200 OK") == 301
        assert b"431" not in transport.written
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /cookies/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: "],
    ids=["nothing", "half-a-head"],
)
def test_a_head_not_sent_in_time_closes_the_connection(
    protocol_config: uvicorn.Config, sent: bytes
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config, head_timeout=0.05)
        if sent:
            protocol.data_received(sent)
        await settle(transport)
        assert transport.closed
        assert transport.written == b""  # nothing is owed to a client that has not asked
        protocol.connection_lost(None)

    asyncio.run(scenario())


def test_a_body_not_sent_in_time_closes_the_connection(protocol_config: uvicorn.Config) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config, head_timeout=0.05)
        protocol.data_received(
            b"POST /preferences HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\n"
            b"font_size=la"
        )
        await settle(transport)
        assert transport.closed
        protocol.connection_lost(None)
        await asyncio.sleep(0)
        # The form heard the disconnect, and there was no one left to answer.
        assert transport.written == b""

    asyncio.run(scenario())


def test_the_head_timer_starts_again_with_the_next_request(
    protocol_config: uvicorn.Config,
) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config, head_timeout=0.05)
        protocol.data_received(request_bytes("/healthz", 8000))
        await settle(transport, until=b"ok\n")
        assert not transport.closed
        # Idle between requests is the keep-alive timeout's business; a started request that
        # stalls is this one's.
        protocol.data_received(b"GET /healthz HTTP/1.1\r\n")
        await settle(transport)
        assert transport.closed
        assert transport.written.count(b"HTTP/1.1 200 OK") == 1
        protocol.connection_lost(None)

    asyncio.run(scenario())


def test_oversized_head_is_refused_live_and_others_carry_on(
    server: Server, reports_page: bytes
) -> None:
    start = server.log_size()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request_bytes("/", server.port, "X-Big: " + "a" * 40000 + "\r\n"))
        assert connection.recv(100).startswith(b"HTTP/1.1 431")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
        refused = False
        for _ in range(4 * HEAD_LIMIT // 1024):
            # Stop sending as soon as the server has answered, so the answer is not lost to a
            # reset for bytes it never read.
            if select.select([connection], [], [], 0.01)[0]:
                refused = True
                break
            connection.sendall(b"a" * 1024)
        answer = connection.recv(100)
    assert refused
    assert answer.startswith(b"HTTP/1.1 431")
    assert "Request head over 16384 bytes" in server.wait_for_log("Request head over", since=start)
    assert visitor_requests(server, reports_page, 3) == [200] * 3


def test_the_deadline_leaves_a_closing_connection_alone(protocol_config: uvicorn.Config) -> None:
    async def scenario() -> None:
        protocol, transport = connect(protocol_config)
        transport.close()
        protocol._head_too_slow()
        assert transport.written == b""
        protocol.connection_lost(None)
        assert protocol._head_timer is None

    asyncio.run(scenario())
