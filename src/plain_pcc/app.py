"""The application factory: wiring only, in the order a request meets it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route
from starlette.types import ASGIApp

from .accesslog import AccessLog, LineWriter
from .catalogue import FastPath
from .checker import require_no_errors
from .content import load_site
from .errors import http_exception, server_error
from .forms import PreferencesForm
from .hosts import HostCheck
from .rendering import render_catalogue
from .settings import Settings


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the site. Raises ``ContentError`` when a content file is broken."""
    if settings is None:
        settings = Settings.from_env(os.environ)
    # 1. Content is read and checked first: a broken file stops the start, before any socket.
    site = load_site(settings.content_dir)
    # The content checker's errors (vague link text, skipped headings...) stop it too; its
    # warnings are logged.
    require_no_errors(site)
    # 2. Every page in every mode and preference is rendered and compressed once, here.
    catalogue = render_catalogue(site, settings)
    preferences = PreferencesForm(settings, catalogue)

    routes = [
        Route("/preferences", preferences, name="preferences"),
        # Everything else is looked up in the catalogue: pages, files, and the 404 page.
        Route("/{path:path}", catalogue, name="catalogue"),
    ]
    middleware = [
        Middleware(HostCheck, allowed_hosts=settings.allowed_hosts, catalogue=catalogue),
        # Pages and files skip the router: the catalogue answers them whole.
        Middleware(FastPath, catalogue=catalogue),
    ]
    # 3. The access log goes around everything (_Site), so it sees every answer as sent.
    access_log = LineWriter() if settings.access_log else None

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            # The access lines still waiting are written before the process ends.
            if access_log is not None:
                access_log.flush()

    app = _Site(
        access_log,
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception, Exception: server_error},
    )
    app.state.settings = settings
    app.state.site = site
    app.state.catalogue = catalogue
    app.state.access_log = access_log
    return app


class _Site(Starlette):
    """Starlette, with the access log around the whole stack.

    Outside the error middleware, it sees every answer as sent: the host check's refusals, and
    the 500 page with its bytes (user middleware would sit inside, and see only the exception).
    """

    def __init__(self, access_log: LineWriter | None, **options: Any) -> None:
        super().__init__(**options)
        self.access_log = access_log

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        return stack if self.access_log is None else AccessLog(stack, self.access_log)
