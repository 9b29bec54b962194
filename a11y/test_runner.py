"""The session pool: a browser that dies mid-cell is replaced and its cell retried in another
session; a cell that cannot be audited after two retries is named, and the run says so. A page
left exactly as loaded serves the next cell of the same page and preferences, and is judged as
a page loaded for that cell."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from pathlib import Path
from typing import Any

from conftest import found
from fixtures.server import files_app

from plain_pcc.audit import report
from plain_pcc.audit.axe import VERSION, AxeRunner
from plain_pcc.audit.browser import Session
from plain_pcc.audit.checks import Check, page_kept
from plain_pcc.audit.discovery import Site
from plain_pcc.audit.findings import Outcome
from plain_pcc.audit.localsite import LiveServer
from plain_pcc.audit.matrix import Cell, Viewport, build
from plain_pcc.audit.profile import MediaCondition, Profile
from plain_pcc.audit.runner import (
    MAX_RETRIES,
    CellResult,
    Context,
    Job,
    Jobs,
    Pool,
    audit_cell,
    page_key,
    select_checks,
    visit_order,
)

PAGES = ["/clean.html", "/reflow-wide.html", "/target-tiny.html", "/focus-obscured.html"]


def kill_browser(session: Session) -> None:
    """End the driver and its Chromium for real, as a crashed or unplugged browser would."""
    driver_pid = session.driver.service.process.pid  # type: ignore[attr-defined]
    children = [
        int(p) for p in os.listdir("/proc") if p.isdigit() and _parent(int(p)) == driver_pid
    ]
    for pid in [*children, driver_pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _parent(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


class Dying(Session):
    """A real session whose browser is killed as it starts a cell, while ``deaths`` lasts."""

    deaths: list[int] = []  # shared by the sessions of one test: how many kills are left
    lock = threading.Lock()

    def reset(self, *args: object, **kwargs: object) -> None:
        with self.lock:
            die = bool(self.deaths) and self.deaths[0] > 0
            if die:
                self.deaths[0] -= 1
        if die:
            kill_browser(self)
        super().reset(*args, **kwargs)  # type: ignore[arg-type]


def run(start: object, size: int, pages: list[str]) -> tuple[Pool, dict[str, object]]:
    with LiveServer(lambda base: files_app("checks")) as server:
        profile = Profile(viewports=(("narrow", 320, 1024),))
        cells = build(profile, pages)
        page_checks, visit_checks = select_checks({"reflow", "target-size"})
        ctx = Context(
            Site.parse(server.base_url),
            profile,
            AxeRunner(_axe()),
            tuple(pages),
            page_checks,
            visit_checks,
        )
        pool = Pool(start, size)  # type: ignore[arg-type]
        pool.run(cells, ctx)
    import datetime as dt

    data = report.summary(
        report.Run(
            server.base_url,
            profile,
            pages,
            "a list",
            cells,
            pool.results,
            pool.lost,
            "x",
            pool.browser_version,
            pool.sessions,
            ["axe"],
            {"violation"},
            dt.datetime.now(dt.UTC),
            1.0,
        )
    )
    return pool, data


def _axe() -> Path:
    from plain_pcc.audit.axe import locate

    return locate()


def test_a_session_lost_mid_cell_is_replaced_and_the_cell_retried_elsewhere() -> None:
    started: list[Session] = []
    Dying.deaths = [1]

    def start(number: int) -> Session:
        session = Session.local(number)
        session.__class__ = Dying
        started.append(session)
        return session

    pool, data = run(start, 2, PAGES)
    assert pool.lost == []
    assert sorted(r.cell.page for r in pool.results) == sorted(PAGES), "each page exactly once"
    retried = [r for r in pool.results if r.attempts == 2]
    assert len(retried) == 1
    assert len(started) == 3, "the dead session was replaced"
    assert data["status"] == "findings"
    assert {g["rule"] for g in data["findings"]} >= {"reflow", "target-size-minimum"}


def test_a_cell_that_kills_every_browser_is_named_as_not_audited() -> None:
    Dying.deaths = [MAX_RETRIES + 1]

    def start(number: int) -> Session:
        session = Session.local(number)
        session.__class__ = Dying
        return session

    pool, data = run(start, 1, PAGES[:1])
    assert pool.results == []
    assert [job.cell.page for job in pool.lost] == ["/clean.html"]
    assert len(pool.lost[0].tried) == MAX_RETRIES + 1
    assert data["status"] == "error"
    assert data["exit_code"] == 2
    assert data["not_audited"][0]["cell"] == "narrow-/clean.html"


def test_a_preloaded_session_runs_axe_without_sending_it_and_finds_the_same(
    checks_site: str, axe_runner: AxeRunner
) -> None:
    """axe preloaded in every document of a session (``preload``) is evaluated only when it is
    about to run, and is the pinned one, so its source is not sent for the run; it judges a page
    exactly as axe sent for the run does; and a page's frames get axe of their own, preloaded
    or sent."""
    sent: list[str] = []

    def counting(driver: Any) -> None:
        execute = driver.execute_script

        def execute_script(script: str, *args: Any) -> Any:
            if script == axe_runner.source:
                sent.append(driver.execute_script("return location.pathname"))
            return execute(script, *args)

        driver.execute_script = execute_script

    fresh, preloaded = Session.local(1), Session.local(2)
    try:
        axe_runner.preload(preloaded)
        counting(fresh.driver)
        counting(preloaded.driver)
        page = checks_site + "/target-tiny.html"
        fresh.driver.get(page)
        preloaded.driver.get(page)
        for browser in (fresh, preloaded):
            assert browser.driver.execute_script("return typeof window.axe") == "undefined"
        assert "__plainPccAxe" not in preloaded.driver.execute_script("return Object.keys(window)")
        by_sending = axe_runner.run(fresh.driver)
        assert sent == ["/target-tiny.html"]
        by_preload = axe_runner.run(preloaded.driver)
        assert sent == ["/target-tiny.html"], "the preloaded page was sent axe"
        assert by_preload["violations"] == by_sending["violations"]
        assert by_preload["incomplete"] == by_sending["incomplete"]
        assert by_preload["violations"], "the page has faults for axe to find"

        for browser in (fresh, preloaded):
            browser.driver.get(checks_site + "/frame-clean.html")
            results = axe_runner.run(browser.driver)
            browser.driver.switch_to.frame("frame")
            assert browser.driver.execute_script("return window.axe.version") == VERSION
            browser.driver.switch_to.default_content()
            assert "frame-tested" not in {r["id"] for r in results["incomplete"]}
        assert sent == [
            "/target-tiny.html",
            "/frame-clean.html",
            "/frame-clean-inner.html",
        ], "only the session without preload was sent axe, for the page and its frame"
    finally:
        fresh.quit()
        preloaded.quit()


class _SetFor:
    """A session's viewport, media and kept page as ``Jobs.take`` asks after them."""

    def __init__(
        self, viewport: Viewport, media: MediaCondition | None = None, number: int = 1
    ) -> None:
        self.viewport, self.media, self.number = viewport, media, number
        self.kept: object = None

    def is_set_for(self, viewport: Viewport, media: MediaCondition | None) -> bool:
        return (viewport, media) == (self.viewport, self.media)


