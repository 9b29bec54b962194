"""Pure ASGI middleware: one class each, no per-request task (unlike BaseHTTPMiddleware)."""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .catalogue import Catalogue, select

logger = logging.getLogger("plain_pcc.access")
# Everything but visible ASCII, and the quote and backslash that delimit and escape the path.
_UNPRINTABLE = re.compile(r'[^\x21-\x7e]|["\\]')
# What may follow the host in a Host header (RFC 9110 §7.2): nothing, or a port.
_PORT = re.compile(rb"(?::[0-9]{0,5})?")
_KNOWN_HOSTS_MAX = 64
_LINE = '%s "%s" %d %d %.1fms'


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _printable(text: str) -> str:
    # A path is attacker-controlled: escaped, it cannot split a log line, forge a field after
    # its closing quote (a space or a quote), or send terminal escapes to whoever reads the log.
    return _UNPRINTABLE.sub(_escape, text)


class AccessLog:
    """One line per request: method, path, status, bytes, duration. Never a cookie's value."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # logger.info builds each record from nothing: it walks the stack to find its caller
        # and asks for the process and the thread, which together cost more than the catalogue
        # takes to answer. Access records differ only in their time and values, so each is a
        # copy of this one, made once, in the process that serves (bench/README.md).
        self.prototype = logger.makeRecord(
            logger.name, logging.INFO, __file__, 0, _LINE, (), None, func="AccessLog"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0
        sent = 0

        async def send_logged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            if logger.isEnabledFor(logging.INFO):
                self.log(
                    scope["method"],
                    _printable(scope["path"]),
                    status or 500,
                    sent,
                    (time.perf_counter() - start) * 1000,
                )

    def log(self, *args: object) -> None:
        prototype = self.prototype
        record = logging.LogRecord.__new__(type(prototype))
        record.__dict__.update(prototype.__dict__)
        now = time.time()
        # The time fields as LogRecord sets them.
        record.created = now
        record.msecs = int((now - int(now)) * 1000) + 0.0
        record.relativeCreated = prototype.relativeCreated + (now - prototype.created) * 1000
        record.args = args
        logger.handle(record)


class HostCheck:
    """Answer only for the configured hosts; anything else gets the 400 page.

    Then the fast path: an address the catalogue holds (every page and file) goes straight to
    it. Starlette's exception middleware and router cost a request more than the catalogue's
    own lookup does (bench/README.md), and neither has anything to do for these addresses:
    the catalogue answers every method itself and raises no HTTP exception. Everything else
    (the preferences form, redirects, 404s) takes the routed way.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...], catalogue: Catalogue) -> None:
        self.app = app
        self.any = "*" in allowed_hosts
        self.allowed = frozenset(host.lower().encode() for host in allowed_hosts)
        self.catalogue = catalogue
        # Host header value -> allowed. A site sees a handful of values; one flood of made-up
        # ones only empties the memo.
        self.known: dict[bytes, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.any:
            host = b""
            cookie = None
            for name, value in scope["headers"]:
                if name == b"host":
                    host = value
                elif name == b"cookie":
                    cookie = value
            allowed = self.known.get(host)
            if allowed is None:
                allowed = _hostname(host) in self.allowed
                if len(self.known) >= _KNOWN_HOSTS_MAX:
                    self.known.clear()
                self.known[host] = allowed
            if not allowed:
                page = self.catalogue.error(400, scope["path"], select(cookie))
                await page.send(send, scope["method"], None, None)
                return
        path = scope["path"]
        if path in self.catalogue.pages or path in self.catalogue.files:
            await self.catalogue(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _hostname(host: bytes) -> bytes:
    """The host part of a Host header: without its port, lower-cased; empty when malformed.

    ``[::1`` or ``[::1]evil.example`` is not ``[::1]``: only a port may follow the host.
    """
    host = host.lower()
    end = host.find(b"]") + 1 if host.startswith(b"[") else len(host.split(b":", 1)[0])
    return host[:end] if end and _PORT.fullmatch(host, end) else b""
