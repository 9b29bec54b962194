"""HTTP semantics of what the site serves (RFC 9110/9111): validators, conditional requests,
HEAD, caching headers and content-coding negotiation, through the app and unit by unit."""

from __future__ import annotations

import gzip
import hashlib

import brotli
import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from plain_pcc import representations
from plain_pcc.app import create_app
from plain_pcc.preferences import selections
from plain_pcc.representations import Representation, negotiate
from plain_pcc.settings import Settings

from .conftest import CONTENT, CheckedClient

IMMUTABLE = "public, max-age=31536000, immutable"
CODINGS = ("br", "gzip", "identity")


@pytest.fixture(scope="module")
def reports(app: Starlette) -> str:
    """The address of the newest reports page: the heaviest page of the site."""
    return str(app.state.site.years[0].path)


@pytest.fixture(scope="module")
def stylesheet(app: Starlette) -> str:
    return str(app.state.catalogue.static_urls["full.css"])


def fetch(client: CheckedClient, path: str, method: str = "GET", **headers: str) -> httpx.Response:
    # Every request names its Accept-Encoding: httpx would otherwise send its own default.
    headers.setdefault("accept-encoding", "identity")
    return client.request(method, path, headers=headers)


def raw_body(client: CheckedClient, path: str, **headers: str) -> tuple[dict[str, str], bytes]:
    """The body as sent on the wire, before the client undoes its content coding."""
    with client.stream("GET", path, headers=headers) as response:
        return dict(response.headers), b"".join(response.iter_raw())


# Validators ---------------------------------------------------------------------------------


def test_etag_differs_for_every_preference_and_coding(client: CheckedClient, reports: str) -> None:
    tags = set()
    for selection in selections():
        cookie = "; ".join(f"{p.name}={c.value}" for p, c in selection.pairs())
        for coding in CODINGS:
            response = fetch(client, reports, cookie=cookie, **{"accept-encoding": coding})
            assert response.status_code == 200
            assert response.headers.get("content-encoding", "identity") == coding
            tags.add(response.headers["etag"])
    assert len(tags) == len(selections()) * len(CODINGS)


def test_etag_is_strong_and_quoted(client: CheckedClient, reports: str) -> None:
    etag = fetch(client, reports).headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')
    assert not etag.startswith("W/")


def test_etag_differs_between_modes(client: CheckedClient, reports: str) -> None:
    full = fetch(client, reports).headers["etag"]
    text = fetch(client, "/text-only" + reports).headers["etag"]
    assert full != text


def test_unknown_cookie_value_gets_the_default_variant(client: CheckedClient, reports: str) -> None:
    default = fetch(client, reports).headers["etag"]
    assert fetch(client, reports, cookie="font_size=enormous").headers["etag"] == default
    assert fetch(client, reports, cookie="other=1; font_size=").headers["etag"] == default


def test_font_size_cookie_selects_its_variant(client: CheckedClient, reports: str) -> None:
    response = fetch(client, reports, cookie="theme=dark; font_size=large")
    assert 'class="font-size-large ' in response.text
    assert response.headers["etag"] != fetch(client, reports).headers["etag"]


# Conditional requests -----------------------------------------------------------------------


@pytest.fixture
def tagged(client: CheckedClient, reports: str) -> str:
    return fetch(client, reports).headers["etag"]


@pytest.mark.parametrize(
    "template",
    ["{tag}", "W/{tag}", '"nope", {tag}', '"a",W/{tag} , "b"', "*"],
    ids=["exact", "weak", "list", "weak-in-list", "star"],
)
def test_if_none_match_answers_304(
    client: CheckedClient, reports: str, tagged: str, template: str
) -> None:
    response = fetch(client, reports, **{"if-none-match": template.format(tag=tagged)})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == tagged
    # RFC 9110 §15.4.5: a 304 carries the validators and caching headers a 200 would.
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["vary"] == "Cookie, Accept-Encoding"
    assert "content-type" not in response.headers


@pytest.mark.parametrize(
    "value",
    ['"0123456789abcdef"', 'W/"0123456789abcdef"', '""', "garbage", ""],
    ids=["other-strong", "other-weak", "empty-tag", "malformed", "empty"],
)
def test_if_none_match_not_matching_answers_200(
    client: CheckedClient, reports: str, value: str
) -> None:
    response = fetch(client, reports, **{"if-none-match": value})
    assert response.status_code == 200
    assert response.content


