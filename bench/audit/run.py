"""``make bench-audit``: the audit's speed against a bare axe run and the tools a QA engineer
would pick instead, on one generated site, every row measured in the same run.

Each row is one or more child processes auditing pages of the site (served by a thread of
this process on loopback). A row's CPU time is everything its processes and their browsers
used: this process is made the "child subreaper" of everything it starts, so a Chromium that
outlives its parent is still waited for here and counted in ``RUSAGE_CHILDREN``. The site's
own serving is this process's time and is charged to no row.

    python bench/audit/run.py [--pages 240] [--browsers 2] [--sample 60] [--rows a,d,e]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))

from corpus import build_site, serve  # noqa: E402  (this folder, put on the path just above)

NODE_BIN = HERE / "node_modules" / ".bin"
AXE_SCRIPT = REPO / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = "wcag2a,wcag2aa,wcag21a,wcag21aa,wcag22aa,best-practice"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
PR_SET_CHILD_SUBREAPER = 36
ROW_TIMEOUT = 1800


@dataclass
class Outcome:
    """What a row's output says it did."""

    pages: int
    violations: int
    failed: list[str] = field(default_factory=list)


@dataclass
class Row:
    key: str
    name: str
    pages_asked: int
    browsers: int
    wall: float
    cpu: float
    peak_rss_mb: float
    outcome: Outcome
    note: str = ""

    @property
    def pages_per_second(self) -> float:
        return self.outcome.pages / self.wall if self.wall else 0.0

    @property
    def cpu_per_page(self) -> float:
        return self.cpu / self.outcome.pages if self.outcome.pages else float("inf")

    @property
    def pages_per_browser_second(self) -> float:
        return self.pages_per_second / self.browsers


def become_subreaper() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def orphans() -> list[int]:
    """Processes whose parent is this one (started by a row, orphaned, adopted here)."""
    mine = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == mine:
            found.append(int(entry.name))
    return found


def reap(grace: float = 10.0) -> None:
    """Wait for every descendant left behind; kill what is still running after ``grace``."""
    deadline = time.monotonic() + grace
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if time.monotonic() > deadline:
            for pid in orphans():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + grace
        time.sleep(0.05)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def measure(
    commands: Sequence[Sequence[str]],
    parse: Callable[[list[str], Path], Outcome],
    workdir: Path,
    env: dict[str, str] | None = None,
) -> tuple[float, float, float, Outcome]:
    """Run the commands side by side: wall seconds, CPU seconds, peak RSS of the first, outcome."""
    reap()
    before = children_cpu()
    start = time.perf_counter()
    processes = [
        subprocess.Popen(
            list(command),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            cwd=workdir,
            env={**os.environ, **(env or {})},
            text=True,
        )
        for command in commands
    ]
    peak = 0.0
    outputs: list[str] = [""] * len(processes)
    errors: list[str] = [""] * len(processes)

    # The tools write megabytes of JSON: read their pipes as they go so none of them blocks.
    def drain(index: int, process: subprocess.Popen[str]) -> None:
        out, err = process.communicate(timeout=ROW_TIMEOUT)
        outputs[index], errors[index] = out, err

    threads = [
        threading.Thread(target=drain, args=(i, p), daemon=True) for i, p in enumerate(processes)
    ]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        peak = max(peak, peak_rss_mb(processes[0].pid) or 0.0)
        time.sleep(0.2)
    wall = time.perf_counter() - start
    reap()
    cpu = children_cpu() - before
    for command, process, err in zip(commands, processes, errors, strict=True):
        if process.returncode not in (0, 1, 2):
            print(f"  {command[0]} exited {process.returncode}: {err[-800:]}", file=sys.stderr)
    return wall, cpu, peak, parse(outputs, workdir)


def parse_floor(outputs: list[str], _: Path) -> Outcome:
    data = json.loads(outputs[0].strip().splitlines()[-1])
    return Outcome(data["pages"], data["violations"], data["failed"])


def parse_pa11y(outputs: list[str], _: Path) -> Outcome:
    data = json.loads(outputs[0])
    pages = violations = 0
    failed = []
    for url, issues in data["results"].items():
        # A page pa11y could not test is reported as one issue with no rule code.
        if any("code" not in issue for issue in issues):
            failed.append(f"{url}: {issues[0].get('message', '')[:120]}")
            continue
        pages += 1
        violations += sum(1 for issue in issues if issue.get("type") == "error")
    return Outcome(pages, violations, failed)


def parse_axe_cli(outputs: list[str], workdir: Path) -> Outcome:
    pages = violations = 0
    for path in sorted(workdir.glob("axe-cli-*.json")):
        for result in json.loads(path.read_text(encoding="utf-8")):
            pages += 1
            violations += sum(len(v["nodes"]) for v in result["violations"])
    return Outcome(pages, violations)


def split(urls: list[str], parts: int) -> list[list[str]]:
    return [urls[index::parts] for index in range(parts)]


def row_floor(urls: list[str], browsers: int, workdir: Path) -> tuple[list[list[str]], Any]:
    listing = workdir / "floor-urls.txt"
    listing.write_text("\n".join(urls), encoding="utf-8")
    command = [sys.executable, str(HERE / "floor.py"), str(listing), "--browsers", str(browsers)]
    return [command], parse_floor


