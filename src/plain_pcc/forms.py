"""The preferences form: ``POST /preferences`` sets the visitor's display choices in cookies."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect, Request
from starlette.responses import RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from . import preferences
from .catalogue import Catalogue
from .errors import error_response
from .security import same_site
from .settings import Settings

# A preferences form is a few dozen bytes; anything much larger is not one of ours.
BODY_LIMIT = 2048
MAX_FIELDS = 16
FORM_TYPE = "application/x-www-form-urlencoded"


class PreferencesForm:
    """``POST /preferences``: remember the visitor's choice in a cookie, then go back (303)."""

    def __init__(self, settings: Settings, catalogue: Catalogue) -> None:
        self.settings = settings
        self.catalogue = catalogue
        self.pages = frozenset(catalogue.pages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # An ASGI app, not a function endpoint: Starlette gives a function endpoint GET and HEAD
        # only, so a POST fell through to the catalogue's 404 and a GET never got this 405.
        try:
            response = await self.post(Request(scope, receive))
        except ClientDisconnect:
            # The visitor left (or was cut off) mid-form. Nothing went wrong here, so no trace
            # in the log: the access line says 400, the request that never arrived whole.
            response = self.error(Request(scope), 400)
        await response(scope, receive, send)

    async def post(self, request: Request) -> Response:
        if request.method != "POST":
            response = self.error(request, 405)
            response.headers["allow"] = "POST"
            return response
        if not same_site(self.settings, _first_values(request)):
            return self.error(request, 403)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != FORM_TYPE:
            return self.error(request, 415)
        body = await _read_limited(request, BODY_LIMIT)
        if body is None:
            return self.error(request, 413)
        try:
            fields = dict(
                parse_qsl(
                    body.decode("utf-8", errors="replace"),
                    keep_blank_values=True,
                    max_num_fields=MAX_FIELDS,
                )
            )
        except ValueError:
            return self.error(request, 413)

        location = preferences.safe_return_address(fields.get(preferences.RETURN_FIELD), self.pages)
        # Back to the same page, at the form the visitor used (WCAG 3.2.2: no lost place).
        location += preferences.return_fragment(fields)
        response = RedirectResponse(location, status_code=303)
        _secure(response.headers, self.catalogue)
        for preference in preferences.PREFERENCES:
            # Unknown fields are ignored; an unknown value keeps the current choice.
            choice = preference.choice(fields.get(preference.name))
            if choice is None:
                continue
            if choice == preference.default:
                # Choosing the default clears the cookie: no cookie until one is needed.
                if request.cookies.get(preference.name) is not None:
                    response.delete_cookie(
                        preference.name,
                        path="/",
                        secure=self.settings.https,
                        httponly=True,
                        samesite="lax",
                    )
            else:
                response.set_cookie(
                    preference.name,
                    choice.value,
                    max_age=preferences.COOKIE_MAX_AGE,
                    path="/",
                    secure=self.settings.https,
                    httponly=True,
                    samesite="lax",
                )
        return response

    def error(self, request: Request, status: int) -> Response:
        return error_response(self.catalogue, request, status)


def _secure(headers: MutableHeaders, catalogue: Catalogue) -> None:
    for name, value in catalogue.security_headers:
        headers.append(name.decode(), value.decode())
    headers["cache-control"] = "no-store"


def _first_values(request: Request) -> dict[str, str]:
    # Not dict(request.headers): Starlette lower-cases a name as text, so a header name with a
    # byte like 0xC0 is listed but cannot be looked up, and the form answered 500.
    headers: dict[str, str] = {}
    for name, value in request.headers.raw:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


async def _read_limited(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length")
    # isascii too: "²" (a Latin-1 byte) is a digit to str.isdigit, but not to int().
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        return None
    if declared is not None and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
