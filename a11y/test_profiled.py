"""The checks a profile turns on, proven both ways on a fixture site that declares every
feature: its modes' switch, its text-size preference with JavaScript off, its repeated parts,
its 404 probe and a sign-up form's error state."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from conftest import A11Y, DESKTOP, audit_page, found
from fixtures.profiled.site import create_app

from plain_pcc.audit.axe import AxeRunner
from plain_pcc.audit.browser import Session
from plain_pcc.audit.checks.site import judge_parts
from plain_pcc.audit.discovery import Site
from plain_pcc.audit.localsite import LiveServer
from plain_pcc.audit.matrix import Cell
from plain_pcc.audit.profile import Profile, load
from plain_pcc.audit.runner import Context, audit_cell, select_checks

PROFILE = load(A11Y / "fixtures" / "profiled" / "profile.toml")
SITE_CHECKS = {"consistency", "mode-switch", "preferences", "form-states", "not-found"}
PAGES = ("/", "/faults/", "/text-only/", "/text-only/faults/")


@pytest.fixture(scope="module")
def profiled() -> Iterator[str]:
    with LiveServer(create_app) as server:
        yield server.base_url


def site_findings(
    session: Session, axe: AxeRunner, base: str, page: str, profile: Profile = PROFILE
) -> set[tuple[str, str]]:
    result = audit_page(session, axe, base, page, SITE_CHECKS, DESKTOP, profile, PAGES)
    assert result.error == ""
    ran = {o.check: o.status for o in result.outcomes if o.check != "axe"}
    assert "could-not-run" not in ran.values(), result.outcomes
    return {(f.rule, f.selector) for o in result.outcomes if o.check != "axe" for f in o.findings}


@pytest.mark.parametrize(
    "page",
    ["/", "/text-only/", "/faults/", "/no-such-page/", "/text-only/no-such-page/", "/sign-up/"],
)
def test_site_checks_pass_where_the_site_keeps_its_promises(
    page: str, session: Session, axe_runner: AxeRunner, profiled: str
) -> None:
    found_here = site_findings(session, axe_runner, profiled, page)
    if page == "/faults/":
        # Its six generic faults are not the site checks' business; their own checks pass.
        found_here = {f for f in found_here if f[0] in {"mode-switch", "preference-applies"}}
    assert found_here == set()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("/broken/mode-toggle/", {("mode-switch", "html > body > header > p:nth-of-type(2) > a")}),
        (
            # Not a mode's first page, so it takes one choice in the rotation over every
            # value of every preference: its place in the sitemap gives it "extra-large".
            "/broken/preferences-go-home/",
            {
                (
                    "preference-applies",
                    'form[action="/preferences"] [name="font_size"][value="extra-large"]',
                ),
            },
        ),
        ("/broken/sign-up/", {("form-state", ".error-summary")}),
    ],
)
def test_site_checks_fail_where_the_site_breaks_them(
    page: str,
    expected: set[tuple[str, str]],
    session: Session,
    axe_runner: AxeRunner,
    profiled: str,
) -> None:
    assert site_findings(session, axe_runner, profiled, page) == expected


@pytest.mark.parametrize(
    ("page", "rule"),
    [
        ("/broken/consistent-navigation/", "consistent-navigation"),
        ("/broken/consistent-help/", "consistent-help"),
    ],
)
def test_repeated_parts_out_of_order_are_found(
    page: str, rule: str, session: Session, axe_runner: AxeRunner, profiled: str
) -> None:
    pages = ("/", "/faults/", page)
    results = [
        audit_page(session, axe_runner, profiled, p, {"consistency"}, DESKTOP, PROFILE, pages)
        for p in pages
    ]
    judge_parts(results, PROFILE, list(pages))
    by_page = {r.cell.page: found(r, "consistency") for r in results}
    selector = next(p.selector for p in PROFILE.parts if p.rule == rule)
    assert by_page == {"/": set(), "/faults/": set(), page: {(rule, selector)}}


def test_a_404_probe_that_answers_200_is_found(
    session: Session, axe_runner: AxeRunner, profiled: str
) -> None:
    profile = dataclasses.replace(PROFILE, not_found=("/faults/",))
    result = audit_page(session, axe_runner, profiled, "/faults/", {"not-found"}, DESKTOP, profile)
    assert found(result, "not-found") == {("not-found-status", "html")}


def _cell(base: str, profile: Profile, size: str, session: Session, axe: AxeRunner) -> set[str]:
    page_checks, visit_checks = select_checks(set())
    ctx = Context(Site.parse(base), profile, axe, ("/",), page_checks, visit_checks)
    result = audit_cell(session, Cell("/", "full", (("font_size", size),), DESKTOP), ctx)
    assert result.error == ""
    return {f.rule for o in result.outcomes for f in o.findings}


def test_a_cell_whose_preference_the_site_ignores_is_a_finding(
    session: Session, axe_runner: AxeRunner, profiled: str
) -> None:
    """The profile's cookie is not the one the site reads: the page shows the default."""
    pref = dataclasses.replace(PROFILE.preferences[0], cookie="text_size")
    profile = dataclasses.replace(PROFILE, preferences=(pref,))
    assert _cell(profiled, profile, "large", session, axe_runner) == {"preference-applies"}
    assert _cell(profiled, PROFILE, "large", session, axe_runner) == set()


def test_a_preference_with_no_cookie_is_chosen_through_the_form(
    session: Session, axe_runner: AxeRunner, profiled: str
) -> None:
    pref = dataclasses.replace(PROFILE.preferences[0], cookie="")
    profile = dataclasses.replace(PROFILE, preferences=(pref,))
    assert _cell(profiled, profile, "extra-large", session, axe_runner) == set()
    assert (
        session.driver.execute_script("return getComputedStyle(document.documentElement).fontSize")
        == "32px"
    )