def row_pa11y(urls: list[str], browsers: int, workdir: Path) -> tuple[list[list[str]], Any]:
    config = {
        "defaults": {
            "runners": ["axe"],
            "concurrency": browsers,
            "timeout": 60000,
            "chromeLaunchConfig": {"executablePath": CHROMIUM, "args": list(CHROMIUM_FLAGS)},
        },
        "urls": urls,
    }
    path = workdir / "pa11yci.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return [[str(NODE_BIN / "pa11y-ci"), "--config", str(path), "--json"]], parse_pa11y


def row_axe_cli(urls: list[str], browsers: int, workdir: Path) -> tuple[list[list[str]], Any]:
    # The CLI takes one browser: one CLI per browser, each with its share of the pages.
    commands = []
    for index, share in enumerate(split(urls, browsers)):
        commands.append(
            [
                str(NODE_BIN / "axe"),
                *share,
                "--chromedriver-path",
                CHROMEDRIVER,
                "--chrome-path",
                CHROMIUM,
                "--chrome-options",
                ",".join(flag.removeprefix("--") for flag in CHROMIUM_FLAGS),
                "--axe-source",
                str(AXE_SCRIPT),
                "--tags",
                TAGS,
                "--dir",
                str(workdir),
                "--save",
                f"axe-cli-{index}.json",
                "--no-reporter",
            ]
        )
    return commands, parse_axe_cli


@dataclass(frozen=True)
class RowKind:
    name: str
    build: Callable[[list[str], int, Path], tuple[list[list[str]], Any]]
    sampled: bool = False  # given the sample only: too slow for every page
    browsers: int | None = None  # fixed, whatever --browsers says


ROWS: dict[str, RowKind] = {
    "a": RowKind("(a) bare axe-core through Selenium (floor)", row_floor),
    # pa11y-ci drives one Chromium with a tab per concurrent URL; with Debian's Chromium it
    # loses pages at concurrency 2 (Target.closeTarget protocol errors), so it is measured
    # both ways.
    "d": RowKind("(d) pa11y-ci 4.1.1, axe runner, concurrency 1", row_pa11y, True, 1),
    "d2": RowKind("(d) pa11y-ci 4.1.1, axe runner, concurrency 2", row_pa11y, True),
    "e": RowKind("(e) @axe-core/cli 4.13.0 with the pinned axe-core", row_axe_cli),
}


def table(rows: list[Row]) -> str:
    floor = next((row for row in rows if row.key == "a"), None)
    lines = [
        "| row | pages | failed | browsers | seconds | pages/s | pages per browser-second "
        "| CPU s/page | CPU/page vs (a) | s/page vs (a) | findings | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        cpu_ratio = time_ratio = "-"
        if floor and floor.outcome.pages and row.outcome.pages:
            cpu_ratio = f"{row.cpu_per_page / floor.cpu_per_page:.2f}"
            time_ratio = f"{floor.pages_per_second / row.pages_per_second:.2f}"
        lines.append(
            f"| {row.name} | {row.outcome.pages}/{row.pages_asked} | {len(row.outcome.failed)} "
            f"| {row.browsers} | {row.wall:.1f} | {row.pages_per_second:.2f} "
            f"| {row.pages_per_browser_second:.3f} | {row.cpu_per_page:.3f} | {cpu_ratio} "
            f"| {time_ratio} | {row.outcome.violations} | {row.peak_rss_mb:.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=240, help="pages in the generated site")
    parser.add_argument("--browsers", type=int, default=2, help="browsers per row")
    parser.add_argument(
        "--sample",
        type=int,
        default=40,
        help="pages given to the slowest peer (pa11y-ci), drawn across every kind; 0: all",
    )
    parser.add_argument("--rows", default="a,e,d,d2", help="which rows, in order, e.g. a,d")
    parser.add_argument("--json", type=Path, help="also write the rows here as JSON")
    args = parser.parse_args(argv)
    become_subreaper()
    site = build_site(args.pages)
    rows: list[Row] = []
    with serve(site) as base_url, tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        urls = [base_url + path for path in site if path.startswith("/page-")]
        sample = urls if not args.sample else sorted(random.Random(7).sample(urls, args.sample))
        print(
            f"site: {len(urls)} pages on {base_url}; {args.browsers} browsers per row; "
            f"CPU includes every browser process",
            file=sys.stderr,
        )
        for key in args.rows.split(","):
            kind = ROWS[key]
            name = kind.name
            chosen = sample if kind.sampled else urls
            browsers = kind.browsers or args.browsers
            workdir = Path(tmp) / key
            workdir.mkdir()
            commands, parse = kind.build(chosen, browsers, workdir)
            env = {"PUPPETEER_SKIP_DOWNLOAD": "true", "SE_OFFLINE": "true"}
            print(f"{name}: {len(chosen)} pages ...", file=sys.stderr, flush=True)
            wall, cpu, peak, outcome = measure(commands, parse, workdir, env)
            row = Row(key, name, len(chosen), browsers, wall, cpu, peak, outcome)
            rows.append(row)
            print(
                f"  {outcome.pages} pages in {wall:.1f} s, {cpu:.1f} CPU s, "
                f"{len(outcome.failed)} failed",
                file=sys.stderr,
                flush=True,
            )
            for failure in outcome.failed[:5]:
                print(f"    {failure}", file=sys.stderr)
    print(table(rows))
    if args.json:
        args.json.write_text(
            json.dumps([row.__dict__ | {"outcome": row.outcome.__dict__} for row in rows], indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
