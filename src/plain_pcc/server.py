"""The HTTP server's protocol: uvicorn's httptools protocol, with the two limits it lacks.

uvicorn's h11 protocol caps a request head at 16 KiB, but its faster httptools protocol (the
one it picks when httptools is installed, as here) has no cap and no deadline: one client can
send megabytes of header, or hold a connection for ever by sending its request a byte at a
time (a "slowloris"), until the concurrency limit turns everyone else away with 503. This
protocol closes both: a request line and headers of at most ``HEAD_LIMIT`` bytes, and the
whole request (head and body) within ``HEAD_TIMEOUT`` seconds of the connection opening or
the request starting.

``cli.server_options`` names it by import string, so it is loaded only when serving.
"""

from __future__ import annotations

import asyncio

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .security import CONTENT_SECURITY_POLICY

# Browsers send well under 8 KiB of head; nginx's default buffers hold 4 x 8 KiB.
HEAD_LIMIT = 16 * 1024
HEAD_TIMEOUT = 10.0
_REFUSAL = b"Request header fields too large.\n"
# Not the site's answer, so not its full set of headers (HSTS depends on the settings), but
# those that matter for a fixed text body.
_REFUSAL_HEADERS = [
    (b"content-type", b"text/plain; charset=utf-8"),
    (b"content-length", str(len(_REFUSAL)).encode()),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"connection", b"close"),
]
_TOO_LARGE = (
    b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
    + b"".join(name + b": " + value + b"\r\n" for name, value in _REFUSAL_HEADERS)
    + b"\r\n"
    + _REFUSAL
)


async def _head_too_large(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 431, "headers": _REFUSAL_HEADERS})
    await send({"type": "http.response.body", "body": _REFUSAL})


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """httptools, with a bounded request head (RFC 6585 §5) and a deadline for the request."""

    head_limit = HEAD_LIMIT
    head_timeout = HEAD_TIMEOUT

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # Until its first request has its headers, a connection is in a head.
        self._in_head = True
        self._head_size = 0
        self._began_here = False
        self._head_timer: asyncio.TimerHandle | None = self.loop.call_later(
            self.head_timeout, self._head_too_slow
        )

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._began_here = False
        super().data_received(data)
        # When a request began inside this chunk, the chunk also held what came before it;
        # the count starts with the next chunk (so the cap is at most one read late).
        if self._in_head and not self._began_here and not self.transport.is_closing():
            self._head_size += len(data)
            if self._head_size > self.head_limit:
                self._stop_head_timer()
                self.logger.warning("Request head over %d bytes: refused.", self.head_limit)
                self.transport.write(_TOO_LARGE)
                self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_head = True
        self._head_size = 0
        self._began_here = True
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def on_headers_complete(self) -> None:
        self._in_head = False
        # A head that arrived whole in one read was never counted above: measure it here, and
        # answer it the way uvicorn answers past its concurrency limit, with a stand-in app.
        # (Each header as sent: name, ": ", value, CRLF.)
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        if size <= self.head_limit:
            super().on_headers_complete()
            return
        self.logger.warning("Request head over %d bytes: refused.", self.head_limit)
        app, self.app = self.app, _head_too_large
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    def on_message_complete(self) -> None:
        # The deadline covers the body too: the site takes no uploads, only a form of a few
        # dozen bytes, so a body still trickling in after 10 s is not a visitor's.
        self._stop_head_timer()
        super().on_message_complete()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            # Nothing is owed to a client that has not finished asking: close, as uvicorn's
            # own keep-alive timeout does.
            self.transport.close()