def test_a_session_takes_a_cell_it_is_already_set_for_and_every_cell_is_taken_once() -> None:
    dark = MediaCondition("dark", (("prefers-color-scheme", "dark"),))
    cells = build(Profile(media=(dark,)), ["/a/", "/b/", "/c/"])
    desktop, narrow = cells[0].viewport, cells[1].viewport
    jobs = Jobs(cells)
    # Set for the narrow viewport: the first narrow cell, ahead of the desktop cell before it.
    first = jobs.take(_SetFor(narrow))  # type: ignore[arg-type]
    # Set for the dark media: the dark cell, behind the desktop cell left waiting.
    second = jobs.take(_SetFor(desktop, dark))  # type: ignore[arg-type]
    # No session, or none set for any cell in reach: the next in order.
    third = jobs.take()
    assert first is not None
    assert second is not None
    assert third is not None
    assert [first.cell, second.cell, third.cell] == [cells[1], cells[2], cells[0]]
    taken = [first.cell, second.cell, third.cell]
    while (job := jobs.take(_SetFor(narrow))) is not None:  # type: ignore[arg-type]
        taken.append(job.cell)
    assert sorted(taken, key=cells.index) == cells


def test_a_session_takes_the_cells_of_the_page_it_kept_and_leaves_another_sessions_page() -> None:
    dark = MediaCondition("dark", (("prefers-color-scheme", "dark"),))
    cells = build(Profile(media=(dark,)), ["/a/", "/b/", "/c/"])  # desktop, narrow, dark each
    desktop, narrow = cells[0].viewport, cells[1].viewport
    jobs = Jobs(cells)
    one, two = _SetFor(desktop, number=1), _SetFor(narrow, number=2)
    first = jobs.take(one)  # type: ignore[arg-type]
    # Session 1 is on /a/: session 2, set for narrow, leaves /a/'s narrow cell for it.
    second = jobs.take(two)  # type: ignore[arg-type]
    # Session 1 kept /a/ as loaded: its next cell of /a/, though not set for its viewport.
    one.kept = page_key(cells[0])
    third = jobs.take(one)  # type: ignore[arg-type]
    assert first is not None
    assert second is not None
    assert third is not None
    assert [first.cell, second.cell, third.cell] == [cells[0], cells[4], cells[1]]
    assert jobs.waiting_for(cells[0]), "the dark cell of /a/ waits"
    # Session 2 kept /b/: its desktop cell next, though set for narrow.
    two.kept = page_key(cells[4])
    fourth = jobs.take(two)  # type: ignore[arg-type]
    assert fourth is not None
    assert fourth.cell == cells[3]
    # A kept page with nothing left to audit on it: the first cell near that no other session
    # is on (/a/ and /b/ each have their dark cell waiting for their sessions).
    three = _SetFor(desktop, number=3)
    three.kept = ("/gone/", ())
    fifth = jobs.take(three)  # type: ignore[arg-type]
    assert fifth is not None
    assert fifth.cell == cells[6], "/c/ desktop"
    # Only another session's page left near: taken all the same.
    rest = Jobs([cells[2]])
    rest.take(_SetFor(desktop, number=3))  # session 3 is on /a/ now
    rest.put(Job(cells[1]))
    taken = rest.take(two)  # type: ignore[arg-type]
    assert taken is not None
    assert taken.cell == cells[1]


