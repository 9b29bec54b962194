"""The contrast check (1.4.11) proven both ways, under the fixture pages' strict CSP: a page
whose dark colours hide its controls' boundaries and focus fails there, exactly, when the device
prefers dark, while axe, which reads text colours only, finds nothing; the same page in light,
and a clean page in light and dark, pass."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import DESKTOP
from fixtures.server import files_app

from plain_pcc.audit.axe import AxeRunner
from plain_pcc.audit.browser import Session
from plain_pcc.audit.discovery import Site
from plain_pcc.audit.localsite import LiveServer
from plain_pcc.audit.matrix import Cell
from plain_pcc.audit.profile import MediaCondition, Profile
from plain_pcc.audit.runner import CellResult, Context, audit_cell, select_checks

DARK = MediaCondition("device-dark", (("prefers-color-scheme", "dark"),))
BROKEN = "/contrast-dark-broken.html"
CLEAN = "/contrast-clean.html"


@pytest.fixture(scope="module")
def contrast_site() -> Iterator[str]:
    with LiveServer(lambda base: files_app("contrast")) as server:
        yield server.base_url


def audit(
    session: Session, axe: AxeRunner, base_url: str, page: str, media: MediaCondition | None
) -> CellResult:
    profile = Profile()
    page_checks, visit_checks = select_checks({"contrast"})
    ctx = Context(Site.parse(base_url), profile, axe, (page,), page_checks, visit_checks)
    return audit_cell(session, Cell(page, profile.mode_of(page), (), DESKTOP, media), ctx)


@pytest.mark.parametrize(
    ("page", "media", "expected"),
    [
        (CLEAN, None, set()),
        (CLEAN, DARK, set()),
        (BROKEN, None, set()),
        (
            BROKEN,
            DARK,
            {
                ("non-text-contrast", "#name"),
                ("non-text-contrast", "#send"),
                ("focus-indicator-contrast", "#name"),
                ("focus-indicator-contrast", "#send"),
            },
        ),
    ],
    ids=["clean-light", "clean-dark", "broken-light", "broken-dark"],
)
def test_contrast_of_boundaries_and_focus(
    session: Session,
    axe_runner: AxeRunner,
    contrast_site: str,
    page: str,
    media: MediaCondition | None,
    expected: set[tuple[str, str]],
) -> None:
    result = audit(session, axe_runner, contrast_site, page, media)
    assert result.error == ""
    outcome = next(o for o in result.outcomes if o.check == "contrast")
    assert outcome.status == "ran", outcome.reason
    assert {(f.rule, f.selector) for f in outcome.findings} == expected
    for f in outcome.findings:
        assert f.criterion == "1.4.11"
        assert ":1 against #1a1a1a" in f.message
    # What axe cannot see: it finds no violation on any of these pages.
    axe = next(o for o in result.outcomes if o.check == "axe")
    assert [f.rule for f in axe.findings if f.kind == "violation"] == []
