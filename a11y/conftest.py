"""The audit's own proofs: fixture sites on free loopback ports, one browser for the session,
and a way to run chosen checks on one page through the engine itself."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from plain_pcc.audit.axe import AxeRunner, locate
from plain_pcc.audit.browser import Session
from plain_pcc.audit.discovery import Site
from plain_pcc.audit.localsite import LiveServer
from plain_pcc.audit.matrix import Cell, Viewport
from plain_pcc.audit.profile import Profile
from plain_pcc.audit.runner import CellResult, Context, audit_cell, select_checks

A11Y = Path(__file__).resolve().parent
sys.path.insert(0, str(A11Y))

from fixtures.server import files_app  # noqa: E402

DESKTOP = Viewport("desktop", 1280, 1024)
NARROW = Viewport("narrow", 320, 1024)


@pytest.fixture(scope="session")
def checks_site() -> Iterator[str]:
    with LiveServer(lambda base: files_app("checks")) as server:
        yield server.base_url


@pytest.fixture(scope="session")
def session() -> Iterator[Session]:
    browser = Session.local(1)
    yield browser
    browser.quit()


@pytest.fixture(scope="session")
def axe_runner() -> AxeRunner:
    return AxeRunner(locate())


def audit_page(
    session: Session,
    axe: AxeRunner,
    base_url: str,
    page: str,
    checks: set[str],
    viewport: Viewport = DESKTOP,
    profile: Profile | None = None,
    pages: tuple[str, ...] = (),
) -> CellResult:
    """One cell through the engine, with only the named checks (and axe) run."""
    profile = profile or Profile()
    page_checks, visit_checks = select_checks(checks)
    ctx = Context(Site.parse(base_url), profile, axe, pages or (page,), page_checks, visit_checks)
    combo = tuple((p.field, p.default) for p in profile.preferences)
    return audit_cell(session, Cell(page, profile.mode_of(page), combo, viewport), ctx)


def found(result: CellResult, check: str) -> set[tuple[str, str]]:
    """(rule, selector) of every finding the check made."""
    outcome = next(o for o in result.outcomes if o.check == check)
    return {(f.rule, f.selector) for f in outcome.findings}


def status(result: CellResult, check: str) -> str:
    return next(o.status for o in result.outcomes if o.check == check)