def test_the_cells_of_one_page_and_preferences_come_together_those_that_keep_it_first() -> None:
    dark = MediaCondition("dark", (("prefers-color-scheme", "dark"),))
    profile = Profile(media=(dark,))
    cells = build(profile, ["/a/", "/b/"])
    # A check that goes to other pages, in the desktop viewport's default cell only: that cell
    # goes last among its page's, where leaving the page costs no other cell a load.
    leaves = Check(
        "leaves",
        "site",
        (),
        lambda visit: [],
        lambda cell, p: cell.viewport.name == "desktop" and cell.media is None,
        loads_pages=True,
    )
    ctx = Context(
        Site.parse("http://127.0.0.1:1/"), profile, AxeRunner(_axe()), ("/a/", "/b/"), [], [leaves]
    )
    ordered = visit_order(cells, ctx)
    names = [(c.page, c.viewport.name, c.media.name if c.media else "") for c in ordered]
    assert names == [
        ("/a/", "narrow", ""),
        ("/a/", "desktop", "dark"),
        ("/a/", "desktop", ""),
        ("/b/", "narrow", ""),
        ("/b/", "desktop", "dark"),
        ("/b/", "desktop", ""),
    ]


def _judged(result: CellResult) -> list[tuple[str, str, list[tuple[str, str, str]]]]:
    def of(o: Outcome) -> tuple[str, str, list[tuple[str, str, str]]]:
        return o.check, o.status, sorted((f.rule, f.selector, f.message) for f in o.findings)

    return [of(o) for o in result.outcomes]


def test_a_page_kept_from_the_cell_before_is_judged_as_one_loaded_for_its_cell(
    checks_site: str, axe_runner: AxeRunner
) -> None:
    """Each fixture page is loaded once for its three cells (desktop, narrow, dark) in one
    session, and once per cell in another: every check finds the same in both, the faults that
    only one viewport or the dark scheme shows included. A page that can run script of its own
    is never kept."""
    dark = MediaCondition("dark", (("prefers-color-scheme", "dark"),))
    profile = Profile(media=(dark,))
    pages = ["/reflow-wide.html", "/dark-scheme.html", "/focus-obscured.html"]
    page_checks, visit_checks = select_checks(None)
    ctx = Context(
        Site.parse(checks_site), profile, axe_runner, tuple(pages), page_checks, visit_checks
    )
    cells = visit_order(build(profile, pages), ctx)
    keeping, loading = Session.local(1), Session.local(2)
    kept: list[Cell] = []
    try:
        for cell in cells:
            if keeping.kept == page_key(cell):
                kept.append(cell)
            by_keeping = audit_cell(keeping, cell, ctx, keep=lambda: True)
            by_loading = audit_cell(loading, cell, ctx)
            assert loading.kept is None
            assert by_keeping.error == by_loading.error == ""
            assert _judged(by_keeping) == _judged(by_loading), cell.id
            if cell.page == "/reflow-wide.html" and cell.viewport.name == "narrow":
                assert ("reflow", "#wide") in found(by_keeping, "reflow")
            if cell.page == "/dark-scheme.html" and cell.media:
                assert found(by_keeping, "axe") == {("color-contrast", ".note")}
            if cell.page == "/focus-obscured.html" and cell.media is None:
                assert ("focus-not-obscured", "#under") in found(by_keeping, "keyboard")
        assert kept == [cells[1], cells[2], cells[4], cells[5], cells[7], cells[8]]

        scripted = Cell("/trap-tab.html", "", (), cells[0].viewport)
        audit_cell(keeping, scripted, ctx, keep=lambda: True)
        assert keeping.kept is None, "a page that can run script is loaded for each cell"

        # A check that changed the page and could not put it back: loaded again for the next.
        changes = Check(
            "changes",
            "generic",
            (),
            lambda visit: visit.driver.execute_script("document.body.dataset.changed = 1") or [],
            lambda cell, p: True,
            changes_page=True,
            put_back=page_kept,
        )
        changing = Context(ctx.site, profile, axe_runner, tuple(pages), [changes], [])
        result = audit_cell(keeping, cells[0], changing, keep=lambda: True)
        assert result.error == ""
        assert keeping.kept is None, "a page left changed is loaded for each cell"
        audit_cell(
            keeping,
            cells[0],
            Context(ctx.site, profile, axe_runner, tuple(pages), [], []),
            keep=lambda: True,
        )
        assert keeping.kept == page_key(cells[0]), "and kept when nothing changed it"
    finally:
        keeping.quit()
        loading.quit()
