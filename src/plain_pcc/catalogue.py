"""The catalogue: every response the site can give, rendered and encoded at start-up, and the
ASGI endpoint that picks one for each request by its path, cookie and Accept-Encoding."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from . import modes, preferences
from .preferences import Selection
from .representations import Representation
from .variants import Variants

_GET_HEAD = frozenset(("GET", "HEAD"))
_PAGE_ALLOW = [(b"allow", b"GET, HEAD")]
_SELECTED_MAX = 1024


@dataclass
class Catalogue:
    """What the site serves, keyed the way requests look it up."""

    # Page address (full or text-only) -> a representation for each preference selection.
    pages: dict[str, Variants] = field(default_factory=dict)
    # Fixed responses that do not depend on the visitor: static files, sitemap, robots.txt.
    files: dict[str, Representation] = field(default_factory=dict)
    # (status, mode name) -> the error page's variants.
    errors: dict[tuple[int, str], Variants] = field(default_factory=dict)
    # A page address without its trailing slash -> the redirect to the address with it.
    redirects: dict[str, Representation] = field(default_factory=dict)
    static_urls: dict[str, str] = field(default_factory=dict)
    # The security headers, for the answers made per request (the preferences form's).
    security_headers: list[tuple[str, str]] = field(default_factory=list)

    def error(self, status: int, path: str, selection: Selection) -> Representation:
        mode, _ = modes.split(path)
        return self.errors[(status, mode.name)][selection]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        method: str = scope["method"]
        cookie = accept_encoding = if_none_match = None
        for name, value in scope["headers"]:
            if name == b"cookie":
                # Several Cookie lines are folded into one, as RFC 9113 §8.2.3 describes.
                cookie = value if cookie is None else cookie + b"; " + value
            elif name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
        variants = self.pages.get(path)
        if variants is not None:
            selection = select(cookie)
            if method in _GET_HEAD:
                await variants[selection].send(send, method, accept_encoding, if_none_match)
            else:
                await self.error(405, path, selection).send(
                    send, method, accept_encoding, None, _PAGE_ALLOW
                )
            return
        fixed = self.files.get(path)
        if fixed is not None:
            if method in _GET_HEAD:
                await fixed.send(send, method, accept_encoding, if_none_match)
            else:
                await self.error(405, path, select(cookie)).send(
                    send, method, accept_encoding, None, _PAGE_ALLOW
                )
            return
        moved = self.redirects.get(path)
        if moved is not None:
            await moved.send(send, method, accept_encoding, None)
            return
        await self.error(404, path, select(cookie)).send(send, method, accept_encoding, None)


class FastPath:
    """Pure ASGI middleware: an address the catalogue holds (every page and file) goes straight
    to it.

    Starlette's exception middleware and router cost a request more than the catalogue's own
    lookup does (bench/README.md), and neither has anything to do for these addresses: the
    catalogue answers every method itself and raises no HTTP exception. Everything else (the
    forms, redirects, 404s, and any other method on a page) takes the routed way.
    """

    def __init__(self, app: ASGIApp, catalogue: Catalogue) -> None:
        self.app = app
        self.catalogue = catalogue

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            # Only reads: a form posted to its own page's address (the email updates sign-up)
            # is routed to its endpoint.
            if scope["method"] in _GET_HEAD and (
                path in self.catalogue.pages or path in self.catalogue.files
            ):
                await self.catalogue(scope, receive, send)
                return
        await self.app(scope, receive, send)


@functools.lru_cache(maxsize=_SELECTED_MAX)
def select(cookie: bytes | None) -> Selection:
    """The visitor's preferences from the Cookie header; anything unreadable is the default.

    Parsing a Cookie header costs about as much as the rest of the catalogue's work, and most
    visitors send one of a few values, so each answer is remembered (a bounded number of them).
    """
    if cookie is None:
        return preferences.DEFAULT
    return preferences.from_cookies(cookie_parser(cookie.decode("latin-1")))
