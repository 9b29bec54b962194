"""The audit's fixtures: the site (local or deployed), two browsers, axe, and the report.

Tests in ``test_site.py`` are parametrised over the matrix built from the running site's
sitemap at collection time, so a new page is audited with no new test code.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_audit import exceptions as exceptions_file
from browser_audit.axe import AxeRunner, pinned_version
from browser_audit.browser import Page, browser_version, chromium, visit
from browser_audit.findings import CHECKS, Violations
from browser_audit.judge import Judge, Site
from browser_audit.matrix import VIEWPORTS, Cell, build_cells, fetch_routes
from browser_audit.report import Recorder
from browser_audit.server import LiveServer
from selenium.webdriver.chrome.webdriver import WebDriver

A11Y_DIR = Path(__file__).resolve().parent
REPO = A11Y_DIR.parent
SITE = pytest.StashKey["Site"]()
RECORDER = pytest.StashKey[Recorder]()
PARTS = pytest.StashKey[list[dict[str, Any]]]()
LOST = pytest.StashKey[list[str]]()
WORKERS = 2


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("a11y", "browser accessibility audit")
    group.addoption(
        "--base-url",
        default=None,
        help="audit the site running here; default: start the local site on a free port",
    )
    group.addoption(
        "--report",
        default=str(A11Y_DIR / "report"),
        help="directory for the JSON, HTML and JUnit reports (default: a11y/report)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "site_audit: a test of the audited site; feeds the report")
    config.addinivalue_line(
        "markers",
        "cells(preferences='all', viewports=None): the matrix part a site test runs on; "
        "preferences='default' keeps every preference at its default",
    )
    # JUnit XML for CI beside the other reports, unless the caller chose a path.
    if not config.option.xmlpath:
        config.option.xmlpath = str(Path(config.option.report) / "junit.xml")


def _local_app(base_url: str) -> Any:
    # Imported here: auditing a deployed site needs no importable app.
    from plain_pcc.app import create_app
    from plain_pcc.settings import Settings

    settings = Settings(content_dir=REPO / "content")
    return create_app(
        dataclasses.replace(settings, base_url=base_url, access_log=False, log_level="warning")
    )


def site_of(config: pytest.Config) -> Site:
    """Started on first use, at collection, because the sitemap decides the parameters."""
    if SITE not in config.stash:
        base_url = config.option.base_url
        server = None
        if not base_url:
            server = LiveServer(_local_app).__enter__()
            config.add_cleanup(lambda: server.__exit__(None, None, None))
            base_url = server.base_url
        config.stash[SITE] = Site(base_url.rstrip("/"), fetch_routes(base_url), server)
    return config.stash[SITE]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "cell" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("cells")
    kwargs = marker.kwargs if marker else {}
    names = kwargs.get("viewports")
    viewports = [v for v in VIEWPORTS if names is None or v.name in names]
    cells = build_cells(
        site_of(metafunc.config).routes,
        all_values=kwargs.get("preferences", "all") == "all",
        viewports=viewports,
    )
    metafunc.parametrize("cell", cells, ids=[c.id for c in cells])


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Site:
    return site_of(request.config)


@pytest.fixture(scope="session")
def browser() -> Iterator[WebDriver]:
    """One Chromium for every page of the session, JavaScript on (axe needs it)."""
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser_without_javascript() -> Iterator[WebDriver]:
    with chromium(javascript=False) as driver:
        yield driver


@pytest.fixture(scope="session")
def axe(browser: WebDriver) -> AxeRunner:
    return AxeRunner(browser, pin=pinned_version(A11Y_DIR / "package-lock.json"))


@pytest.fixture(scope="session")
def known_rules(browser: WebDriver, axe: AxeRunner, site: Site) -> set[str]:
    browser.get(site.base_url + site.routes[0])
    return axe.rule_ids() | set(CHECKS)


@pytest.fixture(scope="session")
def exceptions(known_rules: set[str]) -> tuple[list[exceptions_file.Exception_], list[str]]:
    """Usable entries, and problems (expired, unknown rule) that fail ``test_exceptions_file``."""
    entries = exceptions_file.load(A11Y_DIR / "exceptions.toml")
    return exceptions_file.validate(entries, known_rules, dt.date.today())


@pytest.fixture(scope="session")
def recorder(request: pytest.FixtureRequest, site: Site, browser: WebDriver) -> Recorder:
    rec = Recorder(
        directory=Path(request.config.option.report),
        base_url=site.base_url,
        axe_version=pinned_version(A11Y_DIR / "package-lock.json"),
        browser_version=browser_version(browser),
    )
    request.config.stash[RECORDER] = rec
    return rec


@pytest.fixture
def page(browser: WebDriver, site: Site, cell: Cell) -> Page:
    """A fresh visit to the cell: no shared cookies, viewport and preferences set anew."""
    return visit(browser, site.base_url, cell)


@pytest.fixture(scope="session")
def judge(recorder: Recorder, exceptions: tuple[list[Any], list[str]]) -> Judge:
    return Judge(recorder, exceptions[0])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if item.get_closest_marker("site_audit") is None or RECORDER not in item.config.stash:
        return report
    rec = item.config.stash[RECORDER]
    rec.saw(report.start, report.stop)
    # A Violations failure is the site failing; anything else is the audit failing to run.
    if report.failed:
        if call.excinfo is not None and call.excinfo.errisinstance(Violations):
            rec.outcomes["violations"] += 1
        else:
            rec.outcomes["errors"] += 1
            message = call.excinfo.exconly() if call.excinfo else str(report.longrepr)
            rec.errors.append({"test": item.nodeid, "message": message[:2000]})
    elif report.when == "call" and report.passed:
        rec.outcomes["passed"] += 1
    return report


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """One browser per core: two pytest-xdist workers unless ``-n`` says otherwise.

    The audit waits on the browser far more than it computes, so two workers on two cores
    nearly halve the run. ``-n 0`` runs in one process.
    """
    if (
        config.pluginmanager.hasplugin("xdist")
        and getattr(config.option, "numprocesses", 0) is None
        and not _is_worker(config)
        and (os.cpu_count() or 1) >= WORKERS
    ):
        config.option.numprocesses = WORKERS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """On the xdist controller: collect each worker's results for the one report."""
    part = getattr(node, "workeroutput", {}).get("a11y")
    if part is not None:
        path = Path(part)
        node.config.stash.setdefault(PARTS, []).append(json.loads(path.read_bytes()))
        path.unlink()
    if error is not None:
        # A worker that died took its cells with it: the report must not look complete.
        node.config.stash.setdefault(LOST, []).append(f"worker {node.gateway.id} died: {error}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if _is_worker(config):
        if RECORDER in config.stash:
            # Megabytes of axe results go through a file: execnet's own channel is far slower.
            worker = config.workerinput["workerid"]  # type: ignore[attr-defined]
            path = Path(config.option.report) / f".part-{worker}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(config.stash[RECORDER].export()), encoding="utf-8")
            config.workeroutput["a11y"] = str(path)  # type: ignore[attr-defined]
        return
    if PARTS in config.stash:
        config.stash[RECORDER] = Recorder.merged(Path(config.option.report), config.stash[PARTS])
    if RECORDER in config.stash:
        for lost in config.stash.get(LOST, []):
            config.stash[RECORDER].outcomes["errors"] += 1
            config.stash[RECORDER].errors.append({"test": "pytest-xdist", "message": lost})
    if RECORDER in config.stash:
        config.stash[RECORDER].write()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if RECORDER in config.stash:
        rec = config.stash[RECORDER]
        terminalreporter.write_line(
            f"a11y report: {rec.directory / 'index.html'} ({rec.status()}, {len(rec.cells)} cells)"
        )
