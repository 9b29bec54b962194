"""The soak: the site under steady load on loopback, with a trickle of hostile requests.

    make soak            (60 seconds at 64 connections; see --help for shorter runs)

The server is started exactly as ``plain-pcc serve`` starts it (``cli.server_options``), one
process on a free port of 127.0.0.1, with its access log on. wrk (Debian's) loads
the HMIC reports page in both modes with a mix of cookies and Accept-Encoding values; one
request in 25 is hostile (encoded traversal, NUL, CRLF, a huge cookie, a wrong Host,
cross-site and oversized form posts, odd methods and codings).

Sixteen more connections send a request head a byte a second and never finish it.

It passes when there is no 5xx, no socket error, no traceback in the log, every request wrk
completed is in the access log (nothing lost), every slow connection is cut off by the
server's 10-second request deadline, and resident memory never grows more than 10% over its
size after the warm-up. It prints the numbers and exits 1 on failure. Every run is
bounded in time and stops by itself; traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from run import ensure_wrk  # bench/, the folder of this script

from plain_pcc.protocol import HEAD_TIMEOUT

ROOT = Path(__file__).resolve().parents[1]
REPORTS = "/finance-reporting/publications/hmic-reports/hmic-reports-2016/"
MEMORY_GROWTH_LIMIT = 0.10
SLOW_CONNECTIONS = 16
# The child: uvicorn on the socket this script opened, with the site's own options.
LAUNCH = """
import os, sys, uvicorn
from plain_pcc.cli import server_options
from plain_pcc.settings import Settings
options = server_options(Settings.from_env(os.environ))
uvicorn.run(
    "plain_pcc.app:create_app", factory=True, host="127.0.0.1", port=int(sys.argv[1]), **options
)
"""

LUA = r"""
-- Every thread builds the same mix; the counter walks it, so the mix is exact, not random.
local pages = {
  "/finance-reporting/publications/hmic-reports/hmic-reports-2016/",
  "/text-only/finance-reporting/publications/hmic-reports/hmic-reports-2016/",
}
local cookies = {
  "", "font_size=large", "font_size=extra-large", "font_size=normal",
  "font_size=huge", "_ga=GA1.2.345; font_size=large; session=0123456789abcdef",
  "font_size=large; font_size=extra-large",
}
local encodings = {
  "", "br", "gzip", "gzip, deflate, br, zstd", "identity", "br;q=1.0, gzip;q=0.8, *;q=0.1",
}
local form = "application/x-www-form-urlencoded"
local hostile_specs = {
  {"GET", "/static/..%2f..%2f..%2fetc%2fpasswd", {}},
  {"GET", "/%2e%2e/%2e%2e/pyproject.toml", {}},
  {"GET", "/static/%2e%2e/src/plain_pcc/app.py", {}},
  {"GET", "/text-only/%00", {}},
  {"GET", "/%0d%0aSet-Cookie:%20admin=1", {}},
  {"GET", "/%3Cscript%3Ealert(1)%3C/script%3E", {}},
  {"GET", "/?q=%3Cscript%3E&return_to=//evil.example", {}},
  {"GET", "/" .. string.rep("a/", 2000), {}},
  {"GET", "/", {["Host"] = "evil.example"}},
  {"GET", "/", {["Host"] = "[::1]evil.example"}},
  {"GET", pages[1], {["Cookie"] = "font_size=" .. string.rep("x", 6000)}},
  {"GET", pages[1], {["Cookie"] = ";;=;font_size=\"large\";=="}},
  {"GET", pages[2], {["Accept-Encoding"] = "identity;q=0, *;q=0"}},
  {"GET", pages[2], {["If-None-Match"] = "*, W/\", \"\"\""}},
  {"GET", "/", {["X-Forwarded-Host"] = "evil.example", ["Forwarded"] = "host=evil.example"}},
  {"POST", "/preferences", {["Content-Type"] = form, ["Origin"] = "https://evil.example"},
   "font_size=large&return_to=/"},
  {"POST", "/preferences", {["Content-Type"] = form, ["Sec-Fetch-Site"] = "cross-site"},
   "font_size=large&return_to=/"},
  {"POST", "/preferences", {["Content-Type"] = form},
   "font_size=large&pad=" .. string.rep("x", 5000)},
  {"POST", "/preferences", {["Content-Type"] = "application/json"}, "{\"font_size\": \"large\"}"},
  {"POST", "/preferences", {["Content-Type"] = form}, "font_size=large&return_to=//evil.example"},
  {"POST", "/preferences", {["Content-Type"] = form}, "font_size=%ff%fe&return_to=/%c0%af"},
  {"GET", "/preferences", {}},
  {"PROPFIND", "/", {}},
  {"DELETE", "/cookies/", {}},
  {"TRACE", pages[1], {}},
  {"GET", "/cookies", {}},
}

