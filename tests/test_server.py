"""The site behind a real uvicorn, on 127.0.0.1, with the options ``plain-pcc serve`` uses.

Each server runs in its own process on a free loopback port, and writes its log to a file
the tests read. Nothing here measures time: every wait is a
bounded number of tries, and a test fails on what the server answered, never on how fast.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from plain_pcc.app import create_app
from plain_pcc.cli import server_options
from plain_pcc.settings import Settings

from .conftest import CONTENT, ROOT

REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"
FAILURE = "deliberate failure 7f3a: /srv/secret/config.py line 12"
# The child process: uvicorn on the inherited socket, with the site's own options.
LAUNCH = """
import os, sys, uvicorn
from plain_pcc.cli import server_options
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

    def wait_for_log(self, text: str, tries: int = 100) -> str:
        for _ in range(tries):
            log = self.log_text()
            if text in log:
                return log
            time.sleep(0.05)
        return self.log_text()


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
    yield from start("tests.test_server:failing_app", log)


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


def test_clients_that_vanish_mid_response_do_not_hurt_others(
    server: Server, reports_page: bytes
) -> None:
    start = server.log_size()
    vandal, errors = _vandal(server.port, resets=100, pipelined=1)
    vandal.start()
    statuses = visitor_requests(server, reports_page, 100)
    vandal.join(timeout=60)
    assert not vandal.is_alive()
    assert not errors, errors
    assert statuses == [200] * 100
    assert server.process.poll() is None
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
    start = server.log_size()
    vandal, errors = _vandal(server.port, resets=20, pipelined=200)
    vandal.start()
    statuses = visitor_requests(server, reports_page, 100)
    vandal.join(timeout=60)
    assert not vandal.is_alive()
    assert not errors, errors
    assert statuses == [200] * 100
    assert server.process.poll() is None
    assert visitor_requests(server, reports_page, 5) == [200] * 5
    log = server.log_since(start)
    traces = log.count("Traceback (most recent call last)")
    assert log.count("the handler is closed") == traces, log


def test_slow_clients_do_not_hold_up_others(server: Server, reports_page: bytes) -> None:
    """Twenty clients send their request a few bytes at a time while a visitor is served."""
    stop = threading.Event()
    answers: list[bytes] = []

    def trickle() -> None:
        connections = [
            socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(20)
        ]
        request = request_bytes("/cookies/", server.port)
        try:
            for index in range(len(request) - 1):
                if stop.is_set():
                    return
                for connection in connections:
                    connection.sendall(request[index : index + 1])
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
        for index in range(len(body) - 1):
            slow.sendall(body[index : index + 1])
            # Between every byte of the slow body, a visitor is served in full.
            assert visitor_requests(server, reports_page, 1) == [200]
        slow.sendall(body[-1:])
        answer = slow.recv(4096)
    assert answer.startswith(b"HTTP/1.1 303")
    assert b"location: /cookies/" in answer.lower()
    assert b"set-cookie: font_size=large;" in answer.lower()


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
    log = failing_server.wait_for_log(f"RuntimeError: {FAILURE}")
    assert "Traceback (most recent call last)" in log
    assert f"RuntimeError: {FAILURE}" in log
    assert "in _boom" in log
    assert 'GET "/boom" 500' in log
    # And the server goes on serving.
    assert httpx.get(failing_server.url + "/").status_code == 200
