"""``make bench-audit``: the audit's speed against a bare axe run and the tools a QA engineer
would pick instead, on one generated site, every row measured in the same run.

Each row is one or more child processes auditing pages of the site (served by a thread of
this process on loopback). A row's CPU time is everything its processes and their browsers
used: this process is made the "child subreaper" of everything it starts, so a Chromium that
outlives its parent is still waited for here and counted in ``RUSAGE_CHILDREN``. The site's
own serving is this process's time and is charged to no row.

    python bench/audit/run.py [--pages 200] [--browsers 2] [--sample 40] [--rows a,a2,b,b1,c,e,d,d2]
                                [--no-grid]
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
# What (c) knows of the generated site: its repeated footer and a 404 probe, so that the checks
# needing a profile have something to judge. (b) runs the checks any site gets with no profile.
BENCH_PROFILE = """
name = "bench"

[not_found]
paths = ["/no-such-page/"]

[[parts]]
name = "footer"
selector = "footer p"
rule = "consistent-help"
"""
ROW_TIMEOUT = 1800


@dataclass
class Outcome:
    """What a row's output says it did."""

    pages: int
    violations: int
    failed: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


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


def orphans(keep: Sequence[int] = ()) -> list[int]:
    """Processes whose parent is this one (started by a row, orphaned, adopted here), but for
    those in ``keep`` (a Grid that outlives the row)."""
    mine = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == mine and int(entry.name) not in keep:
            found.append(int(entry.name))
    return found


def reap(grace: float = 10.0, keep: Sequence[int] = ()) -> None:
    """Wait for every descendant left behind; kill what is still running after ``grace``,
    but for the processes in ``keep``."""
    deadline = time.monotonic() + grace
    while True:
        if not orphans(keep):
            # Only kept processes are left (or none): nothing more to wait for.
            with contextlib.suppress(ChildProcessError):
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass
            return
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid:
            continue
        if time.monotonic() > deadline:
            for pid in orphans(keep):
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
    keep: Sequence[int] = (),
) -> tuple[float, float, float, Outcome]:
    """Run the commands side by side: wall seconds, CPU seconds, peak RSS of the first, outcome.

    ``keep``: processes of this one that are not the row's and must survive it (a Grid).
    """
    reap(keep=keep)
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
    reap(keep=keep)
    cpu = children_cpu() - before
    try:
        outcome = parse(outputs, workdir)
    except (OSError, ValueError, KeyError, IndexError):
        for command, process, err in zip(commands, processes, errors, strict=True):
            print(f"  {command[0]} exited {process.returncode}: {err[-2000:]}", file=sys.stderr)
        raise
    return wall, cpu, peak, outcome


def averaged(first: Row, second: Row) -> Row:
    """A floor from its two runs over the same pages: seconds and CPU the mean, the peak the
    higher, any page either run could not audit counted as failed."""
    failed = first.outcome.failed + second.outcome.failed
    outcome = Outcome(
        min(first.outcome.pages, second.outcome.pages),
        first.outcome.violations,
        failed,
        first.outcome.extra,
    )
    return Row(
        first.key,
        f"{first.name}, mean of the first and last runs",
        first.pages_asked,
        first.browsers,
        (first.wall + second.wall) / 2,
        (first.cpu + second.cpu) / 2,
        max(first.peak_rss_mb, second.peak_rss_mb),
        outcome,
        note=f"{first.cpu / first.outcome.pages:.3f} and {second.cpu / second.outcome.pages:.3f}"
        " CPU s a page"
        if first.outcome.pages and second.outcome.pages
        else "",
    )


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


def row_floor_shell(urls: list[str], browsers: int, workdir: Path) -> tuple[list[list[str]], Any]:
    commands, parse = row_floor(urls, browsers, workdir)
    return [commands[0] + ["--shell"]], parse


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


def parse_engine(outputs: list[str], workdir: Path) -> Outcome:
    """Pages whose every cell was audited, findings, and what could not be done."""
    summary = json.loads((workdir / "report" / "summary.json").read_text(encoding="utf-8"))
    lost = {cell["cell"] for cell in summary["not_audited"]}
    failed = [f"not audited: {cell}" for cell in sorted(lost)]
    failed += [
        f"{c['check']} could not run in {c['cell']}: {c['reason']}"
        for c in summary["could_not_run"]
    ]
    done = {where["cell"] for where in summary["where"]}
    pages = sum(
        1 for page in summary["pages"] if not any(cell.startswith(f"{page}") for cell in lost)
    )
    # Violations and best practice, as axe's own list has them; "needs review" is apart.
    counts = summary["counts"]
    outcome = Outcome(pages if done else 0, counts["violation"] + counts["best-practice"], failed)
    outcome.extra = {
        "pages": len(summary["pages"]),
        "review": counts["review"],
        "cells": summary["cells"],
        "cells_audited": summary["cells_audited"],
        "timings": summary["timings"],
        "sessions": summary["sessions"],
    }
    return outcome