local normal = {}
local hostile = {}
local counter = 0
statuses = {}

function init(args)
  for _, page in ipairs(pages) do
    for _, cookie in ipairs(cookies) do
      for _, encoding in ipairs(encodings) do
        local headers = {}
        if cookie ~= "" then headers["Cookie"] = cookie end
        if encoding ~= "" then headers["Accept-Encoding"] = encoding end
        table.insert(normal, wrk.format("GET", page, headers))
      end
    end
  end
  for _, spec in ipairs(hostile_specs) do
    table.insert(hostile, wrk.format(spec[1], spec[2], spec[3], spec[4]))
  end
end

function request()
  counter = counter + 1
  if counter % 25 == 0 then
    return hostile[(counter / 25) % #hostile + 1]
  end
  return normal[counter % #normal + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("SOAK status %d %d\n", status, count))
  end
  local e = summary.errors
  io.write(string.format("SOAK requests %d\n", summary.requests))
  io.write(string.format("SOAK errors %d %d %d %d %d\n",
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write(string.format("SOAK latency %.0f %.0f %.0f\n",
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


@dataclass
class Load:
    seconds: float
    requests: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    # connect, read, write, status, timeout: as wrk counts them
    errors: tuple[int, ...] = (0, 0, 0, 0, 0)
    latency_us: tuple[float, ...] = (0, 0, 0)

    @property
    def socket_errors(self) -> int:
        connect, read, write, _, timeout = self.errors
        return connect + read + write + timeout

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the soak")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--warmup", type=float, default=5, help="load before memory is read")
    options = parser.parse_args(argv)
    ensure_wrk()

    with tempfile.TemporaryDirectory(prefix="plain-pcc-soak-") as folder:
        script = Path(folder) / "soak.lua"
        script.write_text(LUA, encoding="utf-8")
        log = Path(folder) / "server.log"
        server, port = start_server(log)
        try:
            url = f"http://127.0.0.1:{port}"
            warm = wrk(url, script, options.connections, options.warmup)
            baseline = rss_kib(server.pid)
            samples: list[int] = []
            stop = threading.Event()
            sampler = threading.Thread(target=sample, args=(server.pid, samples, stop))
            slow = Slowloris(port, SLOW_CONNECTIONS)
            sampler.start()
            slow.start()
            try:
                load = wrk(url, script, options.connections, options.seconds)
            finally:
                stop.set()
                slow.stop.set()
                sampler.join()
                slow.join()
            final = rss_kib(server.pid)
            alive = server.poll() is None
        finally:
            stop_server(server)
        logged, logged_5xx, traces = read_log(log)

    peak = max([*samples, final])
    growth = (peak - baseline) / baseline
    lost = load.requests + warm.requests - logged
    report(options, load, warm, baseline, peak, final, logged, logged_5xx, traces)
    print(f"  slow clients  {slow.cut} of {slow.count} cut off by the server's request deadline")
    failures = []
    if not alive:
        failures.append("the server died")
    if load.server_errors or logged_5xx:
        failures.append(f"{load.server_errors} 5xx seen by wrk, {logged_5xx} in the log")
    if load.socket_errors or warm.socket_errors:
        failures.append(f"socket errors {load.errors} (connect, read, write, status, timeout)")
    if traces:
        failures.append(f"{traces} tracebacks in the server log")
    if growth >= MEMORY_GROWTH_LIMIT:
        failures.append(f"resident memory grew {growth:.1%} (limit {MEMORY_GROWTH_LIMIT:.0%})")
    # wrk counts only answers it read in full; the server also logs the few in flight at the end.
    if lost > 0:
        failures.append(f"{lost} requests wrk completed are missing from the access log")
    if not load.requests:
        failures.append("no request completed")
    # The server's deadline for a request is 10 s (plain_pcc.protocol): a longer soak must see
    # every slow connection cut.
    if options.seconds > 2 * HEAD_TIMEOUT and slow.cut < slow.count:
        failures.append(f"{slow.count - slow.cut} slow connections outlived the request deadline")
    for failure in failures:
        print(f"FAIL: {failure}")
    print("soak: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


class Slowloris(threading.Thread):
    """Connections that send a request head a byte a second and never finish it."""

    def __init__(self, port: int, count: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.count = count
        self.cut = 0
        self.stop = threading.Event()

    def run(self) -> None:
        connections = []
        for _ in range(self.count):
            connection = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            connections.append(connection)
        try:
            while connections and not self.stop.wait(1):
                for connection in list(connections):
                    try:
                        connection.sendall(b"a")
                        closed = connection.recv(1, socket.MSG_DONTWAIT) == b""
                    except BlockingIOError:
                        closed = False
                    except OSError:
                        closed = True
                    if closed:
                        self.cut += 1
                        connections.remove(connection)
                        connection.close()
        finally:
            for connection in connections:
                connection.close()


def start_server(log: Path) -> tuple[subprocess.Popen[bytes], int]:
    # By host and port, as 'plain-pcc serve' does: uvicorn's fd= option would take the socket
    # for a Unix one, and so without TCP_NODELAY (40 ms of delayed ACK on every answer).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PLAIN_PCC_")},
        "PLAIN_PCC_CONTENT_DIR": str(ROOT / "content"),
        "PLAIN_PCC_BASE_URL": f"http://127.0.0.1:{port}",
        "PLAIN_PCC_ACCESS_LOG": "true",
        "PLAIN_PCC_LOG_LEVEL": "info",
    }
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, str(port)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    for _ in range(600):
        if server.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as probe:
                probe.sendall(
                    b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                if probe.recv(64).startswith(b"HTTP/1.1 200"):
                    return server, port
        except OSError:
            time.sleep(0.05)
    stop_server(server)
    sys.exit(f"the server did not start:\n{log.read_text(errors='replace')}")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wrk(url: str, script: Path, connections: int, seconds: float) -> Load:
    command = [
        "wrk",
        "--threads",
        "1",  # two cores: one for the server, one for the load
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "--script",
        str(script),
        url + REPORTS,
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    )
    load = Load(seconds)
    for line in result.stdout.splitlines():
        words = line.split()
        if words[:2] == ["SOAK", "status"]:
            load.statuses[int(words[2])] = int(words[3])
        elif words[:2] == ["SOAK", "requests"]:
            load.requests = int(words[2])
        elif words[:2] == ["SOAK", "errors"]:
            load.errors = tuple(int(word) for word in words[2:])
        elif words[:2] == ["SOAK", "latency"]:
            load.latency_us = tuple(float(word) for word in words[2:])
    return load


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert match is not None
    return int(match[1])


def sample(pid: int, samples: list[int], stop: threading.Event) -> None:
    while not stop.wait(1):
        samples.append(rss_kib(pid))


ACCESS = re.compile(rb'^\S+Z \S+ "[^"]*" (\d{3}) \d+ [\d.]+ms$', re.MULTILINE)


def read_log(log: Path) -> tuple[int, int, int]:
    """Access lines, the 5xx among them, and tracebacks, from the server's log."""
    data = log.read_bytes()
    statuses = [int(status) for status in ACCESS.findall(data)]
    # The start-up probe is the one logged request wrk did not send.
    logged = len(statuses) - 1
    return logged, sum(status >= 500 for status in statuses), data.count(b"Traceback")


def report(
    options: argparse.Namespace,
    load: Load,
    warm: Load,
    baseline: int,
    peak: int,
    final: int,
    logged: int,
    logged_5xx: int,
    traces: int,
) -> None:
    hostile = sum(count for status, count in load.statuses.items() if status >= 400)
    print(f"soak: {options.seconds:.0f} s at {options.connections} connections on 127.0.0.1")
    print(f"  requests      {load.requests}  ({load.requests / load.seconds:.0f}/s)")
    print(
        "  latency       p50 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms".format(
            *(value / 1000 for value in load.latency_us)
        )
    )
    print(f"  statuses      {dict(sorted(load.statuses.items()))}")
    print(f"  refused (4xx) {hostile}  (the hostile trickle, 1 request in 25)")
    print(f"  5xx           {load.server_errors} seen by wrk, {logged_5xx} in the access log")
    connect, read, write, _, timeout = load.errors
    print(f"  socket errors connect {connect}, read {read}, write {write}, timeout {timeout}")
    print(
        f"  access log    {logged} lines for {load.requests + warm.requests} completed "
        f"requests (warm-up included); {traces} tracebacks"
    )
    print(
        f"  memory (RSS)  {baseline / 1024:.1f} MiB after warm-up, peak {peak / 1024:.1f} MiB, "
        f"end {final / 1024:.1f} MiB: growth {(peak - baseline) / baseline:+.1%}"
    )


if __name__ == "__main__":
    sys.exit(main())
