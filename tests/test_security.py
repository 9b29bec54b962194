"""Security headers: every kind of response carries every one of them, exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from plain_pcc.app import create_app
from plain_pcc.security import same_site
from plain_pcc.settings import Settings

from .conftest import CheckedClient

HTTPS = "https://www.essex.pcc.police.uk"
FORM = {"content-type": "application/x-www-form-urlencoded"}

# Written out, not imported: the test is the second place the policy is stated.
EXPECTED = {
    "content-security-policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; "
        "form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "x-frame-options": "DENY",
}
HSTS = "max-age=63072000; includeSubDomains"
# Features a site with no script, no media and no payments must never be granted.
MUST_BE_OFF = {
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "fullscreen",
    "autoplay",
    "display-capture",
    "interest-cohort",
    "browsing-topics",
}


def _boom(request: Request) -> None:
    raise RuntimeError("secret internal detail /srv/plain-pcc/app.py")


def build(settings: Settings) -> Starlette:
    """The site, plus one route that fails, to see the 500 page's headers."""
    app = create_app(settings)
    app.router.routes[:0] = [Route("/boom", _boom), Route("/text-only/boom", _boom)]
    return app


@pytest.fixture(scope="module", params=["http", "https"])
def scheme(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def site(scheme: str, make_settings: Callable[..., Settings]) -> tuple[Starlette, str]:
    if scheme == "https":
        settings = make_settings(base_url=HTTPS, allowed_hosts=("www.essex.pcc.police.uk",))
        return build(settings), HTTPS
    return build(make_settings()), "http://testserver"


@pytest.fixture
def hardened(site: tuple[Starlette, str]) -> Iterator[CheckedClient]:
    app, base_url = site
    with CheckedClient(
        app, base_url=base_url, follow_redirects=False, raise_server_exceptions=False
    ) as client:
        yield client


def _static(client: CheckedClient) -> str:
    return str(client.app.state.catalogue.static_urls["full.css"])  # type: ignore[attr-defined]


def _not_modified(client: CheckedClient) -> httpx.Response:
    etag = client.get("/").headers["etag"]
    return client.get("/", headers={"if-none-match": etag})


RESPONSES: dict[str, tuple[int, Callable[[CheckedClient], Any]]] = {
    "page": (200, lambda c: c.get("/")),
    "page-head": (200, lambda c: c.head("/cookies/")),
    "page-gzip": (200, lambda c: c.get("/", headers={"accept-encoding": "gzip"})),
    "page-identity": (200, lambda c: c.get("/", headers={"accept-encoding": "identity"})),
    "page-large-text": (200, lambda c: c.get("/", headers={"cookie": "font_size=large"})),
    "text-only-page": (200, lambda c: c.get("/text-only/cookies/")),
    "not-modified": (304, _not_modified),
    "not-acceptable": (406, lambda c: c.get("/", headers={"accept-encoding": "identity;q=0"})),
    "not-found": (404, lambda c: c.get("/no-such-page/")),
    "not-found-text-only": (404, lambda c: c.get("/text-only/no-such-page/")),
    "method-not-allowed": (405, lambda c: c.post("/cookies/")),
    "form-get": (405, lambda c: c.get("/preferences")),
    "form-cross-site": (
        403,
        lambda c: c.post(
            "/preferences", content="font_size=large", headers={**FORM, "origin": "https://x.y"}
        ),
    ),
    "form-too-large": (
        413,
        lambda c: c.post("/preferences", content="x" * 5000, headers=FORM),
    ),
    "form-wrong-type": (415, lambda c: c.post("/preferences", json={"font_size": "large"})),
    "form-redirect": (
        303,
        lambda c: c.post("/preferences", content="font_size=large&return_to=/", headers=FORM),
    ),
    "slash-redirect": (308, lambda c: c.get("/cookies")),
    "static-file": (200, lambda c: c.get(_static(c))),
    "sitemap": (200, lambda c: c.get("/sitemap.xml")),
    "robots": (200, lambda c: c.get("/robots.txt")),
    "healthz": (200, lambda c: c.get("/healthz")),
    "bad-host": (400, lambda c: c.get("/", headers={"host": "evil.example"})),
    "server-error": (500, lambda c: c.get("/boom")),
}


@pytest.mark.parametrize("kind", list(RESPONSES))
def test_every_response_carries_every_security_header(
    hardened: CheckedClient, scheme: str, kind: str
) -> None:
    status, make = RESPONSES[kind]
    response = make(hardened)
    assert response.status_code == status
    for name, value in EXPECTED.items():
        assert response.headers.get_list(name) == [value], name
    assert len(response.headers.get_list("permissions-policy")) == 1
    if scheme == "https":
        assert response.headers.get_list("strict-transport-security") == [HSTS]
    else:
        assert "strict-transport-security" not in response.headers
    # Nothing about the software behind the site.
    assert "server" not in response.headers
    assert "x-powered-by" not in response.headers


# 304 and 406 answer for a page, and keep the page's own caching.
UNCACHED = [kind for kind, (status, _) in RESPONSES.items() if status >= 300 and status != 304]


@pytest.mark.parametrize("kind", [kind for kind in UNCACHED if kind != "not-acceptable"])
def test_errors_and_redirects_are_never_cached(hardened: CheckedClient, kind: str) -> None:
    _, make = RESPONSES[kind]
    assert make(hardened).headers["cache-control"] == "no-store"


def test_permissions_policy_turns_off_what_the_site_never_uses(client: CheckedClient) -> None:
    policy = client.get("/").headers["permissions-policy"]
    directives = dict(item.strip().split("=", 1) for item in policy.split(","))
    assert all(allow == "()" for allow in directives.values()), policy
    assert set(directives) >= MUST_BE_OFF


def test_hsts_is_two_years_and_covers_subdomains() -> None:
    """Mozilla Observatory's A+ asks for at least six months; the preload list asks for one year."""
    max_age = int(HSTS.split(";")[0].split("=")[1])
    assert max_age >= 365 * 24 * 60 * 60
    assert "includeSubDomains" in HSTS


def test_500_page_shows_no_trace(hardened: CheckedClient) -> None:
    response = hardened.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    for leak in ("Traceback", "RuntimeError", "secret internal detail", "/srv/", ".py"):
        assert leak not in response.text


def test_500_page_keeps_the_text_only_mode(hardened: CheckedClient) -> None:
    response = hardened.get("/text-only/boom")
    assert response.status_code == 500
    assert "(text only)</title>" in response.text


# same_site: the origin check on its own ------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({}, True),
        ({"sec-fetch-site": "same-origin"}, True),
        ({"sec-fetch-site": "none"}, True),
        ({"sec-fetch-site": "same-site"}, False),
        ({"sec-fetch-site": "cross-site"}, False),
        ({"sec-fetch-site": "SAME-ORIGIN"}, False),
        ({"origin": "http://127.0.0.1:8000"}, True),
        ({"origin": "http://testserver", "host": "testserver"}, True),
        ({"origin": "http://evil.example", "host": "testserver"}, False),
        ({"origin": "null", "host": "null"}, False),
        ({"origin": "null"}, False),
        ({"origin": "", "host": ""}, False),
        ({"origin": "ftp://testserver", "host": "testserver"}, False),
        ({"origin": "http://127.0.0.1:8000.evil.example"}, False),
        ({"sec-fetch-site": "same-origin", "origin": "https://evil.example"}, False),
        ({"origin": "http://[::1", "host": "[::1"}, False),
        ({"origin": "http://[evil", "host": "testserver"}, False),
    ],
)
def test_same_site(settings: Settings, headers: dict[str, str], allowed: bool) -> None:
    assert same_site(settings, headers) is allowed
