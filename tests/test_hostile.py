"""Hostile input, property-tested: whatever a client sends, the site answers harmlessly.

Requests go straight into the ASGI app as raw scopes, because an HTTP client (and the test
client) would normalise away exactly the bytes a scanner sends. For every request:

- never a 5xx, and never an exception out of the app;
- never the attacker's marker in the body or a header (the site reflects no input at all);
- never a Location that leaves the site;
- never a body the site did not render at start-up (so never a file from outside it);
- every security header, and no header value with a line break.

Runs are derandomised and bounded, so the suite is repeatable and stays fast.
"""

from __future__ import annotations

import asyncio
import gzip
from typing import Any
from urllib.parse import unquote

import brotli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.types import Message

from plain_pcc.app import create_app
from plain_pcc.settings import Settings

from .conftest import CONTENT

APP = create_app(Settings(content_dir=CONTENT, access_log=True))
CATALOGUE = APP.state.catalogue
MARKER = "ZQXJ7marker"
FORM_TYPE = b"application/x-www-form-urlencoded"

BOUNDED = settings(
    derandomize=True,
    max_examples=400,
    deadline=None,  # never a time assertion: a slow machine must not fail the suite
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _known_bodies() -> set[bytes]:
    representations = [
        *CATALOGUE.files.values(),
        *(r for variants in CATALOGUE.pages.values() for r in variants.values()),
        *(r for variants in CATALOGUE.errors.values() for r in variants.values()),
    ]
    bodies = {encoded.body for r in representations for encoded in r.encodings.values()}
    return bodies | {b"", b"Not Acceptable: no content coding you accept\n"}


KNOWN_BODIES = _known_bodies()
SECURITY = [name.decode() for name, _ in CATALOGUE.security_headers]


# Strategies -----------------------------------------------------------------------------------

PAGES = sorted(CATALOGUE.pages)
PLACES = [*PAGES, *sorted(CATALOGUE.files), "/preferences", "/static/", "/text-only", "/"]
TRAVERSALS = [
    "..",
    "../",
    "%2e%2e/",
    "%2E%2E%2F",
    "..%2f",
    "%252e%252e%252f",
    "..\\",
    "..%5c",
    "%c0%ae%c0%ae/",
    "....//",
    "\x00",
    "%00",
    ".%00.",
    "/etc/passwd",
    "../../../../pyproject.toml",
    "../src/plain_pcc/app.py",
    "/proc/self/environ",
    "//evil.example",
    "/\\evil.example",
    "@evil.example",
    "\r\nLocation: //evil.example",
    ";",
    "?",
    "#",
    "~",
    "full.css",
]
safe_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)

paths = st.builds(
    lambda place, pieces, tail, repeat: (place + "".join(pieces) + tail) * repeat,
    st.sampled_from(PLACES),
    st.lists(st.one_of(st.sampled_from(TRAVERSALS), safe_text), max_size=5),
    st.sampled_from(["", "/", MARKER, "/" + MARKER, "<script>" + MARKER]),
    st.sampled_from([1, 1, 1, 1, 2, 50, 400]),
).map(lambda path: path if path.startswith("/") else "/" + path)

raw_bytes = st.binary(max_size=64)
methods = st.one_of(
    st.sampled_from(
        ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH", "CONNECT"]
    ),
    st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz-_!", min_size=1, max_size=12),
)

COOKIES = [
    b"font_size=large",
    b"font_size=extra-large",
    b'font_size="large"',
    b"font_size=large; font_size=huge",
    b"font_size=huge; font_size=large",
    b"font_size=",
    b"font_size",
    b"=;;=;",
    b";;;;",
    b"font_size=large\r\nSet-Cookie: admin=1",
    b"font_size=large; Path=/; Domain=evil.example",
    b"font_size=\x00\xff\xfe",
    b"font_size=" + MARKER.encode(),
    b"font_size=" + b"A" * 9000,
    b"a=" + b"b" * 20000,
    b"; ".join(b"c%d=%d" % (n, n) for n in range(500)),
    b"font_size=%6c%61%72%67%65",
    b"$Version=1; font_size=large; $Path=/",
    b"font_size=large\xc0\xaf",
]
cookies = st.one_of(st.sampled_from(COOKIES), raw_bytes, safe_text.map(str.encode))