def generic_checks() -> list[str]:
    from plain_pcc.audit.checks import all_checks

    return [check.id for check in all_checks() if check.family == "generic"]


def engine_command(workdir: Path, browsers: int, *options: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "plain_pcc",
        "audit",
        "--report",
        str(workdir / "report"),
        "--workers",
        str(browsers),
        *options,
    ]


def row_generic(urls: list[str], browsers: int, workdir: Path) -> tuple[list[list[str]], Any]:
    listing = workdir / "urls.txt"
    listing.write_text("\n".join(urls), encoding="utf-8")
    base = urls[0].split("/page-")[0]
    options = ["--base-url", base, "--urls", str(listing), "--checks", ",".join(generic_checks())]
    return [engine_command(workdir, browsers, *options)], parse_engine


def row_every(urls: list[str], browsers: int, workdir: Path) -> tuple[list[list[str]], Any]:
    listing = workdir / "urls.txt"
    listing.write_text("\n".join(urls), encoding="utf-8")
    base = urls[0].split("/page-")[0]
    profile = workdir / "profile.toml"
    profile.write_text(BENCH_PROFILE, encoding="utf-8")
    options = ["--base-url", base, "--urls", str(listing), "--profile", str(profile)]
    return [engine_command(workdir, browsers, *options)], parse_engine


@dataclass(frozen=True)
class RowKind:
    name: str
    build: Callable[[list[str], int, Path], tuple[list[list[str]], Any]]
    sampled: bool = False  # given the sample only: too slow for every page
    browsers: int | None = None  # fixed, whatever --browsers says


FLOORS = ("a", "a2")
ROWS: dict[str, RowKind] = {
    "a": RowKind("(a) bare axe-core through Selenium (floor)", row_floor),
    # The same in the browser the audit drives (Chromium's headless shell, when installed):
    # (b) and (c) against it are the cost of the checks alone, browser for browser.
    "a2": RowKind("(a2) bare axe-core through Selenium, headless shell", row_floor_shell),
    "b": RowKind("(b) this audit, generic checks", row_generic),
    # pa11y-ci cannot use a second browser here (below), so its pages per browser-second are
    # set against this audit's with one browser too, on the same sample: two browsers on two
    # cores share the cores, and each browser-second buys less.
    "b1": RowKind("(b1) this audit, generic checks, one browser", row_generic, True, 1),
    "c": RowKind("(c) this audit, every check", row_every, True),
    # pa11y-ci drives one Chromium with a tab per concurrent URL; with Debian's Chromium it
    # loses pages at concurrency 2 (Target.closeTarget protocol errors), so it is measured
    # both ways.
    "d": RowKind("(d) pa11y-ci 4.1.1, axe runner, concurrency 1", row_pa11y, True, 1),
    "d2": RowKind("(d) pa11y-ci 4.1.1, axe runner, concurrency 2", row_pa11y, True),
    "e": RowKind("(e) @axe-core/cli 4.13.0 with the pinned axe-core", row_axe_cli),
}


def table(rows: list[Row]) -> str:
    floors = [row for row in rows if row.key in FLOORS]
    ratios = "".join(f"| CPU/page vs {f.key} | s/page vs {f.key} " for f in floors)
    lines = [
        "| row | pages | failed | browsers | seconds | pages/s | pages per browser-second "
        f"| CPU s/page {ratios}| findings | peak RSS MB |",
        "| --- |" + " ---: |" * (9 + 2 * len(floors)),
    ]
    for row in rows:
        cells = ""
        for floor in floors:
            if floor.outcome.pages and row.outcome.pages:
                cells += (
                    f"| {row.cpu_per_page / floor.cpu_per_page:.2f} "
                    f"| {floor.pages_per_second / row.pages_per_second:.2f} "
                )
            else:
                cells += "| - | - "
        lines.append(
            f"| {row.name} | {row.outcome.pages}/{row.pages_asked} | {len(row.outcome.failed)} "
            f"| {row.browsers} | {row.wall:.1f} | {row.pages_per_second:.2f} "
            f"| {row.pages_per_browser_second:.3f} | {row.cpu_per_page:.3f} {cells}"
            f"| {row.outcome.violations} | {row.peak_rss_mb:.0f} |"
        )
    return "\n".join(lines)


