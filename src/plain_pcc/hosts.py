"""The host check: answer only for the site's own host names (pure ASGI middleware)."""

from __future__ import annotations

import functools
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from .catalogue import Catalogue, select

# What may follow the host in a Host header (RFC 9110 §7.2): nothing, or a port.
_PORT = re.compile(rb"(?::[0-9]{0,5})?")
_KNOWN_HOSTS_MAX = 64


class HostCheck:
    """Answer only for the configured hosts; anything else gets the 400 page."""

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...], catalogue: Catalogue) -> None:
        self.app = app
        self.any = "*" in allowed_hosts
        self.allowed = frozenset(host.lower().encode() for host in allowed_hosts)
        self.catalogue = catalogue
        # Host header value -> allowed. A site sees a handful of values; a flood of made-up
        # ones only pushes the oldest out.
        self.allows = functools.lru_cache(maxsize=_KNOWN_HOSTS_MAX)(self._allows)

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
            if not self.allows(host):
                page = self.catalogue.error(400, scope["path"], select(cookie))
                await page.send(send, scope["method"], None, None)
                return
        await self.app(scope, receive, send)

    def _allows(self, host: bytes) -> bool:
        return _hostname(host) in self.allowed


def _hostname(host: bytes) -> bytes:
    """The host part of a Host header: without its port, lower-cased; empty when malformed.

    ``[::1`` or ``[::1]evil.example`` is not ``[::1]``: only a port may follow the host.
    """
    host = host.lower()
    end = host.find(b"]") + 1 if host.startswith(b"[") else len(host.split(b":", 1)[0])
    return host[:end] if end and _PORT.fullmatch(host, end) else b""
