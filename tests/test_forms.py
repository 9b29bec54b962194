"""The preferences form: the cookie it sets, the requests it refuses, where it sends the visitor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from plain_pcc.app import create_app
from plain_pcc.forms import BODY_LIMIT, MAX_FIELDS
from plain_pcc.preferences import COOKIE_MAX_AGE, PREFERENCES, Preference
from plain_pcc.settings import Settings

from .conftest import CheckedClient, raw_request

FORM = {"content-type": "application/x-www-form-urlencoded"}
HTTPS = "https://www.essex.pcc.police.uk"


def set_cookies(response) -> list[str]:  # type: ignore[no-untyped-def]
    return response.headers.get_list("set-cookie")


def attributes(header: str) -> dict[str, str]:
    """A Set-Cookie header's attributes, names lower-cased (``HttpOnly`` maps to "")."""
    parts = [part.strip() for part in header.split(";")]
    pairs = (part.partition("=") for part in parts[1:])
    return {name.lower(): value for name, _, value in pairs}


def post(client: CheckedClient, body: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/preferences", content=body, headers={**FORM, **headers})


@pytest.fixture(scope="module")
def https_app(make_settings: Callable[..., Settings]) -> Starlette:
    return create_app(make_settings(base_url=HTTPS, allowed_hosts=(HTTPS.split("//")[1],)))


@pytest.fixture
def https_client(https_app: Starlette) -> Iterator[CheckedClient]:
    with CheckedClient(https_app, base_url=HTTPS, follow_redirects=False) as client:
        yield client


# The cookie --------------------------------------------------------------------------------


def test_choice_sets_a_cookie_with_every_attribute(client: CheckedClient) -> None:
    response = post(client, "font_size=large&return_to=/cookies/")
    assert response.status_code == 303
    [header] = set_cookies(response)
    cookie = SimpleCookie(header)
    assert cookie["font_size"].value == "large"
    assert attributes(header) == {
        "httponly": "",
        "max-age": str(COOKIE_MAX_AGE),
        "path": "/",
        "samesite": "lax",
    }
    assert COOKIE_MAX_AGE == 365 * 24 * 60 * 60


def test_cookie_is_secure_only_when_the_site_is_https(https_client: CheckedClient) -> None:
    response = post(https_client, "font_size=extra-large&return_to=/")
    assert response.status_code == 303
    [header] = set_cookies(response)
    assert "secure" in attributes(header)
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_cookie_is_not_secure_over_http(client: CheckedClient) -> None:
    [header] = set_cookies(post(client, "font_size=large"))
    assert "secure" not in attributes(header)


def test_choosing_normal_clears_the_cookie(client: CheckedClient) -> None:
    client.cookies.set("font_size", "large")
    response = post(client, "font_size=normal&return_to=/")
    [header] = set_cookies(response)
    assert header.startswith("font_size=")
    assert SimpleCookie(header)["font_size"].value in ("", '""')
    assert attributes(header)["max-age"] == "0"
    assert attributes(header)["path"] == "/"


def test_choosing_normal_without_a_cookie_sets_none(client: CheckedClient) -> None:
    response = post(client, "font_size=normal&return_to=/")
    assert response.status_code == 303
    assert set_cookies(response) == []


def test_no_cookie_until_one_is_chosen(client: CheckedClient) -> None:
    for path in ("/", "/text-only/", "/cookies/", "/nowhere/", "/sitemap.xml"):
        assert set_cookies(client.get(path)) == [], path
    assert set_cookies(post(client, "return_to=/cookies/")) == []


def test_chosen_size_is_shown_on_the_next_page(client: CheckedClient) -> None:
    response = post(client, "font_size=extra-large&return_to=/cookies/")
    client.cookies.set("font_size", SimpleCookie(set_cookies(response)[0])["font_size"].value)
    page = client.get(response.headers["location"])
    assert 'class="font-size-extra-large ' in page.text


@pytest.mark.parametrize("path", ["/cookies/", "/text-only/cookies/", "/", "/text-only/"])
def test_redirects_back_to_the_same_page_in_the_same_mode(client: CheckedClient, path: str) -> None:
    response = post(client, f"font_size=large&return_to={path}")
    assert response.status_code == 303
    # At the form that was used: its id is the fragment.
    assert response.headers["location"] == path + "#preference-font-size"
    assert response.headers["cache-control"] == "no-store"
    assert response.content == b""


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("colour_scheme", "dark"),
        ("colour_scheme", "high-contrast"),
        ("spacing", "wide"),
        ("typeface", "hyperlegible"),
    ],
)
def test_each_preference_sets_its_own_cookie_and_returns_to_its_form(
    client: CheckedClient, name: str, value: str
) -> None:
    response = post(client, f"{name}={value}&return_to=/text-only/cookies/")
    assert response.status_code == 303
    anchor = "preference-" + name.replace("_", "-")
    assert response.headers["location"] == f"/text-only/cookies/#{anchor}"
    [header] = set_cookies(response)
    assert SimpleCookie(header)[name].value == value
    assert attributes(header) == {
        "httponly": "",
        "max-age": str(COOKIE_MAX_AGE),
        "path": "/",
        "samesite": "lax",
    }
    client.cookies.set(name, value)
    page = BeautifulSoup(client.get("/text-only/cookies/").text, "html5lib")
    assert f"{name.replace('_', '-')}-{value}" in page.html["class"]
    form = page.find("form", id=anchor)
    assert form.select_one("input[checked]")["value"] == value
    assert form.select_one('[role="status"]').get_text(" ", strip=True).startswith("Now set:")


