"""Middleware: the host check, and the fast path to the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

import pytest
from starlette.applications import Starlette

from plain_pcc import hosts
from plain_pcc.app import create_app
from plain_pcc.settings import Settings

from .conftest import CheckedClient, raw_request

REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"

PUBLIC = "https://www.essex.pcc.police.uk"


# The host check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.0.0.1:8000",
        "localhost",
        "LocalHost:8000",
        "[::1]",
        "[::1]:8000",
        "testserver",
    ],
)
def test_allowed_hosts_are_answered(client: CheckedClient, host: str) -> None:
    response = client.get("/", headers={"host": host})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example",
        "localhost@evil.example",
        "evil.example#localhost",
        "[::2]",
        "[::1",
        "[::1]evil.example",
        "[::1]:80:80",
        "localhost:80x",
        "localhost:123456",
        "127.0.0.2",
        "",
        ":8000",
        "localhost.",
        "localhost localhost",
    ],
)
def test_other_hosts_get_the_400_page(client: CheckedClient, host: str) -> None:
    response = client.get("/cookies/", headers={"host": host})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["cache-control"] == "no-store"
    assert "evil.example" not in response.text


def test_400_page_keeps_mode_and_text_size(client: CheckedClient) -> None:
    response = client.get(
        "/text-only/cookies/", headers={"host": "evil.example", "cookie": "font_size=large"}
    )
    assert response.status_code == 400
    assert "(text only)</title>" in response.text
    assert 'class="font-size-large ' in response.text


def test_refused_host_cannot_change_a_preference(client: CheckedClient) -> None:
    response = client.post(
        "/preferences",
        content="font_size=large",
        headers={"host": "evil.example", "content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize(
    "headers",
    [[], [(b"host", b"localhost\x00")], [(b"host", b"\xff\xfe")], [(b"host", b"x" * 70000)]],
    ids=["none", "nul", "not-utf8", "huge"],
)
def test_host_no_client_would_send_is_refused(
    app: Starlette, headers: list[tuple[bytes, bytes]]
) -> None:
    sent = raw_request(app, "/", headers)
    assert sent[0]["status"] == 400


def test_head_on_a_refused_host_has_no_body(app: Starlette) -> None:
    sent = raw_request(app, "/", [(b"host", b"evil.example")], method="HEAD")
    assert sent[0]["status"] == 400
    assert sent[1]["body"] == b""


def test_any_host_when_allowed_hosts_is_a_star(make_settings: Callable[..., Settings]) -> None:
    app = create_app(make_settings(allowed_hosts=("*",)))
    with CheckedClient(app) as client:
        assert client.get("/", headers={"host": "anything.example"}).status_code == 200


@pytest.fixture(scope="module")
def public_app(make_settings: Callable[..., Settings]) -> Starlette:
    """Configured for its public address, and (wrongly, on purpose) answering any Host."""
    return create_app(make_settings(base_url=PUBLIC, allowed_hosts=("*",)))


@pytest.mark.parametrize(
    "headers",
    [
        {"host": "evil.example"},
        {"host": "localhost", "x-forwarded-host": "evil.example"},
        {"host": "localhost", "forwarded": "host=evil.example;proto=http"},
    ],
    ids=["host", "x-forwarded-host", "forwarded"],
)
def test_absolute_urls_come_from_the_base_url_never_the_request(
    public_app: Starlette, headers: dict[str, str]
) -> None:
    with CheckedClient(public_app) as client:
        sitemap = client.get("/sitemap.xml", headers=headers)
        robots = client.get("/robots.txt", headers=headers)
        page = client.get("/cookies/", headers=headers)
        text_page = client.get("/text-only/cookies/", headers=headers)
    locations = [
        element.text or ""
        for element in ElementTree.fromstring(sitemap.content).iter(
            "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
        )
    ]
    assert locations
    assert all(location.startswith(PUBLIC + "/") for location in locations)
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.text
    assert f'<link rel="canonical" href="{PUBLIC}/cookies/">' in page.text
    assert f'<link rel="canonical" href="{PUBLIC}/cookies/">' in text_page.text
    for response in (sitemap, robots, page, text_page):
        assert "evil.example" not in response.text


def test_slash_redirect_is_relative_whatever_the_host(public_app: Starlette) -> None:
    with CheckedClient(public_app, follow_redirects=False) as client:
        response = client.get("/cookies", headers={"host": "evil.example"})
    assert response.status_code == 308
    assert response.headers["location"] == "cookies/"


def test_host_memo_is_bounded_and_stays_right(client: CheckedClient) -> None:
    """Each distinct Host header's verdict is remembered; made-up hosts only push the oldest
    out."""
    for number in range(hosts._KNOWN_HOSTS_MAX + 10):
        response = client.get(REPORTS, headers={"host": f"attacker-{number}.example"})
        assert response.status_code == 400
    assert client.get(REPORTS, headers={"host": "localhost:8000"}).status_code == 200
    assert client.get(REPORTS, headers={"host": "attacker-1.example"}).status_code == 400
