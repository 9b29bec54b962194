"""``make bench``: the site against a bare Starlette app serving the same bytes on stock uvicorn
with its default options (bench/baseline.py), both with their access log on and written to a
file, loaded with wrk on loopback and bounded in time; then nginx in front of the site.

Each row is measured in rounds, each round a run of the baseline then a run of the row, so a
machine that gets busier or quieter during the run moves both alike; a row's figures are the
medians of its rounds, and its ratio the median of the rounds' ratios. Besides requests/s, the
servers' own CPU time per request is read from /proc: it hardly moves when other programs
share the machine, so it shows what the code costs when requests/s are noisy.

Exits 1 when a check of the answers fails (the nginx example's), and with --strict also when a
target is missed; a slow run on a busy machine is otherwise reported, not failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import proxy

from plain_pcc.app import create_app
from plain_pcc.catalogue import Catalogue
from plain_pcc.modes import TEXT
from plain_pcc.preferences import FONT_SIZE, selections
from plain_pcc.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
TICK = os.sysconf("SC_CLK_TCK")

# The targets, for requests/s and for CPU time per request alike.
PAGE_RATIO = 0.9  # every page row at least this share of the baseline's
RSS_LIMIT_MB = 80.0
START_LIMIT_S = 1.5
FLAT_MB = 4.0  # growth over the run still called flat: allocator noise, not a leak


# Servers ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A server process started for the run, and how long it took to answer its first 200."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    startup: float = 0.0

    def workers(self) -> list[int]:
        """The processes that answer requests: the workers (uvicorn's or nginx's), if the server
        has any, else the one process."""
        children = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            for pid in task.read_text().split():
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"resource_tracker" not in command:
                    children.append(int(pid))
        return children or [self.process.pid]

    def cpu_seconds(self) -> float:
        """User and system time of every process of the server so far."""
        total = 0.0
        for pid in {self.process.pid, *self.workers()}:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / TICK
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, command: list[str], env: dict[str, str], path: str, log: Path) -> Server:
    """Start a server on a free port; return once it has answered ``path`` with a 200."""
    port = free_port()
    with log.open("ab") as output:
        began = time.perf_counter()
        process = subprocess.Popen(
            [*command, "--host", HOST, "--port", str(port)],
            env=env,
            stdout=output,
            stderr=output,
            cwd=ROOT,
        )
    server = Server(name, process, port)
    while time.perf_counter() < began + 30:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}: see {log}")
        try:
            if proxy.request(port, path).status == 200:
                server.startup = time.perf_counter() - began
                return server
        except OSError:
            pass
        time.sleep(0.005)
    server.stop()
    raise RuntimeError(f"{name} gave no 200 within 30 s: see {log}")


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class Memory:
    """Samples each server worker's resident memory, four times a second, while the run lasts."""

    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers
        self.samples: list[tuple[float, str, int, float]] = []  # (time, server, pid, MB)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            for server in self.servers:
                for pid in server.workers():
                    mb = rss_mb(pid)
                    if mb is not None:
                        self.samples.append((time.monotonic(), server.name, pid, mb))

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, name: str, since: float) -> float:
        """The largest worker's largest sample since ``since``."""
        return max((mb for t, n, _, mb in self.samples if n == name and t >= since), default=0.0)

    def drift(self, name: str, since: float) -> tuple[float, float]:
        """The largest worker's memory at the first and at the last sample since ``since``."""
        first: dict[int, float] = {}
        last: dict[int, float] = {}
        for t, n, pid, mb in self.samples:
            if n == name and t >= since:
                first.setdefault(pid, mb)
                last[pid] = mb
        return max(first.values(), default=0.0), max(last.values(), default=0.0)


