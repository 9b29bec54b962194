"""The Selenium Grid launcher: a real hub and two real Chromium nodes on loopback."""

from __future__ import annotations

import urllib.error
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.remote.webdriver import WebDriver
from seleniumgrid import Grid, GridError, get_status, node_config, server_jar, up_nodes

CHROMIUM_ARGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
PAGE = "data:text/html,<!doctype html><title>{}</title>"


def remote(grid: Grid) -> WebDriver:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    return webdriver.Remote(grid.url, options=options)


def node_of(grid: Grid, session_id: str | None) -> str:
    """The URI of the node holding the session, from the hub's own status."""
    for node in get_status(grid.url)["nodes"]:
        for slot in node["slots"]:
            if (slot.get("session") or {}).get("sessionId") == session_id:
                return str(node["uri"])
    raise AssertionError(f"no node holds session {session_id}")


@pytest.fixture(scope="module")
def grid() -> Iterator[Grid]:
    with Grid(nodes=2) as started:
        yield started


def test_node_config_names_the_driver_and_one_session() -> None:
    config = node_config("/opt/driver")
    assert 'webdriver-executable = "/opt/driver"' in config
    assert "detect-drivers = false" in config
    assert config.count("max-sessions = 1") == 2


def test_missing_jar_is_named(tmp_path: Path) -> None:
    with pytest.raises(GridError, match="npm ci"):
        server_jar(jar_dir=tmp_path)


def test_grid_is_ready_with_two_loopback_nodes(grid: Grid) -> None:
    status = get_status(grid.url)
    assert status["ready"] is True
    assert sorted(up_nodes(status)) == sorted(grid.node_urls())
    assert len(grid.node_urls()) == 2
    for uri in [grid.url, *up_nodes(status)]:
        assert urlsplit(uri).hostname == "127.0.0.1"


def test_two_sessions_land_on_two_nodes_with_devtools(grid: Grid) -> None:
    first, second = remote(grid), remote(grid)
    try:
        assert {node_of(grid, first.session_id), node_of(grid, second.session_id)} == set(
            grid.node_urls()
        )
        # The DevTools protocol reaches the node's Chromium through the hub, and the endpoint
        # the node advertises for a socket connection is on loopback too.
        version = first.execute_cdp_cmd("Browser.getVersion", {})
        assert "Chrome/" in version["product"]
        assert urlsplit(first.capabilities["se:cdp"]).hostname == "127.0.0.1"
        first.get(PAGE.format("first"))
        second.get(PAGE.format("second"))
        assert (first.title, second.title) == ("first", "second")
    finally:
        first.quit()
        second.quit()


def test_a_killed_node_loses_its_session_and_the_grid_carries_on() -> None:
    with Grid(nodes=2) as grid:
        first, second = remote(grid), remote(grid)
        lost = grid.node_urls().index(node_of(grid, first.session_id))
        grid.kill_node(lost)
        assert not grid.node_alive(lost)
        status = grid.wait_for(1)
        assert up_nodes(status) == [grid.node_urls()[1 - lost]]
        with pytest.raises(WebDriverException):
            first.get(PAGE.format("gone"))
        second.get(PAGE.format("still here"))
        assert second.title == "still here"
        second.quit()
        # A new session goes to the node that is left.
        third = remote(grid)
        try:
            assert node_of(grid, third.session_id) == grid.node_urls()[1 - lost]
        finally:
            third.quit()
        with pytest.raises(WebDriverException):
            first.quit()


def test_stop_leaves_nothing_listening() -> None:
    grid = Grid(nodes=1).__enter__()
    url = grid.url
    grid.stop()
    with pytest.raises(urllib.error.URLError, match="Connection refused"):
        get_status(url, timeout=2)
    assert grid.node_urls() == []
