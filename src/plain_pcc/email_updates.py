"""The email updates pages that answer a visitor's request: the sign-up form's submission, the
confirmation page a link opens and its button, and the one-visit unsubscribe link (with its
RFC 8058 one-click POST). The pages' words are content pages; the rest are pre-rendered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from . import modes
from .catalogue import Catalogue, select
from .content import Page, Site
from .errors import error_response
from .forms import FORM_TYPE, first_values, read_limited
from .modes import MODES, Mode
from .rendering import render_page
from .representations import Prepared, Representation, redirect
from .security import same_site
from .sender import Sender
from .settings import Settings
from .source import ContentError
from .subscribers import (
    CONFIRM_PATH,
    TOPIC_VALUES,
    UNSUBSCRIBE_PATH,
    AddressError,
    Outcome,
    Subscribers,
    normalise,
)
from .templating import create_environment
from .variants import BY_PREFERENCE, HTML

FORM_PATH = "/email-updates/"
CHECK_PATH = "/email-updates/check-your-email/"
SUBSCRIBED_PATH = "/email-updates/subscribed/"
UNSUBSCRIBED_PATH = "/email-updates/unsubscribed/"
LINK_PATH = "/email-updates/link-not-valid/"
TRY_LATER_PATH = "/email-updates/try-later/"
# Answers to one visitor, some carrying their token: never kept by a cache.
NO_STORE = ("Cache-Control", "no-store")
PAGES = (
    FORM_PATH,
    CHECK_PATH,
    CONFIRM_PATH,
    SUBSCRIBED_PATH,
    UNSUBSCRIBED_PATH,
    LINK_PATH,
    TRY_LATER_PATH,
)
# The form holds an address and two checkboxes: a few hundred bytes at most.
BODY_LIMIT = 2048
MAX_FIELDS = 16
# GOV.UK Design System wording for the email address and checkboxes patterns.
MESSAGES = {
    "email_missing": "Enter your email address",
    "email_invalid": "Enter an email address in the correct format, like name@example.com",
    "topics_missing": "Select what you want to get emails about",
}


@dataclass
class Submission:
    """What the visitor sent, kept to show it back, and what was wrong with it."""

    email: str = ""
    topics: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


class EmailUpdates:
    """The endpoints, for both modes."""

    def __init__(
        self,
        settings: Settings,
        site: Site,
        catalogue: Catalogue,
        subscribers: Subscribers,
        sender: Sender | None,
    ) -> None:
        self.settings = settings
        self.site = site
        self.catalogue = catalogue
        self.subscribers = subscribers
        self.sender = sender
        self.environment = create_environment()
        for path in PAGES:
            if path not in site.pages:
                raise ContentError(
                    settings.content_dir / "pages",
                    None,
                    f"email updates need a page with the path {path}",
                )

    def routes(self) -> list[BaseRoute]:
        routes: list[BaseRoute] = []
        for mode in MODES:
            routes += [
                Route(mode.url(FORM_PATH), _Endpoint(self.sign_up, "POST")),
                Route(mode.url(CONFIRM_PATH), _Endpoint(self.confirm, "GET", "HEAD", "POST")),
                Route(
                    mode.url(UNSUBSCRIBE_PATH), _Endpoint(self.unsubscribe, "GET", "HEAD", "POST")
                ),
            ]
        return routes

    # Endpoints -------------------------------------------------------------------------------

    async def sign_up(self, request: Request, mode: Mode) -> Response:
        fields = await self.form(request)
        if isinstance(fields, Response):
            return fields
        submission = Submission(
            email=next((value for name, value in fields if name == "email"), "").strip(),
            topics=[value for name, value in fields if name == "topics" and value in TOPIC_VALUES],
        )
        address = ""
        if not submission.email:
            submission.errors["email"] = MESSAGES["email_missing"]
        else:
            try:
                address = normalise(submission.email)
            except AddressError:
                submission.errors["email"] = MESSAGES["email_invalid"]
        if not submission.topics:
            submission.errors["topics"] = MESSAGES["topics_missing"]
        if submission.errors:
            # WCAG 3.3.1 and 3.3.3: the same page, its title saying there is an error.
            return self.page(request, FORM_PATH, form=submission, title_prefix="Error: ")
        outcome = await run_in_threadpool(
            self.subscribers.sign_up, address, submission.topics, mode
        )
        if outcome is not Outcome.QUEUED:
            # Either limit gives the same page, which does not say which: it would tell who
            # signed up in the last hour.
            return self.page(request, TRY_LATER_PATH, status=429, headers=[("Retry-After", "3600")])
        if self.sender is not None:
            self.sender.wake()
        # The same answer whether the address was new, waiting or subscribed.
        return self.redirect(mode.url(CHECK_PATH))

    async def confirm(self, request: Request, mode: Mode) -> Response:
        if request.method == "POST":
            fields = await self.form(request)
            if isinstance(fields, Response):
                return fields
            token = next((value for name, value in fields if name == "token"), "")
            if await run_in_threadpool(self.subscribers.confirm, token):
                return self.redirect(mode.url(SUBSCRIBED_PATH))
            return self.page(request, LINK_PATH, status=404)
        token = request.query_params.get("token", "")
        if await run_in_threadpool(self.subscribers.confirmable, token):
            return self.page(request, CONFIRM_PATH, token=token)
        return self.page(request, LINK_PATH, status=404)

    async def unsubscribe(self, request: Request, mode: Mode) -> Response:
        # One visit (a GET), or a mail client's one-click POST (RFC 8058, which comes from the
        # mail provider, not from a page of this site, so no same-site check: the token is the
        # proof). HEAD changes nothing, as HTTP requires.
        token = request.query_params.get("token", "")
        if request.method == "HEAD":
            ok = await run_in_threadpool(self.subscribers.unsubscribable, token)
        else:
            if request.method == "POST" and await read_limited(request, BODY_LIMIT) is None:
                return error_response(self.catalogue, request, 413)
            ok = await run_in_threadpool(self.subscribers.unsubscribe, token)
        if ok:
            return self.page(request, UNSUBSCRIBED_PATH)
        return self.page(request, LINK_PATH, status=404)

    # Helpers ---------------------------------------------------------------------------------

    async def form(self, request: Request) -> list[tuple[str, str]] | Response:
        """The posted fields, or the refusal: the preferences form's rules (security.py)."""
        if not same_site(self.settings, first_values(request)):
            return error_response(self.catalogue, request, 403)
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != FORM_TYPE:
            return error_response(self.catalogue, request, 415)
        body = await read_limited(request, BODY_LIMIT)
        if body is None:
            return error_response(self.catalogue, request, 413)
        try:
            return parse_qsl(
                body.decode("utf-8", errors="replace"),
                keep_blank_values=True,
                max_num_fields=MAX_FIELDS,
            )
        except ValueError:
            return error_response(self.catalogue, request, 413)

    def page(
        self,
        request: Request,
        path: str,
        status: int = 200,
        headers: Sequence[tuple[str, str]] = (),
        **extra: Any,
    ) -> Response:
        """A content page rendered for this request, in its mode and the visitor's choices."""
        page: Page = self.site.pages[path]
        mode, _ = modes.split(request.scope["path"])
        cookie = request.headers.get("cookie")
        selection = select(cookie.encode("latin-1") if cookie else None)
        html = render_page(
            self.environment,
            self.site,
            self.settings,
            self.catalogue,
            mode,
            selection,
            page,
            **extra,
        )
        return Prepared(
            Representation(
                html.encode(),
                HTML,
                [*self.catalogue.security_headers, NO_STORE, *headers],
                status=status,
                vary=BY_PREFERENCE,
                quick=True,
            )
        )

    def redirect(self, location: str) -> Response:
        return Prepared(redirect(location, 303, self.catalogue.security_headers))


class _Endpoint:
    """An ASGI endpoint for the methods it names (others get the 405 page), in either mode."""

    def __init__(self, handle: Any, *methods: str) -> None:
        self.handle = handle
        self.methods = methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        owner: EmailUpdates = self.handle.__self__
        if scope["method"] not in self.methods:
            # The form's page is read from the catalogue, so every address here allows all three.
            response = error_response(
                owner.catalogue, request, 405, [(b"allow", b"GET, HEAD, POST")]
            )
        else:
            mode, _ = modes.split(scope["path"])
            try:
                response = await self.handle(request, mode)
            except ClientDisconnect:
                response = error_response(owner.catalogue, request, 400)
        await response(scope, receive, send)