# Load ---------------------------------------------------------------------------------------


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    cpu_us: float  # the server's CPU time per request
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    server: Server, path: str, options: argparse.Namespace, seconds: float, **headers: str
) -> Load:
    """One wrk run against ``server``: bounded by ``seconds``, on loopback."""
    command = [*options.wrk_prefix, "wrk", f"-t{options.threads}", f"-c{options.connections}"]
    command += [f"-d{seconds:g}s", "--timeout", "5s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name.replace('_', '-')}: {value}"]
    command.append(f"http://{HOST}:{server.port}{path}")
    cpu = server.cpu_seconds()
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    cpu = server.cpu_seconds() - cpu

    def number(pattern: str) -> re.Match[str]:
        found = re.search(pattern, output, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"unexpected wrk output:\n{output}")
        return found

    def percentile(label: str) -> float:
        found = number(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$")
        return float(found.group(1)) * _UNITS[found.group(2)]

    count = int(number(r"(\d+) requests in").group(1))
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    return Load(
        float(number(r"Requests/sec:\s+([\d.]+)").group(1)),
        percentile("50"),
        percentile("99"),
        cpu / max(count, 1) * 1e6,
        errors,
    )


def median_load(loads: list[Load]) -> Load:
    return Load(
        statistics.median(load.requests_per_s for load in loads),
        statistics.median(load.p50_ms for load in loads),
        statistics.median(load.p99_ms for load in loads),
        statistics.median(load.cpu_us for load in loads),
        sum(load.errors for load in loads),
    )


# The site -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What the runner knows of the site before starting one: addresses, tags and bytes."""

    page: str
    stylesheet: str
    expected: proxy.Expected

    @property
    def text_page(self) -> str:
        return TEXT.url(self.page)


def read_site(content: Path) -> Site:
    app = create_app(Settings(content_dir=content, access_log=False))
    catalogue: Catalogue = app.state.catalogue
    # The reports page: the newest year's, the heaviest page of the site.
    page = app.state.site.years[0].path
    etags = {}
    identity = {}
    for selection in selections():
        size = selection[FONT_SIZE].value
        representation = catalogue.pages[page][selection]
        identity[size] = representation.body
        for coding, encoded in representation.encodings.items():
            etags[(size, coding)] = encoded.etag
    stylesheet = catalogue.static_urls["full.css"]
    return Site(page, stylesheet, proxy.Expected(page, stylesheet, etags, identity))


# The run ------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    load: Load
    baseline: Load
    ratio: float  # requests/s, to the baseline's in the same rounds
    cpu_ratio: float  # the baseline's CPU time per request over the row's
    rss_mb: float
    target: str = ""  # "page": at least PAGE_RATIO; "above": above the baseline


@dataclass
class Table:
    workers: int
    rows: list[Row] = field(default_factory=list)
    baselines: list[Load] = field(default_factory=list)
    baseline_rss: float = 0.0
    startup: dict[str, list[float]] = field(default_factory=dict)
    drift: tuple[float, float] = (0.0, 0.0)
    proxy: list[tuple[str, bool]] = field(default_factory=list)


def measure(workers: int, site: Site, options: argparse.Namespace, scratch: Path) -> Table:
    table = Table(workers)
    serve = [*options.server_prefix, str(BIN / "plain-pcc"), "serve", "--workers", str(workers)]
    baseline_command = [
        *options.server_prefix,
        str(BIN / "python"),
        str(ROOT / "bench" / "baseline.py"),
    ]
    baseline_command += ["--workers", str(workers)]
    env = {
        **os.environ,
        "PLAIN_PCC_CONTENT_DIR": str(options.content.resolve()),
        "PLAIN_PCC_BENCH_BODY": str(scratch / "page.html"),
        "PLAIN_PCC_LOG_LEVEL": "info",
    }
    env.pop("PLAIN_PCC_ACCESS_LOG", None)  # the production default: on
    quiet_env = {**env, "PLAIN_PCC_ACCESS_LOG": "false"}
    log = scratch / f"servers-{workers}.log"
    page = site.page

    # Start-up, one server at a time on an otherwise idle run: the site three times.
    starts = []
    for _ in range(3):
        server = start("site", serve, env, page, log)
        starts.append(server.startup)
        server.stop()
    table.startup["site"] = starts

    servers = [
        start("baseline", baseline_command, env, "/", log),
        start("site", serve, env, page, log),
        start("site, access log off", serve, quiet_env, page, log),
    ]
    baseline, logged, quiet = servers
    table.startup["baseline"] = [baseline.startup]
    table.startup["site, access log off"] = [quiet.startup]
    nginx = None
    try:
        assert proxy.request(baseline.port, "/").body == site.expected.identity["normal"]
        with Memory(servers) as memory:
            for server in servers:
                wrk(server, "/" if server is baseline else page, options, options.warmup)
            settled = time.monotonic()

            def row(
                name: str,
                server: Server,
                path: str,
                status: int,
                target: str = "page",
                **headers: str,
            ) -> None:
                answer = proxy.request(server.port, path, **headers)
                if answer.status != status:
                    raise RuntimeError(f"{name}: expected {status}, got {answer.status}")
                since = time.monotonic()
                pairs = []
                for _ in range(options.rounds):
                    pairs.append(
                        (
                            wrk(baseline, "/", options, options.duration),
                            wrk(server, path, options, options.duration, **headers),
                        )
                    )
                bases = [base for base, _ in pairs]
                loads = [load for _, load in pairs]
                table.baselines += bases
                table.rows.append(
                    Row(
                        name,
                        median_load(loads),
                        median_load(bases),
                        statistics.median(
                            load.requests_per_s / base.requests_per_s for base, load in pairs
                        ),
                        statistics.median(
                            base.cpu_us / max(load.cpu_us, 0.1) for base, load in pairs
                        ),
                        memory.peak(server.name, since),
                        target,
                    )
                )

            tag = f'"{site.expected.etags[("normal", "identity")]}"'
            row("reports page, no cookie", logged, page, 200)
            row("reports page, font_size=large cookie", logged, page, 200, Cookie="font_size=large")
            row("reports page, brotli", logged, page, 200, Accept_Encoding="gzip, deflate, br")
            row("reports page, 304 (If-None-Match)", logged, page, 304, "above", If_None_Match=tag)
            row("text-only reports page", logged, site.text_page, 200)
            row("stylesheet (full.css)", logged, site.stylesheet, 200, "")
            table.drift = memory.drift("site", settled)
            row("reports page, access log OFF", quiet, page, 200)
            row("reports page, 304, access log OFF", quiet, page, 304, "above", If_None_Match=tag)
            if options.nginx and proxy.binary():
                nginx = proxy.Nginx(free_port(), quiet.port)
                table.proxy = proxy.check(nginx.port, site.expected)
                front = Server("nginx", nginx.process, nginx.port)
                servers.append(front)  # its memory is sampled, and it is stopped, like the rest
                row("reports page via nginx cache (log off)", front, page, 200, "")
            table.baseline_rss = memory.peak("baseline", settled)
    finally:
        if nginx is not None:
            nginx.stop()  # first: it also removes its folder
        for server in servers:
            server.stop()
    return table


# Report -------------------------------------------------------------------------------------


def report(table: Table, options: argparse.Namespace) -> list[str]:
    """Print one table; return the targets it missed."""
    missed: list[str] = []
    where = f"--workers {table.workers}"
    print()
    print(
        f"## {where}: wrk -t{options.threads} -c{options.connections}, {options.rounds} rounds of "
        f"{options.duration:g} s per row{options.pinning}; access log ON (production default) "
        "unless the row says OFF"
    )
    print()
    print(
        "| row                                           |  req/s | p50 ms | p99 ms | CPU us/req "
        "| RSS/worker MB | req/s vs baseline | CPU vs baseline |"
    )
    print(
        "|-----------------------------------------------|-------:|-------:|-------:|-----------:"
        "|--------------:|------------------:|----------------:|"
    )
    base = median_load(table.baselines)
    lines = [("baseline: Starlette, stock uvicorn", base, table.baseline_rss, 1.0, 1.0, "")]
    lines += [(r.name, r.load, r.rss_mb, r.ratio, r.cpu_ratio, r.target) for r in table.rows]
    for name, load, rss, ratio, cpu_ratio, target in lines:
        flag = cpu_flag = ""
        wanted = f">= {PAGE_RATIO}" if target == "page" else "> 1"
        if (target == "page" and ratio < PAGE_RATIO) or (target == "above" and ratio <= 1.0):
            flag = " *"
            missed.append(f"{where}: {name}: {ratio:.2f} of baseline req/s (target {wanted})")
        if (target == "page" and cpu_ratio < PAGE_RATIO) or (
            target == "above" and cpu_ratio <= 1.0
        ):
            cpu_flag = " *"
            missed.append(
                f"{where}: {name}: {cpu_ratio:.2f} of baseline CPU per request (target {wanted})"
            )
        if load.errors:
            missed.append(f"{where}: {name}: {load.errors} errors")
        if rss >= RSS_LIMIT_MB:
            missed.append(f"{where}: {name}: {rss:.1f} MB per worker")
        print(
            f"| {name:<45} | {load.requests_per_s:>6.0f} | {load.p50_ms:>6.2f} | "
            f"{load.p99_ms:>6.2f} | {load.cpu_us:>10.1f} | {rss:>13.1f} | "
            f"{ratio:>15.2f}{flag:<2} | {cpu_ratio:>13.2f}{cpu_flag:<2} |"
        )
    print()
    print("Baseline runs, req/s: " + ", ".join(f"{b.requests_per_s:.0f}" for b in table.baselines))
    starts = "; ".join(
        f"{name} " + ", ".join(f"{seconds:.2f}" for seconds in values) + " s"
        for name, values in table.startup.items()
    )
    print(f"Start-up to first 200: {starts}.")
    site_start = statistics.median(table.startup["site"])
    if site_start >= START_LIMIT_S:
        missed.append(f"{where}: start-up {site_start:.2f} s (median)")
    first, last = table.drift
    print(
        f"Site memory across its rows, largest worker: {first:.1f} MB after warm-up, "
        f"{last:.1f} MB at the end."
    )
    if last - first > FLAT_MB:
        missed.append(f"{where}: memory grew {last - first:.1f} MB")
    if table.proxy:
        passed = sum(ok for _, ok in table.proxy)
        print(f"nginx with deploy/nginx.conf: {passed} of {len(table.proxy)} checks passed.")
        for name, ok in table.proxy:
            if not ok:
                print(f"  FAILED: {name}")
    return missed


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        sys.exit("wrk is missing: run 'sudo apt-get install wrk'")
    print("Installing wrk from Debian ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run (2)")
    parser.add_argument("--rounds", type=int, default=5, help="baseline-then-row rounds (5)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per server")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    parser.add_argument("--no-nginx", dest="nginx", action="store_false", help="skip nginx")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    options = parser.parse_args(argv)
    ensure_wrk()
    if options.nginx and not proxy.binary():
        print("nginx is not installed: the deploy/nginx.conf rows are skipped.")

    site = read_site(options.content)
    print(
        f"plain-pcc benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the start"
    )
    print(f"Reports page: {site.page} ({len(site.expected.identity['normal'])} bytes of HTML)")
    missed: list[str] = []
    failed = False
    scratch = Path(tempfile.mkdtemp(prefix="plain-pcc-bench-"))
    try:
        (scratch / "page.html").write_bytes(site.expected.identity["normal"])
        for workers in options.workers:
            # One worker: the servers on one core and wrk on the other, so that the load
            # generator never takes the server's core. Two workers need both cores.
            pin = workers == 1 and (os.cpu_count() or 1) >= 2 and shutil.which("taskset")
            options.server_prefix = ["taskset", "-c", "0"] if pin else []
            options.wrk_prefix = ["taskset", "-c", "1"] if pin else []
            options.pinning = ", servers on core 0 and wrk on core 1" if pin else ""
            table = measure(workers, site, options, scratch)
            missed += report(table, options)
            failed = failed or not all(ok for _, ok in table.proxy)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print()
    print(
        f"Targets: page rows >= {PAGE_RATIO} of the baseline's req/s and of its CPU time per "
        "request (baseline CPU / row CPU), the 304 rows above 1 on both, "
        f"RSS < {RSS_LIMIT_MB:.0f} MB per worker and flat (< {FLAT_MB:.0f} MB growth), "
        f"start-up < {START_LIMIT_S} s (median of 3)."
    )
    if missed:
        print("Missed:")
        for line in missed:
            print(f"  - {line}")
    else:
        print("All targets met.")
    if failed:
        return 1
    return 1 if options.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