def pa11y_ratio(rows: list[Row]) -> str:
    """This audit's generic checks against pa11y-ci, browser for browser, on the same pages."""
    by_key = {row.key: row for row in rows}
    ours, theirs = by_key.get("b1"), by_key.get("d")
    if not (ours and theirs and ours.outcome.pages and theirs.outcome.pages):
        return ""
    return (
        f"(b1) against (d), one browser each, the same {theirs.pages_asked} pages: "
        f"{ours.pages_per_browser_second / theirs.pages_per_browser_second:.2f} times the pages "
        "per browser-second"
    )


def check_times(rows: list[Row]) -> str:
    """Where the audit's time goes: each check's seconds per page, summed over its cells."""
    engine = [row for row in rows if "timings" in row.outcome.extra]
    if not engine:
        return ""
    checks = sorted({check for row in engine for check in row.outcome.extra["timings"]})
    head = " | ".join(row.name.split(")")[0] + ") s/page" for row in engine)
    lines = [f"| check | {head} |", "| --- |" + " ---: |" * len(engine)]
    for check in checks:
        cells = []
        for row in engine:
            seconds = row.outcome.extra["timings"].get(check)
            pages = row.outcome.pages or 1
            cells.append("-" if seconds is None else f"{seconds / pages:.3f}")
        lines.append(f"| {check} | {' | '.join(cells)} |")
    return "\n".join(lines)