ENCODINGS = [
    b"br",
    b"gzip",
    b"identity",
    b"*",
    b"*;q=0",
    b"identity;q=0",
    b"br;q=0, gzip;q=0, identity;q=0",
    b"gzip;q=nan",
    b"gzip;q=inf, br;q=-1",
    b"gzip;q=1e400",
    b"gzip;q=0.5, br;q=0.5, *;q=0.1",
    b"GZIP",
    b";;;,,,",
    b"x" * 5000,
]
ETAGS = [b"*", b'W/"x"', b'"', b'""', b"\x00", b'"a", "b", W/', b'"' + b"a" * 5000 + b'"']
HEADER_NAMES = [
    b"cookie",
    b"accept-encoding",
    b"if-none-match",
    b"origin",
    b"sec-fetch-site",
    b"content-type",
    b"content-length",
    b"transfer-encoding",
    b"referer",
    b"user-agent",
    b"x-forwarded-host",
    b"x-forwarded-for",
    b"forwarded",
    b"range",
    b"if-modified-since",
    b"accept",
    b"x-http-method-override",
]
header_values = st.one_of(
    raw_bytes,
    safe_text.map(lambda text: text.encode("utf-8")),
    st.sampled_from(
        [
            MARKER.encode(),
            b"<script>alert('" + MARKER.encode() + b"')</script>",
            b"http://[::1",
            b"null",
            b"cross-site",
            b"same-origin",
            b"\xb2",
            b"-1",
            b"99999999999999999999999",
            b"chunked",
            FORM_TYPE,
            FORM_TYPE + b"; charset=\xff",
            b"bytes=0-1,2-3",
        ]
    ),
)
headers = st.lists(
    st.one_of(
        st.tuples(st.just(b"cookie"), cookies),
        st.tuples(st.just(b"accept-encoding"), st.one_of(st.sampled_from(ENCODINGS), raw_bytes)),
        st.tuples(st.just(b"if-none-match"), st.one_of(st.sampled_from(ETAGS), raw_bytes)),
        st.tuples(st.sampled_from(HEADER_NAMES), header_values),
        st.tuples(st.binary(min_size=1, max_size=20).map(bytes.lower), header_values),
    ),
    max_size=8,
)
hosts = st.one_of(
    st.sampled_from([b"testserver", b"127.0.0.1:8000", b"localhost", b"[::1]:8000"]),
    st.sampled_from([b"evil.example", b"", b"[::1", b"localhost:" + MARKER.encode()]),
    raw_bytes,
)
bodies = st.one_of(
    st.just(b""),
    raw_bytes,
    st.sampled_from(
        [
            b"font_size=large&return_to=//evil.example",
            b"font_size=large&return_to=" + MARKER.encode(),
            b"return_to=/%0d%0aSet-Cookie:x=1&font_size=extra-large",
            b"font_size=large&return_to=https%3A%2F%2Fevil.example",
            b"&".join([b"a=1"] * 40),
            b"x" * 3000,
            b"font_size=%ff%fe&return_to=/%c0%af",
        ]
    ),
    st.builds(
        lambda size, ret: f"font_size={size}&return_to={ret}".encode(),
        st.sampled_from(["normal", "large", "extra-large", "huge", MARKER]),
        st.one_of(st.sampled_from(PAGES), safe_text),
    ),
)
chunk_counts = st.sampled_from([1, 1, 1, 2, 7])


# The request and its checks ----------------------------------------------------------------------


