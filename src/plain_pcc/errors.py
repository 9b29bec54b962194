"""Error answers made per request: a pre-rendered error page in the request's mode and the
visitor's preferences, for Starlette's own HTTP errors, the 500 page and the form's refusals."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from .catalogue import Catalogue, select


def error_response(catalogue: Catalogue, request: Request, status: int) -> Response:
    """A pre-rendered error page, in the request's mode and the visitor's preferences."""
    cookie = request.headers.get("cookie")
    representation = catalogue.error(
        # The scope's path, not request.url: building a URL decodes the query string as UTF-8,
        # which raises on bytes a scanner sends, and an error page must never fail.
        status,
        request.scope["path"],
        select(cookie.encode("latin-1") if cookie else None),
    )
    encoded = representation.encodings["identity"]
    response = Response(encoded.body, status_code=status)
    response.raw_headers = list(encoded.headers)
    return response


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 answers, shown as this site's error pages."""
    assert isinstance(exc, HTTPException)
    catalogue: Catalogue = request.app.state.catalogue
    status = exc.status_code if (exc.status_code, "full") in catalogue.errors else 400
    response = error_response(catalogue, request, status)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    """The 500 page: no trace for the visitor; the trace goes to the log (uvicorn logs it)."""
    return error_response(request.app.state.catalogue, request, 500)
