"""Where a session's DevTools socket is found. The socket itself carries commands to a real
Chromium, locally and through a Grid, in the audit's browser tests (a11y/test_devtools.py,
a11y/test_remote_audit.py); here, against a socket that says what a test tells it, how its
answers are read."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from websockets.sync.server import ServerConnection, serve

from plain_pcc.audit import devtools
from plain_pcc.audit.localsite import LiveServer

BROWSER = "ws://127.0.0.1:9222/devtools/browser/4e1c"


def test_a_grid_session_uses_the_socket_the_grid_advertises() -> None:
    capabilities = {
        "se:cdp": "ws://127.0.0.1:4444/session/abc/se/cdp",
        # The node's own address is the node's, not one this machine may reach.
        "goog:chromeOptions": {"debuggerAddress": "10.0.0.2:9222"},
    }
    assert devtools.endpoint(capabilities) == "ws://127.0.0.1:4444/session/abc/se/cdp"


def test_a_local_session_asks_its_browser_for_the_socket() -> None:
    app = Starlette(
        routes=[
            Route(
                "/json/version",
                lambda request: JSONResponse(
                    {"Browser": "HeadlessChrome/156", "webSocketDebuggerUrl": BROWSER}
                ),
            )
        ]
    )
    with LiveServer(lambda base_url: app) as server:
        address = server.base_url.removeprefix("http://")
        capabilities = {"goog:chromeOptions": {"debuggerAddress": address}}
        assert devtools.endpoint(capabilities) == BROWSER


@pytest.mark.parametrize("capabilities", [{}, {"goog:chromeOptions": {}}, {"se:cdp": None}])
def test_a_session_that_names_no_socket_has_none(capabilities: dict[str, object]) -> None:
    assert devtools.endpoint(capabilities) == ""


def test_a_browser_that_does_not_answer_is_an_error_not_a_socket() -> None:
    with pytest.raises(OSError, match="refused"):
        devtools.endpoint({"goog:chromeOptions": {"debuggerAddress": "127.0.0.1:9"}})


def test_no_socket_where_none_listens() -> None:
    with pytest.raises(devtools.DevToolsError, match="no DevTools socket at ws://127.0.0.1:9/"):
        devtools.DevTools.connect("ws://127.0.0.1:9/devtools/browser/x", "tab", timeout=5)


@pytest.fixture
def fake_browser() -> Iterator[str]:
    """A DevTools socket that attaches any tab, then answers each command with the raw bytes
    the test put in ``ANSWERS``, as a text frame, whatever they are."""

    def handler(connection: ServerConnection) -> None:
        for message in connection:
            command = json.loads(message)
            if command["method"] == "Target.attachToTarget":
                connection.send(json.dumps({"id": command["id"], "result": {"sessionId": "s"}}))
            elif ANSWERS[0] is None:  # the browser's end drops the socket
                ANSWERS.pop(0)
                connection.close()
            else:
                connection.send(ANSWERS.pop(0) % command["id"], text=True)

    with serve(handler, "127.0.0.1", 0) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.socket.getsockname()[:2]
        yield f"ws://{host}:{port}/devtools/browser/x"
        server.shutdown()


ANSWERS: list[bytes | None] = []


def test_an_answer_is_read_as_utf8_and_a_bad_byte_fails_the_command(fake_browser: str) -> None:
    ANSWERS[:] = [
        b'{"id": %d, "result": {"value": "caf\xc3\xa9"}}',
        b'{"id": %d, "result": {"value": "caf\xe9"}}',  # Latin-1, not UTF-8
    ]
    socket = devtools.DevTools.connect(fake_browser, "tab", timeout=5)
    try:
        assert socket.send("Runtime.evaluate", {}) == {"value": "café"}
        with pytest.raises(devtools.DevToolsError, match="Runtime.evaluate: the DevTools socket"):
            socket.send("Runtime.evaluate", {})
    finally:
        socket.close()


def test_a_socket_the_browser_dropped_is_closed_all_the_same(fake_browser: str) -> None:
    ANSWERS[:] = [None]
    socket = devtools.DevTools.connect(fake_browser, "tab", timeout=5)
    with pytest.raises(devtools.DevToolsError, match="HeadlessExperimental.beginFrame"):
        socket.send("HeadlessExperimental.beginFrame", {})
    assert socket.closed
    socket.close()
    assert socket._socket.sock is None  # the operating system's socket closed, not leaked
