"""The preferences form: ``POST /preferences`` sets the visitor's display choices in cookies."""

from __future__ import annotations

from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive, Scope, Send

from . import preferences
from .catalogue import Catalogue
from .errors import error_response
from .representations import Headers, Prepared, redirect
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

    async def post(self, request: Request) -> Prepared:
        if request.method != "POST":
            return self.error(request, 405, [(b"allow", b"POST")])
        if not same_site(self.settings, first_values(request)):
            return self.error(request, 403)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != FORM_TYPE:
            return self.error(request, 415)
        body = await read_limited(request, BODY_LIMIT)
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
        cookies: list[tuple[str, str]] = []
        for preference in preferences.PREFERENCES:
            # Unknown fields are ignored; an unknown value keeps the current choice.
            choice = preference.choice(fields.get(preference.name))
            if choice is None:
                continue
            if choice == preference.default:
                # Choosing the default clears the cookie: no cookie until one is needed.
                if request.cookies.get(preference.name) is not None:
                    cookies.append(self.cookie(preference.name, "", max_age=0))
            else:
                cookies.append(
                    self.cookie(preference.name, choice.value, preferences.COOKIE_MAX_AGE)
                )
        headers = [*self.catalogue.security_headers, *cookies]
        return Prepared(redirect(location, 303, headers))

    def cookie(self, name: str, value: str, max_age: int) -> tuple[str, str]:
        """A ``Set-Cookie`` header for the whole site, never readable by script."""
        jar: SimpleCookie = SimpleCookie()
        jar[name] = value
        morsel = jar[name]
        morsel["max-age"] = str(max_age)
        morsel["path"] = "/"
        morsel["httponly"] = True
        morsel["samesite"] = "lax"
        if max_age == 0:
            morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
        if self.settings.https:
            morsel["secure"] = True
        return ("Set-Cookie", morsel.OutputString())

    def error(self, request: Request, status: int, extra: Headers | None = None) -> Prepared:
        return error_response(self.catalogue, request, status, extra)


def first_values(request: Request) -> dict[str, str]:
    # Not dict(request.headers): Starlette lower-cases a name as text, so a header name with a
    # byte like 0xC0 is listed but cannot be looked up, and the form answered 500.
    headers: dict[str, str] = {}
    for name, value in request.headers.raw:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


async def read_limited(request: Request, limit: int) -> bytes | None:
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
