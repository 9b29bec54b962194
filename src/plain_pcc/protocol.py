"""The HTTP server's protocol: uvicorn's httptools protocol, with the two limits it lacks.

uvicorn's h11 protocol caps a request head at 16 KiB, but its faster httptools protocol (the
one it picks when httptools is installed, as here) has no cap and no deadline: one client can
send megabytes of header, or hold a connection for ever by sending its request a byte at a
time (a "slowloris"), until the concurrency limit turns everyone else away with 503. This
protocol closes both: a request line and headers of at most ``HEAD_LIMIT`` bytes, and the
whole request (head and body) within ``HEAD_TIMEOUT`` seconds of the connection opening or
the request starting.

It also gives the answers the server makes without the site (a malformed request's 400, the
431 above, and the 503 past the concurrency limit) the site's security headers, which
uvicorn's own omit. Not HSTS, which depends on the settings: a site served over HTTPS has a
proxy in front that answers malformed requests itself.

``cli.server_options`` names it by import string, so it is loaded only when serving.
"""

from __future__ import annotations

import asyncio

from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .security import HEADERS

# Browsers send well under 8 KiB of head; nginx's default buffers hold 4 x 8 KiB.
HEAD_LIMIT = 16 * 1024
HEAD_TIMEOUT = 10.0
_TOO_LARGE = b"Request header fields too large.\n"
_UNAVAILABLE = b"The service is busy. Please try again in a moment.\n"


def _refusal_headers(body: bytes) -> list[tuple[bytes, bytes]]:
    """The headers of an answer the server makes without the site: a fixed text body."""
    return [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *((name.lower().encode(), value.encode()) for name, value in HEADERS),
        (b"cache-control", b"no-store"),
        (b"connection", b"close"),
    ]


def _raw_refusal(status: bytes, body: bytes, first: list[tuple[bytes, bytes]]) -> bytes:
    """The answer as bytes, for a connection the protocol closes itself (``first``: the
    headers uvicorn puts on every answer, the date among them)."""
    headers = [*first, *_refusal_headers(body)]
    lines = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    return b"HTTP/1.1 " + status + b"\r\n" + lines + b"\r\n" + body


async def _head_too_large(scope: Scope, receive: Receive, send: Send) -> None:
    await send(
        {"type": "http.response.start", "status": 431, "headers": _refusal_headers(_TOO_LARGE)}
    )
    await send({"type": "http.response.body", "body": _TOO_LARGE})


async def _unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [*_refusal_headers(_UNAVAILABLE), (b"retry-after", b"5")]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": _UNAVAILABLE})


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
                self.transport.write(
                    _raw_refusal(
                        b"431 Request Header Fields Too Large",
                        _TOO_LARGE,
                        self.server_state.default_headers,
                    )
                )
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
        # answer it with a stand-in app, as uvicorn answers past its concurrency limit (whose
        # answer is replaced too, for one with the site's headers).
        # (Each header as sent: name, ": ", value, CRLF.)
        size = len(self.url) + sum(len(name) + len(value) + 4 for name, value in self.headers)
        limit = self.limit_concurrency
        if size > self.head_limit:
            self.logger.warning("Request head over %d bytes: refused.", self.head_limit)
            stand_in = _head_too_large
        elif limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            self.logger.warning("Exceeded concurrency limit.")
            stand_in = _unavailable
        else:
            super().on_headers_complete()
            return
        app, self.app, self.limit_concurrency = self.app, stand_in, None
        try:
            super().on_headers_complete()
        finally:
            self.app, self.limit_concurrency = app, limit

    def send_400_response(self, msg: str) -> None:
        """A request that is not HTTP: uvicorn's answer, with the site's headers."""
        body = msg.encode("ascii", "replace")
        self.transport.write(
            _raw_refusal(b"400 Bad Request", body, self.server_state.default_headers)
        )
        self.transport.close()

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
