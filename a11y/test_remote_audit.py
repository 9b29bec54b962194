"""The audit of this site through a real Selenium Grid (``--remote``): the same findings as a
local run, pages spread over both nodes, and a node lost mid-run costing no page."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from seleniumgrid import Grid

from plain_pcc.audit.browser import WITHOUT_SOCKET
from plain_pcc.audit.cli import main as audit
from plain_pcc.audit.localsite import LiveServer, plain_pcc_app

A11Y = Path(__file__).resolve().parent
PROFILE = A11Y / "plain-pcc.toml"
CONTENT = A11Y.parent / "content"
# The pages the node-loss runs audit: enough cells that both sessions are busy when a node goes.
SOME_PAGES = ("/", "/text-only/", "/no-such-page/")


class Tripwire:
    """ASGI middleware: after ``after`` page requests from the browsers, hold every new one
    until ``held`` of them are waiting (or ``patience`` seconds have passed), call ``action`` in
    a thread, then let them all go.

    Holding the requests makes each held browser be in the middle of a cell, waiting for its
    page, when ``action`` runs: a node killed then takes a cell down with it.
    """

    def __init__(
        self, after: int, held: int, action: Callable[[], None], patience: float = 20.0
    ) -> None:
        self.app: Any = None
        self.after, self.held, self.action, self.patience = after, held, action, patience
        self.seen = 0
        self.waiting = 0
        self.held_when_fired = 0
        self.fired = False
        # Events bind to the server's loop on first use (Python 3.10+), not here.
        self._done, self._enough = asyncio.Event(), asyncio.Event()
        self._firing: asyncio.Task[None] | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not self.fired and self._from_browser(scope):
            self.seen += 1
            if self.seen > self.after:
                await self._hold()
        await self.app(scope, receive, send)

    @staticmethod
    def _from_browser(scope: Any) -> bool:
        agent = dict(scope.get("headers", [])).get(b"user-agent", b"")
        return b"HeadlessChrome" in agent and not scope.get("path", "").startswith("/static/")

    async def _hold(self) -> None:
        if self._firing is None:
            self._firing = asyncio.get_running_loop().create_task(self._fire())
        self.waiting += 1
        if self.waiting >= self.held:
            self._enough.set()
        await self._done.wait()

    async def _fire(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._enough.wait(), timeout=self.patience)
        self.held_when_fired = self.waiting
        await asyncio.get_running_loop().run_in_executor(None, self.action)
        self.fired = True
        self._done.set()


def tripped_site(tripwire: Tripwire) -> LiveServer:
    """This site behind the tripwire, on its own port."""

    def make(base_url: str) -> Any:
        tripwire.app = plain_pcc_app(CONTENT)(base_url)
        return tripwire

    return LiveServer(make)


def run_audit(report: Path, *options: str) -> tuple[int, dict[str, Any]]:
    code = audit(["--profile", str(PROFILE), "--report", str(report), *options])
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == code
    return code, summary


def findings(summary: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every finding with where it was found, but not which browser found it."""
    return sorted(
        (g["kind"], g["rule"], g["page"], g["fingerprint"], json.dumps(g, sort_keys=True))
        for g in summary["findings"]
    )


def node_of(where: str, nodes: list[str]) -> str:
    """The node (its URL) that a cell's ``where`` names, by its host and port."""
    matches = [
        url for url in nodes if re.search(rf" node {re.escape(urlsplit(url).netloc)}(?!\d)", where)
    ]
    assert len(matches) == 1, f"{where!r} names no single node of {nodes}"
    return matches[0]


def accounted(summary: dict[str, Any]) -> list[str]:
    """Each cell once: audited (where it ran) or named as not audited."""
    return sorted(
        [w["cell"] for w in summary["where"]] + [n["cell"] for n in summary["not_audited"]]
    )


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with LiveServer(plain_pcc_app(CONTENT)) as server:
        yield server.base_url


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    path = tmp_path / "pages.txt"
    path.write_text("\n".join(SOME_PAGES), encoding="utf-8")
    return path


def test_the_grid_finds_what_the_local_browsers_find_on_both_nodes(
    site: str, tmp_path: Path
) -> None:
    local_code, local = run_audit(tmp_path / "local", "--base-url", site, "--workers", "2")
    with Grid(nodes=2) as grid:
        # No --sessions: as many as the Grid has slots, one a node.
        code, remote = run_audit(tmp_path / "grid", "--base-url", site, "--remote", grid.url)
        nodes = grid.node_urls()
        assert len(remote["sessions"]) == 2
        # Each session reached its browser's DevTools over the socket the Grid advertises.
        assert not [s for s in remote["sessions"] + local["sessions"] if WITHOUT_SOCKET in s]
        assert {node_of(w["where"], nodes) for w in remote["where"]} == set(nodes)
    assert (code, remote["status"]) == (local_code, local["status"])
    assert remote["cells"] == local["cells"] == remote["cells_audited"]
    assert accounted(remote) == accounted(local)
    assert findings(remote) == findings(local)
    assert remote["not_audited"] == local["not_audited"] == []


def test_a_node_lost_mid_run_costs_no_page(site: str, tmp_path: Path, pages_file: Path) -> None:
    with Grid(nodes=2) as grid:
        # The run asks for about 116 pages: the node dies about three quarters of the way in.
        tripwire = Tripwire(after=90, held=2, action=lambda: grid.kill_node(0))
        nodes = grid.node_urls()
        lost_node, kept_node = nodes
        with tripped_site(tripwire) as tripped:
            code, summary = run_audit(
                tmp_path / "grid",
                "--base-url",
                tripped.base_url,
                "--urls",
                str(pages_file),
                "--remote",
                grid.url,
                "--sessions",
                "2",
            )
        assert tripwire.fired
        assert not grid.node_alive(0)
    cells = summary["cells"]
    assert accounted(summary) == sorted(set(accounted(summary)))
    assert len(accounted(summary)) == cells
    # Nothing was lost: the cell the dead node held was done again on the other one.
    assert (code, summary["status"]) == (0, "clean")
    assert summary["not_audited"] == []
    retried = [w for w in summary["where"] if w["attempts"] > 1]
    assert len(retried) == 1
    assert node_of(retried[0]["where"], nodes) == kept_node
    before = {node_of(w["where"], nodes) for w in summary["where"] if w["attempts"] == 1}
    assert before == {lost_node, kept_node}


def test_cells_no_browser_can_take_are_named_and_the_run_fails(
    site: str, tmp_path: Path, pages_file: Path
) -> None:
    with Grid(nodes=1, session_request_timeout=30) as grid:
        tripwire = Tripwire(after=100, held=1, action=lambda: grid.kill_node(0))
        with tripped_site(tripwire) as tripped:
            code, summary = run_audit(
                tmp_path / "grid",
                "--base-url",
                tripped.base_url,
                "--urls",
                str(pages_file),
                "--remote",
                grid.url,
                "--sessions",
                "1",
            )
        assert tripwire.fired
    assert (code, summary["status"]) == (2, "error")
    assert summary["not_audited"], "the cells left when the only node died must be named"
    for cell in summary["not_audited"]:
        assert cell["tried"], f"{cell['cell']} does not say why it was not audited"
    assert len(accounted(summary)) == summary["cells"]
    assert accounted(summary) == sorted(set(accounted(summary)))
    assert summary["cells_audited"] == len(summary["where"]) >= 1
