"""Representations: response bodies encoded once, with their validators, and the HTTP semantics
of sending them: content negotiation, conditional requests and HEAD (RFC 9110)."""

from __future__ import annotations

import functools
import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

import brotli
from starlette.types import Send
from werkzeug.http import parse_accept_header, parse_etags

Headers = list[tuple[bytes, bytes]]

# Server preference when the client likes several codings equally.
CODINGS = ("br", "gzip", "identity")
_NEGOTIATED_MAX = 256
# Brotli's best, for the pages and files read thousands of times between restarts. Error pages
# (never cached, rarely seen) take a quick quality instead: at 11 they cost a third of the
# start-up for a few bytes each. So does a representation made while a request waits (quick).
_BROTLI_QUALITY = 11


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
    """A response computed once: the same bytes, validators and headers for every request."""

    def __init__(
        self,
        body: bytes,
        media_type: str,
        headers: Iterable[tuple[str, str]] = (),
        status: int = 200,
        compress: bool = True,
        quick: bool = False,
    ) -> None:
        self.status = status
        self.body = body
        common = [(name.lower().encode(), value.encode()) for name, value in headers]
        self.common = common
        content_type = (b"content-type", media_type.encode())
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
            shared = [*common, (b"etag", f'"{etag}"'.encode())]
            if coding != "identity":
                shared.append((b"content-encoding", coding.encode()))
            full = [content_type, (b"content-length", str(len(data)).encode()), *shared]
            self.encodings[coding] = Encoded(data, etag, full, shared, f'"{etag}"'.encode())

    async def send(
        self,
        send: Send,
        method: str,
        accept_encoding: bytes | None,
        if_none_match: bytes | None,
        extra: Headers | None = None,
    ) -> None:
        coding = _choose(self.encodings, accept_encoding)
        if coding is None:
            # RFC 9110 §12.5.3: identity was refused too, and nothing else is acceptable.
            await _send_plain(
                send, 406, b"Not Acceptable: no content coding you accept\n", self.common
            )
            return
        encoded = self.encodings[coding]
        if if_none_match is not None and self.status == 200 and _matches(if_none_match, encoded):
            await send(
                {"type": "http.response.start", "status": 304, "headers": encoded.not_modified}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        headers = encoded.headers if extra is None else [*encoded.headers, *extra]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if method == "HEAD" else encoded.body}
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


async def _send_plain(send: Send, status: int, body: bytes, headers: Headers) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
