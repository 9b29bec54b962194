"""The application factory: wiring only, in the order a request meets it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Route

from .accesslog import AccessLog, LineWriter
from .checker import require_no_errors
from .content import load_site
from .middleware import HostCheck
from .rendering import render_catalogue
from .settings import Settings
from .views import Preferences, http_exception, server_error


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
    preferences = Preferences(settings, catalogue)

    routes = [
        Route("/preferences", preferences, name="preferences"),
        # Everything else is looked up in the catalogue: pages, files, and the 404 page.
        Route("/{path:path}", catalogue, name="catalogue"),
    ]
    # 3. The access log sees every answer, the host check's refusals included.
    middleware = [Middleware(HostCheck, allowed_hosts=settings.allowed_hosts, catalogue=catalogue)]
    access_log = LineWriter() if settings.access_log else None
    if access_log is not None:
        middleware.insert(0, Middleware(AccessLog, writer=access_log))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            # The access lines still waiting are written before the process ends.
            if access_log is not None:
                access_log.flush()

    app = Starlette(
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