@pytest.mark.parametrize("preference", PREFERENCES[1:], ids=lambda p: p.name)
def test_an_unknown_value_of_a_new_preference_is_ignored(
    client: CheckedClient, preference: Preference
) -> None:
    client.cookies.set(preference.name, "sepia")
    response = post(client, f"{preference.name}=sepia&return_to=/")
    assert response.status_code == 303
    assert set_cookies(response) == []
    page = BeautifulSoup(client.get("/").text, "html5lib")
    assert f"{preference.slug}-{preference.default.value}" in page.html["class"]


def test_reset_deletes_every_cookie_the_site_set(client: CheckedClient) -> None:
    chosen = {
        "font_size": "large",
        "colour_scheme": "dark",
        "spacing": "wide",
        "typeface": "hyperlegible",
    }
    client.cookies.update(chosen)
    page = BeautifulSoup(client.get("/cookies/").text, "html5lib")
    reset = page.select_one('main form[action="/preferences"]')
    body = urlencode([(field["name"], field["value"]) for field in reset.select("input")])
    response = post(client, body)
    assert response.status_code == 303
    assert response.headers["location"] == "/cookies/"
    deleted = {
        SimpleCookie(header).popitem()[0]: attributes(header) for header in set_cookies(response)
    }
    assert set(deleted) == set(chosen)
    for attrs in deleted.values():
        assert attrs["max-age"] == "0"
        assert attrs["path"] == "/"


# Refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "http://testserver.evil.example"},
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"sec-fetch-site": "cross-site", "origin": "http://testserver"},
        {"origin": "http://[::1"},
    ],
    ids=[
        "origin",
        "opaque-origin",
        "lookalike-origin",
        "cross-site",
        "same-site",
        "both",
        "malformed-origin",
    ],
)
def test_cross_site_post_is_refused_and_changes_nothing(
    client: CheckedClient, headers: dict[str, str]
) -> None:
    client.cookies.set("font_size", "large")
    response = post(client, "font_size=normal&return_to=/", **headers)
    assert response.status_code == 403
    assert set_cookies(response) == []
    assert "location" not in response.headers
    assert "<h1>This request was refused</h1>" in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://testserver"},
        {"sec-fetch-site": "same-origin", "origin": "http://testserver"},
        {"sec-fetch-site": "none"},
        {},
    ],
    ids=["origin", "fetch-metadata", "typed-by-user", "no-browser-headers"],
)
def test_same_origin_post_is_accepted(client: CheckedClient, headers: dict[str, str]) -> None:
    response = post(client, "font_size=large&return_to=/", **headers)
    assert response.status_code == 303
    assert len(set_cookies(response)) == 1


def test_origin_of_the_configured_base_url_is_accepted(https_client: CheckedClient) -> None:
    response = post(https_client, "font_size=large", origin=HTTPS)
    assert response.status_code == 303


def test_body_over_the_limit_is_refused(client: CheckedClient) -> None:
    body = "font_size=large&return_to=/&padding=" + "x" * BODY_LIMIT
    response = post(client, body)
    assert response.status_code == 413
    assert set_cookies(response) == []


def test_chunked_body_over_the_limit_is_refused(client: CheckedClient) -> None:
    """No Content-Length to trust: the body is counted as it arrives."""

    def chunks() -> Iterator[bytes]:
        yield b"font_size=large&padding="
        for _ in range(10):
            yield b"x" * 512

    response = client.post("/preferences", content=chunks(), headers=FORM)
    assert response.status_code == 413
    assert set_cookies(response) == []


@pytest.mark.parametrize(
    "length", ["-1", "abc", "99999999999999999999", "1e3", "\xb2", "1 0", "+5", "0x10"]
)
def test_nonsense_content_length_is_refused(app: Starlette, length: str) -> None:
    """Sent through the raw ASGI interface: an HTTP client would not send such a header."""
    sent = raw_request(
        app,
        "/preferences",
        [
            (b"host", b"testserver"),
            (b"content-type", FORM["content-type"].encode()),
            (b"content-length", length.encode("latin-1")),
        ],
        method="POST",
        incoming=[{"type": "http.request", "body": b"font_size=large", "more_body": False}],
    )
    assert sent[0]["status"] == 413


