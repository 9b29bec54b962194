"""The run: a pool of browser sessions taking cells from a queue. A session that dies
mid-cell is replaced and its cell retried in another, at most twice; then the cell is named as
not audited."""

from __future__ import annotations

import collections
import contextlib
import functools
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .axe import AxeError, AxeRunner
from .browser import BrowserError, Session
from .checks import Check, Visit, all_checks, run_js, site_checks
from .discovery import Site
from .findings import CouldNotRun, Finding, NotApplicable, Outcome, finding, from_axe
from .matrix import Cell, Combo
from .profile import Profile

MAX_RETRIES = 2


class SessionLost(RuntimeError):
    """The browser stopped answering mid-cell."""


@dataclass
class CellResult:
    cell: Cell
    url: str
    where: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    error: str = ""  # the cell itself could not be set up
    attempts: int = 1
    seconds: float = 0.0
    inapplicable: frozenset[str] = frozenset()  # axe rules with nothing to judge here
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Job:
    cell: Cell
    attempts: int = 0
    tried: list[str] = field(default_factory=list)


@dataclass
class Context:
    site: Site
    profile: Profile
    axe: AxeRunner
    pages: tuple[str, ...]
    checks: list[Check]
    visit_checks: list[Check]


def select_checks(names: set[str] | None) -> tuple[list[Check], list[Check]]:
    """The page checks and the visit checks, limited to ``names`` when given."""
    page, visit = all_checks(), site_checks()
    if names is None:
        return page, visit
    return [c for c in page if c.id in names], [c for c in visit if c.id in names]


def _alive_or_lost(session: Session, exc: BaseException) -> None:
    if not session.alive():
        raise SessionLost(f"the browser at {session.where} stopped answering: {exc}") from exc


def _run(check: Check, visit: Visit) -> Outcome:
    start = time.perf_counter()
    outcome = Outcome(check.id)
    try:
        outcome.findings = check.run(visit)
    except NotApplicable as exc:
        outcome.status, outcome.reason = "not-applicable", str(exc)
    except CouldNotRun as exc:
        outcome.status, outcome.reason = "could-not-run", str(exc)
    except Exception as exc:
        _alive_or_lost(visit.session, exc)
        message = getattr(exc, "msg", None) or str(exc)
        outcome.status, outcome.reason = "could-not-run", f"{type(exc).__name__}: {message}"[:500]
    outcome.seconds = time.perf_counter() - start
    return outcome


def page_key(cell: Cell) -> tuple[str, Combo]:
    """What a cell's page is loaded as: its address and the preferences chosen on it."""
    return cell.page, cell.preferences


def load(session: Session, cell: Cell, ctx: Context) -> tuple[str, bool, list[Finding], bool]:
    """A new visitor in the cell: cookies cleared, viewport, media, preferences, then the page;
    or, when the cell before left the same page with the same preferences exactly as loaded
    (``Session.kept``), that page, in this cell's viewport and media. With no script of its
    own to answer the change, the browser styles and lays out the same document again, as it
    would have loaded it under them.

    Each setting is read back from the page: a viewport or media condition that did not take
    means the cell cannot be judged; a preference the site did not apply is a finding. The last
    value says whether the page was the one left in the tab.
    """
    url = ctx.site.url(cell.page)
    kept = session.kept == page_key(cell)
    session.kept = None
    wanted = dict(cell.preferences)
    if kept:
        session.emulate(cell.viewport, cell.media, javascript=True)
    else:
        session.reset(cell.viewport, cell.media, javascript=True)
        chosen = [p for p in ctx.profile.preferences if wanted[p.field] != p.default]
        session.set_cookies(url, {p.cookie: wanted[p.field] for p in chosen if p.cookie})
        by_form = [p for p in chosen if not p.cookie]
        session.driver.get(url)
        if by_form:
            from .checks.site import NoPage, choose

            visit = Visit(session, cell, url, ctx.site, ctx.profile)
            for pref in by_form:
                try:
                    choose(visit, pref, wanted[pref.field])
                except NoPage as exc:
                    raise CouldNotRun(f"could not choose {pref.name}: {exc}") from exc
            session.driver.get(url)
    selectors = [[p.field, p.current_selector()] for p in ctx.profile.preferences]
    queries = session.media_queries()
    state = run_js(session, "preference_state", selectors, queries)
    if state["width"] != cell.viewport.width:
        raise CouldNotRun(
            f"the viewport is {state['width']} CSS px wide, not {cell.viewport.width}"
        )
    missed = [q.strip("()") for q, ok in zip(queries, state["media"], strict=True) if not ok]
    if missed:
        raise CouldNotRun(f"the emulated media condition did not take: {', '.join(missed)}")
    found = [
        finding(
            "preference-applies",
            p.current_selector(),
            f"{p.name} {wanted[p.field]!r} was set, but the page marks {state['state'][p.field]!r}"
            " as current",
        )
        for p in ctx.profile.preferences
        if state["state"][p.field] != wanted[p.field]
    ]
    return url, state["html"], found, kept