def call(
    method: str,
    path: str,
    raw_path: bytes | None = None,
    query_string: bytes = b"",
    request_headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    chunks: int = 1,
) -> tuple[int, dict[bytes, list[bytes]], bytes]:
    """One request into the app; returns status, headers and the whole body as sent."""
    size = max(1, -(-len(body) // chunks))
    parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    incoming: list[Message] = [
        {"type": "http.request", "body": part, "more_body": index < len(parts) - 1}
        for index, part in enumerate(parts)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        if incoming:
            return incoming.pop(0)
        # Past the body, the only thing left to hear is the client going away.
        await asyncio.sleep(0)
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": raw_path if raw_path is not None else path.encode("utf-8"),
        "query_string": query_string,
        "root_path": "",
        "headers": request_headers if request_headers is not None else [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    asyncio.run(APP(scope, receive, send))
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert len(starts) == 1, sent
    response_headers: dict[bytes, list[bytes]] = {}
    for name, value in starts[0]["headers"]:
        response_headers.setdefault(bytes(name).lower(), []).append(bytes(value))
    body_out = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return starts[0]["status"], response_headers, body_out


def decoded(response_headers: dict[bytes, list[bytes]], body: bytes) -> bytes:
    coding = response_headers.get(b"content-encoding", [b"identity"])[0]
    if not body:  # HEAD and 304: the coding is named, but there are no bytes
        return body
    if coding == b"br":
        return bytes(brotli.decompress(body))
    if coding == b"gzip":
        return gzip.decompress(body)
    return body


def check_harmless(status: int, response_headers: dict[bytes, list[bytes]], body: bytes) -> None:
    # (A HEAD answer may carry a body here: the server, not the app, drops it, RFC 9110 §9.3.2.)
    assert 100 <= status < 500, status
    for name in SECURITY:
        assert len(response_headers.get(name.encode(), [])) == 1, name
    for values in response_headers.values():
        for value in values:
            assert b"\r" not in value and b"\n" not in value, value  # noqa: PT018
            assert MARKER.encode() not in value
    assert body in KNOWN_BODIES, body[:200]
    assert MARKER.encode() not in decoded(response_headers, body)
    for location in response_headers.get(b"location", []):
        text = location.decode("ascii")
        # Relative to this site: no scheme, no host, not protocol-relative, no backslash.
        assert not text.startswith(("//", "/\\")), text
        assert ":" not in text.split("/", 1)[0], text
        assert "\\" not in text, text
    for cookie in response_headers.get(b"set-cookie", []):
        assert cookie.split(b"=", 1)[0] == b"font_size", cookie


# Properties ------------------------------------------------------------------------------------


@BOUNDED
@given(method=methods, path=paths, request_headers=headers)
def test_any_path_method_and_headers(
    method: str, path: str, request_headers: list[tuple[bytes, bytes]]
) -> None:
    status, response_headers, body = call(
        method, path, request_headers=[(b"host", b"testserver"), *request_headers]
    )
    check_harmless(status, response_headers, body)


@BOUNDED
@given(raw_path=st.binary(max_size=300), query_string=st.binary(max_size=300), method=methods)
def test_raw_bytes_no_client_would_send(raw_path: bytes, query_string: bytes, method: str) -> None:
    """Non-UTF-8 and control bytes in the path, as a server decodes them (with replacement)."""
    path = "/" + unquote(raw_path.decode("latin-1"), errors="replace")
    status, response_headers, body = call(
        method, path, raw_path=b"/" + raw_path, query_string=query_string
    )
    check_harmless(status, response_headers, body)


@BOUNDED
@given(path=st.sampled_from([*PAGES, "/no-such-page/", "/text-only/x"]), cookie=cookies)
def test_any_cookie_gets_a_page_in_some_preference(path: str, cookie: bytes) -> None:
    status, response_headers, body = call(
        "GET", path, request_headers=[(b"host", b"testserver"), (b"cookie", cookie)]
    )
    check_harmless(status, response_headers, body)
    assert status in (200, 404)


@BOUNDED
@given(
    request_headers=headers,
    body=bodies,
    chunks=chunk_counts,
    content_type=st.sampled_from([FORM_TYPE, FORM_TYPE + b"; charset=utf-8", b"", b"text/plain"]),
    declared_length=st.one_of(
        st.none(),
        st.just(b"true"),
        st.sampled_from([b"\xb2", b"\xb9", b"-1", b" 5", b"1e3", b"0x10", b"", b"99" * 20]),
    ),
)
def test_any_form_post(
    request_headers: list[tuple[bytes, bytes]],
    body: bytes,
    chunks: int,
    content_type: bytes,
    declared_length: bytes | None,
) -> None:
    own = [(b"host", b"testserver")]
    if content_type:
        own.append((b"content-type", content_type))
    if declared_length is not None:
        true_length = str(len(body)).encode()
        own.append(
            (b"content-length", true_length if declared_length == b"true" else declared_length)
        )
    status, response_headers, out = call(
        "POST", "/preferences", request_headers=[*own, *request_headers], body=body, chunks=chunks
    )
    check_harmless(status, response_headers, out)
    assert status in (303, 400, 403, 413, 415)
    if status != 303:
        assert b"set-cookie" not in response_headers


@BOUNDED
@given(host=hosts, path=paths, method=methods)
def test_any_host_header(host: bytes, path: str, method: str) -> None:
    status, response_headers, body = call(method, path, request_headers=[(b"host", host)])
    check_harmless(status, response_headers, body)


def test_traversal_never_reaches_a_file_outside_the_site() -> None:
    for place in ("/", "/static/", "/static/full.css/", "/text-only/"):
        for traversal in TRAVERSALS:
            for target in ("etc/passwd", "pyproject.toml", "src/plain_pcc/app.py", ""):
                path = place + traversal + target
                status, response_headers, body = call("GET", path)
                check_harmless(status, response_headers, body)
                served = path in CATALOGUE.pages or path in CATALOGUE.files
                assert status == (200 if served else 308 if path + "/" in PAGES else 404), path