def test_client_that_leaves_mid_body_gets_400_not_an_error(app: Starlette) -> None:
    """ClientDisconnect is the visitor's doing: answered (to no one) as 400, never a 500."""
    sent = raw_request(
        app,
        "/preferences",
        [
            (b"host", b"testserver"),
            (b"content-type", FORM["content-type"].encode()),
            (b"content-length", b"40"),
        ],
        method="POST",
        incoming=[
            {"type": "http.request", "body": b"font_size=la", "more_body": True},
            {"type": "http.disconnect"},
        ],
    )
    assert sent[0]["status"] == 400
    assert not any(name == b"set-cookie" for name, _ in sent[0]["headers"])


def test_too_many_fields_are_refused(client: CheckedClient) -> None:
    body = "&".join(f"f{index}=1" for index in range(MAX_FIELDS + 1))
    assert post(client, body).status_code == 413


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/x-www-form-urlencoded-evil",
    ],
)
def test_anything_but_a_form_is_refused(client: CheckedClient, content_type: str | None) -> None:
    headers = {} if content_type is None else {"content-type": content_type}
    response = client.post("/preferences", content=b"font_size=large", headers=headers)
    assert response.status_code == 415
    assert set_cookies(response) == []


def test_form_type_with_charset_is_accepted(client: CheckedClient) -> None:
    headers = {"content-type": "Application/X-WWW-Form-Urlencoded; charset=UTF-8"}
    response = client.post("/preferences", content=b"font_size=large", headers=headers)
    assert response.status_code == 303


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_other_methods_get_405_with_allow(client: CheckedClient, method: str) -> None:
    response = client.request(method, "/preferences")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


# Fields and values ------------------------------------------------------------------------


def test_unknown_fields_are_ignored(client: CheckedClient) -> None:
    body = "colour=red&font_size=large&return_to=/&__proto__=x&font_size2=huge"
    response = post(client, body)
    assert response.status_code == 303
    [header] = set_cookies(response)
    assert header.startswith("font_size=large;")


@pytest.mark.parametrize(
    "value", ["huge", "", "LARGE", "large ", "large;Path=/evil", "large%0d%0aSet-Cookie:x=1"]
)
def test_unknown_value_keeps_the_current_choice(client: CheckedClient, value: str) -> None:
    client.cookies.set("font_size", "large")
    response = post(client, f"font_size={value}&return_to=/")
    assert response.status_code == 303
    assert set_cookies(response) == []


def test_body_that_is_not_utf8_is_harmless(client: CheckedClient) -> None:
    response = client.post(
        "/preferences", content=b"font_size=\xff\xfe&return_to=/\xc0\xaf", headers=FORM
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/#preference-font-size"
    assert set_cookies(response) == []


# The return address -------------------------------------------------------------------------

RETURN_ADDRESSES = [
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("https://evil.example", "/"),
    ("https://evil.example/cookies/", "/"),
    ("http:/evil.example", "/"),
    ("/%0d%0aSet-Cookie:x=1", "/"),
    ("/\r\nSet-Cookie: x=1", "/"),
    ("/cookies/\x00", "/"),
    ("/\tevil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("JaVaScRiPt:alert(1)", "/"),
    ("data:text/html,<script>alert(1)</script>", "/"),
    ("", "/"),
    (None, "/"),
    ("/" + "a" * 2000, "/"),
    ("/cookies/" + "/" * 600, "/"),
    ("/cookies/?next=//evil.example", "/"),
    ("/cookies/#x", "/"),
    ("/cookies/", "/cookies/"),
    ("/text-only/cookies/", "/text-only/cookies/"),
    (
        "/text-only/finance-reporting/publications/hmic-reports/",
        "/text-only/finance-reporting/publications/hmic-reports/",
    ),
    ("/cookies", "/"),
    ("/no-such-page/", "/"),
    ("/text-only/no-such-page/", "/"),
    ("/../cookies/", "/"),
    ("/static/../../etc/passwd", "/"),
]


@pytest.mark.parametrize(
    ("given", "expected"),
    RETURN_ADDRESSES,
    ids=[repr(given)[:40] for given, _ in RETURN_ADDRESSES],
)
def test_return_address_stays_on_a_page_of_the_site(
    client: CheckedClient, given: str | None, expected: str
) -> None:
    fields = {"font_size": "large"}
    if given is not None:
        fields["return_to"] = given
    response = post(client, urlencode(fields))
    assert response.status_code == 303
    assert response.headers["location"] == expected + "#preference-font-size"
    assert len(set_cookies(response)) == 1


def test_return_address_field_given_twice_takes_neither_off_site(client: CheckedClient) -> None:
    response = post(client, "return_to=/cookies/&return_to=//evil.example")
    assert response.headers["location"] in ("/", "/cookies/")