def _as_loaded(visit: Visit, changed_by: Check | None) -> bool:
    """Whether the page is exactly as loaded (the last check that changed it put it back) and
    can run no script of its own: False, never an error, when that cannot be told."""
    try:
        if visit.may_run_script():
            return False
        return changed_by is None or bool(changed_by.put_back and changed_by.put_back(visit))
    except Exception:
        return False


def audit_cell(
    session: Session, cell: Cell, ctx: Context, keep: Callable[[], bool] | None = None
) -> CellResult:
    """The cell's checks on its page. ``keep`` says, as the cell ends, whether a cell of the
    same page and preferences is waiting: then a page left exactly as loaded is kept in the tab
    for it."""
    start = time.perf_counter()
    result = CellResult(
        cell, ctx.site.url(cell.page), where=f"session {session.number} ({session.where})"
    )
    try:
        url, html, setup, kept = load(session, cell, ctx)
    except CouldNotRun as exc:
        result.error = str(exc)
        return result
    except Exception as exc:
        _alive_or_lost(session, exc)
        result.error = f"the page could not be loaded: {getattr(exc, 'msg', None) or exc}"
        return result
    # A kept page is the same document, already read as served: it runs no script.
    visit = Visit(
        session,
        cell,
        url,
        ctx.site,
        ctx.profile,
        ctx.pages,
        ctx.axe,
        html=html,
        scripted=False if kept else None,
    )
    axe = Outcome("axe", findings=setup)
    t = time.perf_counter()
    try:
        results = ctx.axe.run(session.driver, session.evaluate)
    except AxeError:
        raise
    except Exception as exc:
        _alive_or_lost(session, exc)
        axe.status, axe.reason = "could-not-run", f"axe: {getattr(exc, 'msg', None) or exc}"[:500]
    else:
        axe.findings += from_axe(results["violations"]) + from_axe(
            results["incomplete"], review=True
        )
        result.inapplicable = frozenset(r["id"] for r in results.get("inapplicable", []))
    axe.seconds = time.perf_counter() - t
    result.outcomes.append(axe)
    changed_by: Check | None = None
    for check in ctx.checks:
        if not check.applies(cell, ctx.profile):
            continue
        if changed_by is not None and not (changed_by.put_back and changed_by.put_back(visit)):
            visit.reload()
        result.outcomes.append(_run(check, visit))
        changed_by = check if check.changes_page else None
    left = False  # whether a check went to other pages
    for check in ctx.visit_checks:
        if not check.applies(cell, ctx.profile):
            continue
        left = True
        try:
            session.reset(cell.viewport, cell.media, javascript=True)
            if not check.loads_pages:
                visit.reload()
        except Exception as exc:
            _alive_or_lost(session, exc)
            result.outcomes.append(
                Outcome(check.id, "could-not-run", reason=f"reload: {exc}"[:500])
            )
            continue
        result.outcomes.append(_run(check, visit))
    if keep is not None and not left and keep() and _as_loaded(visit, changed_by):
        session.kept = page_key(cell)
    result.data = visit.data
    result.seconds = time.perf_counter() - start
    return result


def leaves_page(cell: Cell, ctx: Context) -> bool:
    """Whether the cell's checks leave its page other than as loaded: one goes to other pages,
    or one changes the page with no way to put it back."""
    return any(c.applies(cell, ctx.profile) for c in ctx.visit_checks) or any(
        c.applies(cell, ctx.profile) and c.changes_page and c.put_back is None for c in ctx.checks
    )


def visit_order(cells: list[Cell], ctx: Context) -> list[Cell]:
    """The cells of each page and preferences together, where the first of them is in the
    matrix; among them, those that leave the page as loaded first, so that one load serves as
    many cells as it can."""
    together: dict[tuple[str, Combo], list[Cell]] = {}
    for cell in cells:
        together.setdefault(page_key(cell), []).append(cell)
    return [
        cell
        for group in together.values()
        for cell in sorted(group, key=lambda c: leaves_page(c, ctx))
    ]


# How far down the waiting cells a session looks for one it can take as it is.
LOOKAHEAD = 8