def process_cpu(pids: Sequence[int]) -> float:
    """CPU seconds of these processes and of their children they have waited for."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def grid_rows(browsers: int) -> list[Row]:
    """This site's whole matrix with its profile: local browsers, then twice through a Grid of
    the same count, then the local browsers again. The local row is the mean of its two runs,
    so the Grid is compared with the machine's speed on either side of its runs, as the rows
    are with the floors'.

    The Grid's first run is on a Grid just started, as one started for a CI job would be, and
    its second on the same Grid, as an existing Grid would be: a new Grid's Java processes
    compile their hot paths in its first run, on the same cores as the browsers (on one Grid the
    matrix took 83.5 s, then 68.6 and 72.1 s; on another, 78.1 and then 76.8 s)."""
    sys.path.insert(0, str(REPO / "a11y"))
    from seleniumgrid import Grid

    profile = REPO / "a11y" / "plain-pcc.toml"
    options = ["--profile", str(profile), "--content", str(REPO / "content")]
    with tempfile.TemporaryDirectory(prefix="bench-grid-") as tmp:

        def local_run(turn: int) -> Row:
            workdir = Path(tmp) / f"local-{turn}"
            workdir.mkdir()
            print(f"this site, {browsers} local browsers ...", file=sys.stderr, flush=True)
            wall, cpu, peak, outcome = measure(
                [engine_command(workdir, browsers, *options)], parse_engine, workdir
            )
            outcome.pages = outcome.extra["cells_audited"]
            name = f"{browsers} local Chromium sessions"
            return Row("L", name, outcome.extra["cells"], browsers, wall, cpu, peak, outcome)

        first = local_run(0)
        remote: list[Row] = []
        with Grid(nodes=browsers) as grid:
            for turn, when in enumerate(("its first run, the Grid just started", "its next run")):
                print(
                    f"this site, a Grid of {browsers} nodes at {grid.url}, {when} ...",
                    file=sys.stderr,
                    flush=True,
                )
                workdir = Path(tmp) / f"grid-{turn}"
                workdir.mkdir()
                command = engine_command(
                    workdir, browsers, *options, "--remote", grid.url, "--sessions", str(browsers)
                )
                before = process_cpu(grid.pids())
                wall, cpu, peak, outcome = measure(
                    [command], parse_engine, workdir, keep=grid.pids()
                )
                cpu += process_cpu(grid.pids()) - before
                outcome.pages = outcome.extra["cells_audited"]
                name = f"Selenium Grid, hub + {browsers} nodes on loopback, {when}"
                remote.append(
                    Row(
                        f"G{turn}", name, outcome.extra["cells"], browsers, wall, cpu, peak, outcome
                    )
                )
        last = local_run(1)
    local = averaged(first, last)
    local.note = f"{first.wall:.1f} s and {last.wall:.1f} s"
    return [local, *remote]


def grid_table(local: Row, *grids: Row) -> str:
    lines = [
        "| this site's whole matrix | cells | seconds | cells/s | CPU s/cell | time vs local "
        "| CPU vs local | findings |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in (local, *grids):
        lines.append(
            f"| {row.name} | {row.outcome.pages}/{row.pages_asked} | {row.wall:.1f} "
            f"| {row.pages_per_second:.2f} | {row.cpu_per_page:.3f} "
            f"| {row.wall / local.wall:.2f} | {row.cpu / local.cpu:.2f} "
            f"| {row.outcome.violations} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="pages in the generated site")
    parser.add_argument("--browsers", type=int, default=2, help="browsers per row")
    parser.add_argument(
        "--sample",
        type=int,
        default=40,
        help="pages for the sampled rows ((b1), (c), pa11y-ci), drawn across every kind; 0: all",
    )
    parser.add_argument(
        "--rows", default="a,a2,b,b1,c,e,d,d2", help="which rows, in order, e.g. a,d"
    )
    parser.add_argument(
        "--sampled",
        help="rows given the sample only (default: "
        + ",".join(key for key, kind in ROWS.items() if kind.sampled)
        + ")",
    )
    parser.add_argument(
        "--grid",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also audit this site's whole matrix locally and through a two-node Grid",
    )
    parser.add_argument("--json", type=Path, help="also write the rows here as JSON")
    args = parser.parse_args(argv)
    become_subreaper()
    site = build_site(args.pages)
    rows: list[Row] = []
    with serve(site) as base_url, tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        urls = [base_url + path for path in site if path.startswith("/page-")]
        count = min(args.sample or len(urls), len(urls))
        sample = sorted(random.Random(7).sample(urls, count))
        print(
            f"site: {len(urls)} pages on {base_url}; {args.browsers} browsers per row; "
            f"CPU includes every browser process",
            file=sys.stderr,
        )
        keys = args.rows.split(",")
        env = {"PUPPETEER_SKIP_DOWNLOAD": "true", "SE_OFFLINE": "true"}
        measured: dict[str, Row] = {}
        failed_rows: set[str] = set()
        # The machine's speed drifts within a run (the floor has cost 0.32 to 0.64 CPU s a page
        # in runs minutes apart). So the floors are measured first and again last, and each
        # floor row is the mean of its two runs: the rows between are compared with the speed
        # on either side of them. (Two runs of every row, half the pages each, would charge the
        # floor's heavier start-up twice.)
        floors = [key for key in keys if key in FLOORS]
        plan = [(key, 0) for key in keys] + [(key, 1) for key in floors]
        for key, turn in plan:
            kind = ROWS[key]
            name = kind.name
            sampled = kind.sampled if args.sampled is None else key in args.sampled.split(",")
            if key in failed_rows:
                continue
            chosen = sample if sampled else urls
            browsers = kind.browsers or args.browsers
            workdir = Path(tmp) / f"{key}-{turn}"
            workdir.mkdir()
            commands, parse = kind.build(chosen, browsers, workdir)
            print(f"{name}: {len(chosen)} pages ...", file=sys.stderr, flush=True)
            try:
                wall, cpu, peak, outcome = measure(commands, parse, workdir, env)
            except (OSError, ValueError, KeyError, IndexError) as exc:
                # One tool failing to run must not cost the rows already measured.
                print(f"  the row could not be measured: {exc!r}", file=sys.stderr, flush=True)
                failed_rows.add(key)
                measured.pop(key, None)
                continue
            asked = outcome.extra.get("pages", len(chosen))  # the audit adds its 404 probe
            row = Row(key, name, asked, browsers, wall, cpu, peak, outcome)
            measured[key] = averaged(measured[key], row) if key in measured else row
            print(
                f"  {outcome.pages} pages in {wall:.1f} s, {cpu:.1f} CPU s, "
                f"{len(outcome.failed)} failed",
                file=sys.stderr,
                flush=True,
            )
            for failure in outcome.failed[:5]:
                print(f"    {failure}", file=sys.stderr)
        rows = [measured[key] for key in keys if key in measured]
    print(table(rows))
    for row in rows:
        if row.note:
            print(f"{row.name.split(')')[0]}), its two runs: {row.note}")
    if versus := pa11y_ratio(rows):
        print()
        print(versus)
    if times := check_times(rows):
        print()
        print(times)
    if args.json:
        write_json(args.json, rows)
    if args.grid:
        local, *grids = grid_rows(args.browsers)
        rows += [local, *grids]
        print()
        print(grid_table(local, *grids))
        print(f"the local runs, before and after the Grid's: {local.note}")
    if args.json:
        write_json(args.json, rows)
    return 0


def write_json(path: Path, rows: list[Row]) -> None:
    path.write_text(
        json.dumps([row.__dict__ | {"outcome": row.outcome.__dict__} for row in rows], indent=2)
    )


if __name__ == "__main__":
    sys.exit(main())
