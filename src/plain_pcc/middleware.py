"""Pure ASGI middleware: one class each, no per-request task (unlike BaseHTTPMiddleware)."""

from __future__ import annotations

import logging
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .catalogue import Catalogue, select

logger = logging.getLogger("plain_pcc.access")
_UNPRINTABLE = re.compile(r"[^\x21-\x7e]")


def _printable(text: str) -> str:
    # A path is attacker-controlled: escape anything that could forge or split a log line.
    return _UNPRINTABLE.sub(
        lambda match: match.group().encode("unicode_escape").decode() or "?", text
    )


class AccessLog:
    """One line per request: method, path, status, bytes, duration. Never a cookie's value."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

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
            logger.info(
                '%s "%s" %d %d %.1fms',
                scope["method"],
                _printable(scope["path"]),
                status or 500,
                sent,
                (time.perf_counter() - start) * 1000,
            )


class HostCheck:
    """Answer only for the configured hosts; anything else gets the 400 page."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...], catalogue: Catalogue) -> None:
        self.app = app
        self.any = "*" in allowed_hosts
        self.allowed = frozenset(host.lower().encode() for host in allowed_hosts)
        self.catalogue = catalogue

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.any:
            await self.app(scope, receive, send)
            return
        host = b""
        cookie = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"cookie":
                cookie = value
        if _hostname(host) in self.allowed:
            await self.app(scope, receive, send)
            return
        page = self.catalogue.error(400, scope["path"], select(cookie))
        await page.send(send, scope["method"], None, None)


def _hostname(host: bytes) -> bytes:
    """The host part of a Host header: without its port, lower-cased."""
    host = host.lower()
    if host.startswith(b"["):
        return host.split(b"]", 1)[0] + b"]"
    return host.split(b":", 1)[0]
