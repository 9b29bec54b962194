"""Error answers made per request: Starlette's HTTP errors and the 500 page, as the site's pages."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request

from plain_pcc.errors import http_exception


@pytest.mark.parametrize(
    ("raised", "shown"), [(404, 404), (405, 405), (418, 400), (429, 400)], ids=str
)
def test_starlettes_own_http_errors_become_the_sites_pages(
    app: Starlette, raised: int, shown: int
) -> None:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/text-only/x",
        "headers": [(b"cookie", b"font_size=large")],
        "app": app,
        "query_string": b"\xff",
    }
    exc = HTTPException(raised, headers={"Allow": "GET, HEAD"})
    response = asyncio.run(http_exception(Request(scope), exc))
    assert response.status_code == shown
    assert response.headers["allow"] == "GET, HEAD"
    assert response.headers["x-frame-options"] == "DENY"
    assert b"(text only)</title>" in response.body
    assert b'class="font-size-large ' in response.body