class Jobs:
    """The cells waiting for sessions, in the order given. A session takes a cell of the page it
    has kept as loaded (the same page and preferences), if one waits: it needs no load at all.
    Else it takes from the next few cells, leaving those of a page another session is on (it
    may keep that page for them), the first that needs no change of viewport or emulated media
    (a change costs a round trip and a new layout of the page it leaves; through a Grid, more
    hops), else the first; with nothing else near, it takes another session's."""

    def __init__(self, cells: list[Cell]) -> None:
        self._waiting = collections.deque(Job(cell) for cell in cells)
        self._lock = threading.Lock()
        self._on: dict[int, tuple[str, Combo]] = {}  # by session number

    def put(self, job: Job) -> None:
        with self._lock:
            self._waiting.append(job)

    def waiting_for(self, cell: Cell) -> bool:
        """Whether a cell of the same page and preferences waits."""
        key = page_key(cell)
        with self._lock:
            return any(page_key(job.cell) == key for job in self._waiting)

    def take(self, session: Session | None = None) -> Job | None:
        with self._lock:
            if not self._waiting:
                return None
            index = 0 if session is None else self._choose(session)
            job = self._waiting[index]
            del self._waiting[index]
            if session is not None:
                self._on[session.number] = page_key(job.cell)
            return job

    def _choose(self, session: Session) -> int:
        if session.kept is not None:
            for index, job in enumerate(self._waiting):
                if page_key(job.cell) == session.kept:
                    return index
        others = {key for number, key in self._on.items() if number != session.number}
        near = list(enumerate(itertools.islice(self._waiting, LOOKAHEAD)))
        free = [(i, job) for i, job in near if page_key(job.cell) not in others] or near
        for index, job in free:
            if session.is_set_for(job.cell.viewport, job.cell.media):
                return index
        return free[0][0]


@dataclass
class Pool:
    """N sessions, each in its own thread, taking cells until none are left."""

    start_session: Callable[[int], Session]
    size: int
    results: list[CellResult] = field(default_factory=list)
    lost: list[Job] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    browser_version: str = ""
    errors: list[str] = field(default_factory=list)

    def run(
        self, cells: list[Cell], ctx: Context, progress: Callable[[int, int], None] | None = None
    ) -> None:
        jobs = Jobs(visit_order(cells, ctx))
        lock = threading.Lock()
        outstanding = [len(cells)]
        fatal: list[BaseException] = []

        def finish(job: Job, result: CellResult | None) -> None:
            with lock:
                if result is None:
                    self.lost.append(job)
                else:
                    self.results.append(result)
                outstanding[0] -= 1
                if progress:
                    progress(len(cells) - outstanding[0], len(cells))

        def worker(number: int) -> None:
            session: Session | None = None
            replacements = 0
            while True:
                with lock:
                    if outstanding[0] <= 0 or fatal:
                        break
                if session is None:
                    try:
                        session = self.start_session(number)
                    except BrowserError as exc:
                        with lock:
                            self.errors.append(f"session {number}: {exc}")
                        return
                    with lock:
                        self.sessions.append(f"session {number}: {session.where}")
                        self.browser_version = self.browser_version or session.version
                    # Without it each run sends axe: slower, the same results.
                    with contextlib.suppress(Exception):
                        ctx.axe.preload(session)
                job = jobs.take(session)
                if job is None:
                    # Every cell is taken; one may yet come back from a session that died.
                    time.sleep(0.1)
                    continue
                try:
                    result = audit_cell(
                        session, job.cell, ctx, functools.partial(jobs.waiting_for, job.cell)
                    )
                except AxeError as exc:
                    with lock:
                        fatal.append(exc)
                    finish(job, None)
                    break
                except Exception as exc:
                    # A browser can die at any WebDriver call of a cell, not only where the
                    # cell checks for it (a Grid node lost mid-cell): whatever escaped, a dead
                    # session is a lost session, and its cell is retried in a new one.
                    if isinstance(exc, SessionLost) or not session.alive():
                        job.attempts += 1
                        job.tried.append(f"session {number} ({session.where}): {exc}"[:500])
                        session.quit()
                        session = None
                        replacements += 1
                        if job.attempts > MAX_RETRIES:
                            finish(job, None)
                        else:
                            jobs.put(job)
                        continue
                    result = CellResult(
                        job.cell,
                        ctx.site.url(job.cell.page),
                        where=session.where,
                        error=f"{type(exc).__name__}: {exc}"[:500],
                    )
                result.attempts = job.attempts + 1
                finish(job, result)
            if session is not None:
                session.quit()

        threads = [
            threading.Thread(target=worker, args=(n + 1,), daemon=True) for n in range(self.size)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if fatal:
            raise fatal[0]
        # Workers that could not start a browser leave cells behind: they were not audited.
        while (job := jobs.take()) is not None:
            job.tried.append("no browser session was left to take it")
            self.lost.append(job)
        if not self.sessions:
            raise BrowserError("; ".join(self.errors) or "no browser session started")
