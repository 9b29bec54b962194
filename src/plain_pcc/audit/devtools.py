"""A session's own socket to its browser's DevTools protocol.

WebDriver also carries DevTools commands (``execute_cdp_cmd``), but each one is an HTTP request
to chromedriver (through a Grid, to the hub and then the node), which decodes it, forwards it
over a socket of its own, and encodes the answer back. A cell sends a dozen or more: the
checks' scripts (``Runtime.evaluate``), the visitor's state (cookies, viewport, media, text
size). Sent over a socket to the browser, ``Runtime.evaluate`` of a constant cost 0.7 to 1.6 ms
of CPU in every process together, against 3.8 to 4.8 ms through chromedriver (measured on the
same browser, in turn).

The socket is the one the browser or the Grid advertises: the browser's own endpoint for a local
Chromium (chromedriver's ``debuggerAddress``), the Grid's ``se:cdp`` for a remote one. It is
attached to the session's tab (``Target.attachToTarget``, flattened), so the settings sent over
it last as long as the socket, across navigations; it closes with the session.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import urllib.request
from collections.abc import Mapping
from typing import Any

import websocket
from selenium.common.exceptions import WebDriverException


class DevToolsError(WebDriverException):
    """A DevTools command failed, or the socket did: handled as WebDriver's own errors are."""


def endpoint(capabilities: Mapping[str, Any], timeout: float = 10) -> str:
    """The browser-wide DevTools socket's address: the Grid's ``se:cdp``, else the one the
    browser at chromedriver's ``debuggerAddress`` names; "" when neither says."""
    if capabilities.get("se:cdp"):
        return str(capabilities["se:cdp"])
    address = (capabilities.get("goog:chromeOptions") or {}).get("debuggerAddress")
    if not address:
        return ""
    with urllib.request.urlopen(f"http://{address}/json/version", timeout=timeout) as answer:
        return str(json.loads(answer.read())["webSocketDebuggerUrl"])


class DevTools:
    """Commands to one tab, over one socket, one at a time (a session is one thread's)."""

    def __init__(self, socket: websocket.WebSocket, url: str) -> None:
        self._socket = socket
        self.url = url  # the browser-wide endpoint it was opened on
        self._ids = itertools.count(1)
        self._session = ""

    @classmethod
    def connect(cls, url: str, target: str, timeout: float) -> DevTools:
        """Attached to the tab ``target`` (WebDriver's window handle is its target id);
        ``timeout`` bounds every wait for an answer."""
        try:
            # websocket-client checks each text frame's UTF-8 in Python: 52 ms of CPU for a
            # 50 KB answer (a keyboard walk's log, a page's source), against 0.9 ms without.
            # Its decoding of the frame into text checks it again, in C: a bad byte still
            # fails the command.
            socket = websocket.create_connection(
                url, timeout=timeout, suppress_origin=True, skip_utf8_validation=True
            )
        except (OSError, websocket.WebSocketException) as exc:
            raise DevToolsError(f"no DevTools socket at {url}: {exc}") from exc
        devtools = cls(socket, url)
        try:
            attached = devtools.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        except DevToolsError:
            devtools.close()
            raise
        devtools._session = str(attached["sessionId"])
        return devtools

    def send(self, method: str, params: Mapping[str, Any]) -> Any:
        """The command's result; its error, or the socket's, as a DevToolsError. Events that
        arrive meanwhile (the tab's page events) are passed over: no check listens for them."""
        number = next(self._ids)
        message: dict[str, Any] = {"id": number, "method": method, "params": dict(params)}
        if self._session:
            message["sessionId"] = self._session
        try:
            self._socket.send(json.dumps(message))
            while True:
                answer = json.loads(self._socket.recv())
                if answer.get("id") == number:
                    break
        except (OSError, ValueError, websocket.WebSocketException) as exc:
            raise DevToolsError(f"{method}: the DevTools socket failed: {exc}") from exc
        if "error" in answer:
            error = answer["error"]
            raise DevToolsError(f"{method}: {error.get('message', error)}")
        return answer.get("result", {})

    @property
    def closed(self) -> bool:
        """Whether the socket is gone: closed here, or by the browser."""
        return not self._socket.connected

    def close(self) -> None:
        with contextlib.suppress(OSError, websocket.WebSocketException):
            self._socket.close()
        # A socket the browser's end dropped is no longer "connected", and websocket-client's
        # close then leaves it open: shut it whatever its state.
        self._socket.shutdown()  # type: ignore[no-untyped-call]
