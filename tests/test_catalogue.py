"""The catalogue: each request's answer picked by path, cookie and method; its fast path."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette
from starlette.types import Receive, Scope, Send

from plain_pcc import catalogue

from .conftest import CheckedClient, raw_request

REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"


def etag(client: CheckedClient, cookie: str) -> str:
    response = client.get(REPORTS, headers={"cookie": cookie, "accept-encoding": "identity"})
    return response.headers["etag"]


@pytest.mark.parametrize(
    ("path", "mode_link"),
    [("/no-such-page/", "View text only version"), ("/text-only/no-such/", "View full website")],
)
def test_unknown_address_is_a_404_page_in_its_mode(
    client: CheckedClient, path: str, mode_link: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    page = BeautifulSoup(response.text, "html5lib")
    assert page.h1.get_text() == "Page not found"
    assert page.find("a", string=mode_link)
    assert "no-such" not in response.text


def test_post_to_a_page_is_a_405_page(client: CheckedClient) -> None:
    response = client.post(REPORTS)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert "Traceback" not in response.text


def test_page_address_without_its_slash_redirects_relatively(client: CheckedClient) -> None:
    response = client.get("/finance-reporting/publications/hmic-reports")
    assert response.status_code == 308
    assert response.headers["location"] == "hmic-reports/"


def test_cookie_memo_is_bounded_and_stays_right(client: CheckedClient) -> None:
    """Each distinct Cookie header is remembered; a flood of them only pushes the oldest out."""
    large = etag(client, "font_size=large")
    for number in range(catalogue._SELECTED_MAX + 10):
        catalogue.select(f"visit={number}; font_size=large".encode())
        assert catalogue.select.cache_info().currsize <= catalogue._SELECTED_MAX
    assert etag(client, "font_size=large") == large
    assert etag(client, "visit=1; font_size=large") == large


def test_fast_path_answers_catalogue_addresses_and_passes_the_rest(app: Starlette) -> None:
    """Pages and files never reach the router; any other address does."""
    reached: list[str] = []

    async def router(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope["path"])
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    fast = catalogue.FastPath(router, app.state.catalogue)
    page = raw_request(fast, REPORTS, [])  # type: ignore[arg-type]
    other = raw_request(fast, "/preferences", [])  # type: ignore[arg-type]
    assert page[0]["status"] == 200
    assert other[0]["status"] == 204
    assert reached == ["/preferences"]