def test_tag_of_another_coding_does_not_match(client: CheckedClient, reports: str) -> None:
    gzip_tag = fetch(client, reports, **{"accept-encoding": "gzip"}).headers["etag"]
    response = fetch(client, reports, **{"if-none-match": gzip_tag})
    assert response.status_code == 200


def test_tag_of_another_preference_does_not_match(
    client: CheckedClient, reports: str, tagged: str
) -> None:
    response = fetch(client, reports, cookie="font_size=large", **{"if-none-match": tagged})
    assert response.status_code == 200
    assert 'class="font-size-large ' in response.text


def test_if_none_match_on_head_answers_304(
    client: CheckedClient, reports: str, tagged: str
) -> None:
    assert fetch(client, reports, "HEAD", **{"if-none-match": tagged}).status_code == 304


def test_error_page_ignores_if_none_match(client: CheckedClient) -> None:
    """A validator only ever stands for a 200: a 404 stays a 404 whatever the request says."""
    response = fetch(client, "/no-such-page/", **{"if-none-match": "*"})
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"


def test_static_file_revalidates(client: CheckedClient, stylesheet: str) -> None:
    etag = fetch(client, stylesheet).headers["etag"]
    response = fetch(client, stylesheet, **{"if-none-match": etag})
    assert response.status_code == 304
    assert response.headers["cache-control"] == IMMUTABLE


# HEAD ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("coding", CODINGS)
def test_head_has_the_headers_of_get_and_no_body(
    client: CheckedClient, reports: str, coding: str
) -> None:
    get = fetch(client, reports, **{"accept-encoding": coding})
    head = fetch(client, reports, "HEAD", **{"accept-encoding": coding})
    assert head.status_code == 200
    assert head.content == b""
    assert dict(head.headers) == dict(get.headers)


def test_head_of_static_file(client: CheckedClient, stylesheet: str) -> None:
    get = fetch(client, stylesheet)
    head = fetch(client, stylesheet, "HEAD")
    assert head.content == b""
    assert dict(head.headers) == dict(get.headers)
    assert int(head.headers["content-length"]) == len(get.content)


# Caching headers ----------------------------------------------------------------------------


