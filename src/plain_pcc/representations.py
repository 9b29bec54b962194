"""Representations: response bodies encoded once, with their validators, and the HTTP semantics
of sending them: content negotiation, conditional requests and HEAD (RFC 9110)."""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import brotli
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from werkzeug.http import parse_accept_header, parse_etags

Headers = list[tuple[bytes, bytes]]

# Server preference when the client likes several codings equally.
CODINGS = ("br", "gzip", "identity")
_NEGOTIATED_MAX = 256
# Brotli's best, for the pages and files read thousands of times between restarts. Error pages
# (never cached, rarely seen) take a quick quality instead: at 11 they cost a third of the
# start-up for a few bytes each. So does a representation made while a request waits (quick).
_BROTLI_QUALITY = 11
_NOT_ACCEPTABLE = b"Not Acceptable: no content coding you accept\n"


@dataclass(frozen=True)
class Encoded:
    """One representation in one content coding: its body and the headers sent with it."""

    body: bytes
    etag: str
    headers: Headers
    not_modified: Headers
    # The ETag field as this server sends it: what a browser sends back in If-None-Match.
    quoted: bytes


class Representation:
    """A response computed once: the same bytes, validators and headers for every request.

    Every answer the site gives is one, sent by ``send``: pages, files, error pages, redirects
    and the form's answer. ``vary`` names the request headers, beside Accept-Encoding, that chose
    this representation among its siblings (the preference cookie); a compressed representation
    is negotiated, so it always says ``Vary: Accept-Encoding`` (RFC 9110 §12.5.5), whichever
    coding a request gets.
    """

    def __init__(
        self,
        body: bytes,
        media_type: str | None,
        headers: Iterable[tuple[str, str]] = (),
        status: int = 200,
        compress: bool = True,
        vary: Iterable[str] = (),
        quick: bool = False,
    ) -> None:
        self.status = status
        self.body = body
        self.negotiated = compress
        varies = [*vary, "Accept-Encoding"] if compress else list(vary)
        common = [(name.lower().encode(), value.encode()) for name, value in headers]
        if varies:
            common.append((b"vary", ", ".join(varies).encode()))
        self.common = common
        bodies = {"identity": body}
        if compress:
            quality = 5 if quick or status != 200 else _BROTLI_QUALITY
            # Compressed once, here, never per request; kept only where it saves bytes.
            for coding, encoded in (
                ("br", brotli.compress(body, quality=quality)),
                ("gzip", gzip.compress(body, compresslevel=9, mtime=0)),
            ):
                if len(encoded) < len(body):
                    bodies[coding] = encoded
        self.encodings: dict[str, Encoded] = {}
        for coding, data in bodies.items():
            # A strong validator per variant and coding: the bytes differ, so the tags differ.
            etag = hashlib.sha256(data).hexdigest()[:32]
            shared = list(common)
            if data:
                shared.append((b"etag", f'"{etag}"'.encode()))
            if coding != "identity":
                shared.append((b"content-encoding", coding.encode()))
            full = [(b"content-length", str(len(data)).encode()), *shared]
            if media_type is not None:
                full.insert(0, (b"content-type", media_type.encode()))
            self.encodings[coding] = Encoded(data, etag, full, shared, f'"{etag}"'.encode())

    async def send(
        self,
        send: Send,
        method: str,
        accept_encoding: bytes | None,
        if_none_match: bytes | None,
        extra: Headers | None = None,
    ) -> None:
        """Send it as asked: in a coding the client accepts, 304 when the client's copy is
        current, no body for HEAD; ``extra`` headers (``Allow``) are added."""
        coding = _choose(self.encodings, accept_encoding) if self.negotiated else "identity"
        if coding is None and self.status != 200:
            # An error page says more than a 406 would: it goes as it is (RFC 9110 §12.5.3
            # lets a server disregard Accept-Encoding).
            coding = "identity"
        if coding is None:
            # RFC 9110 §12.5.3: identity was refused too, and nothing else is acceptable.
            await _send(
                send, method, 406, _plain_headers(_NOT_ACCEPTABLE, self.common), _NOT_ACCEPTABLE
            )
            return
        encoded = self.encodings[coding]
        if if_none_match is not None and self.status == 200 and _matches(if_none_match, encoded):
            await _send(send, method, 304, encoded.not_modified, b"")
            return
        headers = encoded.headers if extra is None else [*encoded.headers, *extra]
        await _send(send, method, self.status, headers, encoded.body)

    async def answer(self, scope: Scope, send: Send, extra: Headers | None = None) -> None:
        """Send it in answer to the request in ``scope`` (no revalidation: for errors)."""
        accept_encoding = None
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                accept_encoding = value
        await self.send(send, scope["method"], accept_encoding, None, extra)


class Prepared(Response):
    """A representation where Starlette expects a ``Response`` (its exception handlers): sent
    the site's one way, negotiated and with its headers, not Starlette's."""

    def __init__(self, representation: Representation, extra: Headers | None = None) -> None:
        # Starlette's constructor is not called: the representation holds the body and headers.
        identity = representation.encodings["identity"]
        self.representation = representation
        self.extra = extra
        self.status_code = representation.status
        self.body = identity.body
        self.background = None
        self.raw_headers = [*identity.headers, *(extra or [])]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.representation.answer(scope, send, self.extra)


def redirect(location: str, status: int, headers: Iterable[tuple[str, str]]) -> Representation:
    """A redirect: no body, never stored (its target depends on what the visitor sent)."""
    return Representation(
        b"",
        None,
        [("Location", location), ("Cache-Control", "no-store"), *headers],
        status=status,
        compress=False,
    )


def _matches(if_none_match: bytes, encoded: Encoded) -> bool:
    # A browser revalidating sends back the one tag it was given: no need to parse a list.
    if if_none_match == encoded.quoted:
        return True
    # RFC 9110 §13.1.2: If-None-Match uses the weak comparison; "*" matches any representation.
    return parse_etags(if_none_match.decode("latin-1")).contains_weak(encoded.etag)


def _choose(encodings: dict[str, Encoded], accept_encoding: bytes | None) -> str | None:
    if accept_encoding is None:
        return "identity"
    for coding in negotiate(accept_encoding):
        if coding in encodings:
            return coding
    return None


@functools.lru_cache(maxsize=_NEGOTIATED_MAX)
def negotiate(accept_encoding: bytes) -> tuple[str, ...]:
    """The codings the client accepts, best first (RFC 9110 §12.5.3).

    Browsers send a handful of distinct values, so each answer is remembered.
    """
    accept = parse_accept_header(accept_encoding.decode("latin-1"))
    listed = {value.lower(): quality for value, quality in accept}
    star = listed.get("*")

    def quality(coding: str) -> float:
        if coding in listed:
            return listed[coding]
        if star is not None:
            return star
        # Identity is acceptable unless refused by name or by "*;q=0".
        return 1.0 if coding == "identity" else 0.0

    ranked = sorted(
        (coding for coding in CODINGS if quality(coding) > 0),
        key=lambda coding: (-quality(coding), CODINGS.index(coding)),
    )
    return tuple(ranked)


def _plain_headers(body: bytes, common: Headers) -> Headers:
    return [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        *common,
    ]


async def _send(send: Send, method: str, status: int, headers: Headers, body: bytes) -> None:
    """The one place an answer leaves the site: its head, then its body (none for HEAD)."""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else body})