def test_every_page_revalidates_and_varies_on_cookie_and_coding(
    client: CheckedClient, app: Starlette
) -> None:
    for path in app.state.catalogue.pages:
        response = fetch(client, path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-cache", path
        assert response.headers["vary"] == "Cookie, Accept-Encoding", path


def test_static_files_are_immutable_under_hashed_names(
    client: CheckedClient, app: Starlette
) -> None:
    urls = app.state.catalogue.static_urls
    assert urls, "the site has static files"
    for name, url in urls.items():
        response = fetch(client, url)
        assert response.status_code == 200, url
        assert response.headers["cache-control"] == IMMUTABLE, url
        if suffix_of(name) == "woff2":
            # A font is Brotli inside already: one body for everyone, so nothing varies.
            assert "vary" not in response.headers, url
            assert "content-encoding" not in response.headers, url
        else:
            assert response.headers["vary"] == "Accept-Encoding", url
        stem, suffix = name.rsplit(".", 1)
        digest = hashlib.sha256(response.content).hexdigest()[:12]
        assert url == f"/static/{stem}.{digest}.{suffix}"


def suffix_of(name: str) -> str:
    return name.rsplit(".", 1)[1]


def test_unhashed_static_name_is_not_served(client: CheckedClient) -> None:
    assert fetch(client, "/static/full.css").status_code == 404


# Content coding -----------------------------------------------------------------------------


def test_no_accept_encoding_gets_identity(client: CheckedClient, reports: str) -> None:
    del client.headers["accept-encoding"]
    headers, body = raw_body(client, reports)
    assert "content-encoding" not in headers
    assert body.startswith(b"<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("", "identity"),
        ("gzip, deflate, br, zstd", "br"),
        ("gzip, br", "br"),
        ("gzip", "gzip"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("br;q=0, gzip;q=0", "identity"),
        ("deflate", "identity"),
        ("zstd, identity;q=0.5, gzip;q=0.2", "identity"),
        ("*", "br"),
        ("*;q=0.1, gzip", "gzip"),
        ("*;q=0, identity", "identity"),
        ("identity;q=0, *", "br"),
        ("GZIP", "gzip"),
    ],
)
def test_coding_is_negotiated(
    client: CheckedClient, reports: str, accept: str, coding: str
) -> None:
    response = fetch(client, reports, **{"accept-encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("content-encoding", "identity") == coding
    assert 'class="font-size-normal ' in response.text


@pytest.mark.parametrize("accept", ["identity;q=0", "*;q=0", "br;q=0, gzip;q=0, identity;q=0"])
def test_nothing_acceptable_answers_406(client: CheckedClient, reports: str, accept: str) -> None:
    response = fetch(client, reports, **{"accept-encoding": accept})
    assert response.status_code == 406
    assert "content-encoding" not in response.headers
    assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_compressed_bodies_decode_to_the_identity_body(
    client: CheckedClient, app: Starlette, coding: str
) -> None:
    decode = brotli.decompress if coding == "br" else gzip.decompress
    catalogue = app.state.catalogue
    # Not the fonts: woff2 is Brotli inside, so they are sent as they are.
    static = [url for url in catalogue.static_urls.values() if not url.endswith(".woff2")]
    paths = [*catalogue.pages, *static, "/sitemap.xml"]
    for path in paths:
        _, identity = raw_body(client, path, **{"accept-encoding": "identity"})
        headers, encoded = raw_body(client, path, **{"accept-encoding": coding})
        assert headers["content-encoding"] == coding, path
        assert int(headers["content-length"]) == len(encoded), path
        assert len(encoded) < len(identity), path
        assert decode(encoded) == identity, path


def test_coding_not_worth_having_falls_back_to_identity(client: CheckedClient) -> None:
    """robots.txt is too small to shrink, so it is kept only as it is."""
    response = fetch(client, "/robots.txt", **{"accept-encoding": "br, gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def test_compression_is_done_once_at_start_up(app: Starlette, reports: str) -> None:
    for representation in app.state.catalogue.pages[reports].values():
        assert set(representation.encodings) == set(CODINGS)


# Representation and negotiate, unit by unit ---------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "ranked"),
    [
        (b"", ("identity",)),
        (b"br", ("br", "identity")),
        (b"gzip, br", ("br", "gzip", "identity")),
        # Identity, unnamed, is acceptable at full quality (RFC 9110 §12.5.3).
        (b"gzip;q=1.0, br;q=0.5", ("gzip", "identity", "br")),
        (b"br;q=0.5, identity;q=0.8", ("identity", "br")),
        (b"br;q=0", ("identity",)),
        (b"gzip, br;q=0", ("gzip", "identity")),
        (b"identity;q=0", ()),
        (b"*;q=0", ()),
        (b"*;q=0, identity", ("identity",)),
        (b"*", ("br", "gzip", "identity")),
        (b"*;q=0.5, br", ("br", "gzip", "identity")),
        (b"*;q=0.5, identity;q=0", ("br", "gzip")),
        (b"deflate, zstd", ("identity",)),
        (b"BR, Gzip", ("br", "gzip", "identity")),
        (b"br;q=0.001", ("identity", "br")),
    ],
)
def test_negotiate_ranks_codings(accept: bytes, ranked: tuple[str, ...]) -> None:
    assert negotiate(accept) == ranked
    # The remembered answer is the same one.
    assert negotiate(accept) == ranked


def test_negotiate_remembers_a_bounded_number_of_answers() -> None:
    for number in range(representations._NEGOTIATED_MAX * 2):
        negotiate(f"x-coding-{number}".encode())
        assert negotiate.cache_info().currsize <= representations._NEGOTIATED_MAX
    assert negotiate(b"gzip") == ("gzip", "identity")


def test_representation_keeps_codings_that_save_bytes() -> None:
    body = b"<p>" + b"accessible " * 200 + b"</p>"
    representation = Representation(body, "text/html; charset=utf-8")
    assert set(representation.encodings) == set(CODINGS)
    assert brotli.decompress(representation.encodings["br"].body) == body
    assert gzip.decompress(representation.encodings["gzip"].body) == body
    tags = {encoded.etag for encoded in representation.encodings.values()}
    assert len(tags) == len(CODINGS)


def test_gzip_body_is_reproducible() -> None:
    """gzip's header carries no time stamp, so the same content keeps the same ETag."""
    body = b"same " * 100
    first = Representation(body, "text/plain").encodings["gzip"]
    second = Representation(body, "text/plain").encodings["gzip"]
    assert first.body == second.body
    assert first.etag == second.etag


def test_representation_without_compression() -> None:
    representation = Representation(b"ok\n" * 100, "text/plain", compress=False)
    assert set(representation.encodings) == {"identity"}


# HTTP semantics over every route the app has -----------------------------------------------

CODINGS_ASKED = ("identity", "gzip", "br")
COOKIES = (None, "font_size=large")


def _routes(app: Starlette) -> list[tuple[str, str, dict[str, str]]]:
    """Every kind of answer: each page, file and redirect, an unknown address, a page asked with
    the wrong method, the form (both ways) and a refused host."""
    catalogue = app.state.catalogue
    form = {"content-type": "application/x-www-form-urlencoded"}
    return [
        *(("GET", path, {}) for path in sorted(catalogue.pages)),
        *(("GET", path, {}) for path in sorted(catalogue.files)),
        *(("GET", path, {}) for path in sorted(catalogue.redirects)),
        ("GET", "/no-such-page/", {}),
        ("GET", "/text-only/no-such-page/", {}),
        ("POST", "/cookies/", {}),
        ("GET", "/preferences", {}),
        ("POST", "/preferences", form),
        ("GET", "/cookies/", {"host": "attacker.example"}),
    ]


ROUTES = _routes(create_app(Settings(content_dir=CONTENT, access_log=False)))


def _ask(
    client: CheckedClient,
    method: str,
    path: str,
    headers: dict[str, str],
    coding: str,
    cookie: str | None,
) -> tuple[int, dict[str, str], bytes]:
    headers = {**headers, "accept-encoding": coding}
    if cookie is not None:
        headers["cookie"] = cookie
    content = "font_size=large&return_to=/cookies/" if method == "POST" else None
    with client.stream(method, path, headers=headers, content=content) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


@pytest.mark.parametrize(
    ("method", "path", "headers"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_every_answer_says_what_it_varies_on(
    client: CheckedClient, method: str, path: str, headers: dict[str, str]
) -> None:
    """Vary names Accept-Encoding whenever the coding asked for changes the bytes sent, and
    Cookie whenever the preference cookie does (RFC 9110 §12.5.5): a shared cache must never
    hand one visitor's variant to another."""
    answers = {
        (coding, cookie): _ask(client, method, path, headers, coding, cookie)
        for coding in CODINGS_ASKED
        for cookie in COOKIES
    }
    vary = {
        name.strip().lower()
        for _status, sent, _body in answers.values()
        for name in sent.get("vary", "").split(",")
        if name.strip()
    }
    by_coding = any(
        answers[(coding, cookie)][::2] != answers[("identity", cookie)][::2]
        for coding in CODINGS_ASKED
        for cookie in COOKIES
    )
    by_cookie = any(
        answers[(coding, "font_size=large")][::2] != answers[(coding, None)][::2]
        for coding in CODINGS_ASKED
    )
    assert by_coding <= ("accept-encoding" in vary), path
    assert by_cookie <= ("cookie" in vary), path
    # Every answer to the same request says the same Vary, whichever variant it is.
    assert len({sent.get("vary") for _status, sent, _body in answers.values()}) == 1, path
    # Each variant that can be revalidated has its own tag: the same tag is never two bodies.
    tags: dict[str, bytes] = {}
    for status, sent, body in answers.values():
        if status == 200 and "etag" in sent:
            assert tags.setdefault(sent["etag"], body) == body, path


GETTABLE = [(m, p, h) for m, p, h in ROUTES if m == "GET"]


@pytest.mark.parametrize(("method", "path", "headers"), GETTABLE, ids=[p for _m, p, _h in GETTABLE])
def test_every_answer_revalidates_and_has_a_head(
    client: CheckedClient, method: str, path: str, headers: dict[str, str]
) -> None:
    """A 200 with a tag answers 304 to it, with the same tag and Vary; HEAD has GET's headers
    and no body; nothing else pretends to be revalidated."""
    for coding in CODINGS_ASKED:
        status, sent, body = _ask(client, "GET", path, headers, coding, "font_size=large")
        head = client.request(
            "HEAD",
            path,
            headers={**headers, "accept-encoding": coding, "cookie": "font_size=large"},
        )
        assert head.status_code == status, path
        assert head.content == b"", path
        assert {k: v for k, v in head.headers.items() if k != "date"} == {
            k: v for k, v in sent.items() if k != "date"
        }, path
        if "etag" not in sent:
            continue
        again = client.get(
            path,
            headers={
                **headers,
                "accept-encoding": coding,
                "cookie": "font_size=large",
                "if-none-match": sent["etag"],
            },
        )
        if status == 200:
            assert again.status_code == 304, path
            assert again.headers["etag"] == sent["etag"], path
            assert again.headers.get("vary") == sent.get("vary"), path
            assert again.content == b"", path
        else:
            assert again.status_code == status, path
