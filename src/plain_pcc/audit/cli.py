"""``plain-pcc audit``: options, the run, the reports and the exit code (0 clean, 1 findings,
2 the audit itself could not run)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path

from . import axe as axe_module
from . import baseline as baseline_module
from . import discovery, matrix, report
from .browser import BrowserError, Session, grid_slots, local_sessions
from .checks.site import judge_parts
from .discovery import DiscoveryError, Site
from .profile import Profile, ProfileError, load
from .runner import Context, Pool, select_checks

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = report.EXIT_CLEAN, report.EXIT_FINDINGS, report.EXIT_ERROR
FAIL_ON = ("violation", "best-practice", "review")


def _fail_on(value: str) -> set[str]:
    kinds = {v.strip() for v in value.split(",") if v.strip()}
    unknown = kinds - set(FAIL_ON)
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"must be one or more of {', '.join(FAIL_ON)}, got {value!r}"
        )
    # WCAG violations always fail: the others add to them.
    return kinds | {"violation"}


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plain-pcc audit",
        description=(
            "Audit a site's pages against WCAG 2.2 AA in headless Chromium with axe-core and "
            "checks of its own, in every mode, preference and viewport its profile declares. "
            "Exit 0 clean, 1 findings, 2 the audit itself could not run."
        ),
    )
    where = parser.add_argument_group("the site")
    where.add_argument(
        "--base-url",
        help="the site to audit, e.g. https://www.example.org/council/ (default: start this "
        "package's own site on a free loopback port)",
    )
    where.add_argument(
        "--profile", type=Path, help="the site's profile (TOML); none: generic checks only"
    )
    where.add_argument(
        "--content",
        type=Path,
        default=Path("content"),
        help="content folder of the local site (with no --base-url)",
    )
    pages = where.add_mutually_exclusive_group()
    pages.add_argument(
        "--sitemap", help="the sitemap's URL (default: sitemap.xml under the base URL)"
    )
    pages.add_argument("--urls", type=Path, help="a file of URLs or paths, one a line")
    pages.add_argument(
        "--crawl",
        type=_positive,
        metavar="N",
        help="crawl at most N same-origin pages from the base URL",
    )
    run = parser.add_argument_group("the browsers")
    run.add_argument(
        "--workers",
        type=_positive,
        help="local Chromium sessions (default: one more than the cores, as memory allows)",
    )
    run.add_argument("--remote", metavar="URL", help="a Selenium Grid, e.g. http://127.0.0.1:4444")
    run.add_argument(
        "--sessions",
        type=_positive,
        help="sessions on the Grid (default: --workers if given, else its nodes' Chromium slots)",
    )
    run.add_argument("--axe", type=Path, help=f"axe-core {axe_module.VERSION}'s axe.min.js")
    run.add_argument("--checks", help="only these checks, comma-separated (axe always runs)")
    out = parser.add_argument_group("the verdict")
    out.add_argument(
        "--report",
        type=Path,
        default=Path("a11y-report"),
        help="directory for summary.json, index.html, junit.xml, summary.md",
    )
    out.add_argument(
        "--fail-on",
        type=_fail_on,
        default={"violation"},
        help="what fails the run: violation (default), best-practice, review; comma-separated",
    )
    out.add_argument(
        "--baseline",
        type=Path,
        help="known findings: recorded when the file is missing, then only new findings fail",
    )
    out.add_argument(
        "--update-baseline",
        action="store_true",
        help="rewrite the baseline with this run's findings",
    )
    return parser


def _say(message: str) -> None:
    print(f"plain-pcc audit: {message}", file=sys.stderr)


class Progress:
    """How far a run has got, said as it goes: each time another tenth of the cells is done, and
    when INTERVAL seconds pass without a line, so a long run shows in a CI log that it is alive
    and how far it is, in whole lines (no carriage returns for a screen reader to re-read)."""

    INTERVAL = 30.0

    def __init__(
        self, say: Callable[[str], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.say, self.clock = say, clock
        self.start = self.last = clock()
        self.tenths = 0

    def __call__(self, done: int, total: int) -> None:
        if done >= total:
            return  # the run's own last line says it is over
        now, tenths = self.clock(), done * 10 // total
        if tenths > self.tenths or now - self.last >= self.INTERVAL:
            self.tenths, self.last = tenths, now  # done only grows: so do the tenths
            self.say(f"{done} of {total} cells audited, {now - self.start:.0f} s")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # --help is 0; a bad option is argparse's 2, "could not run"
        return int(exc.code or 0)
    try:
        return _audit(args)
    except (
        ProfileError,
        DiscoveryError,
        BrowserError,
        axe_module.AxeError,
        baseline_module.BaselineError,
        ValueError,
    ) as exc:
        _say(f"could not run: {exc}")
        return EXIT_ERROR


def _audit(args: argparse.Namespace) -> int:
    profile = load(args.profile) if args.profile else Profile()
    script = axe_module.locate(args.axe)
    known = baseline_module.Baseline.load(args.baseline) if args.baseline else None
    names = None
    if args.checks:
        names = {n.strip() for n in args.checks.split(",") if n.strip()}
        page_checks, visit_checks = select_checks(None)
        unknown = names - {c.id for c in page_checks + visit_checks}
        if unknown:
            raise ValueError(f"--checks: no check named {', '.join(sorted(unknown))}")
    with ExitStack() as stack:
        base_url = args.base_url
        if not base_url:
            from .localsite import LiveServer, plain_pcc_app

            server = stack.enter_context(LiveServer(plain_pcc_app(args.content.resolve())))
            base_url = server.base_url
        site = Site.parse(base_url)
        found, how = discovery.discover(
            site, urls=args.urls, crawl_limit=args.crawl or 0, sitemap=args.sitemap
        )
        pages = found + [p for p in profile.not_found if p not in found]
        cells = matrix.build(profile, pages)
        page_checks, visit_checks = select_checks(names)
        ctx = Context(
            site, profile, axe_module.AxeRunner(script), tuple(pages), page_checks, visit_checks
        )
        if args.remote:
            remote = args.remote

            def start(number: int) -> Session:
                return Session.remote(remote, number)

            # Asking for more sessions than the Grid has slots would leave the extra ones
            # queued at the Grid until its request timeout.
            size = args.sessions or args.workers or max(1, grid_slots(remote))
        else:
            start, size = Session.local, args.workers or local_sessions()
        pool = Pool(start, min(size, len(cells)))
        started = dt.datetime.now(dt.UTC)
        clock = time.perf_counter()
        _say(f"{len(pages)} pages from {how}; {len(cells)} cells on {pool.size} sessions")
        pool.run(cells, ctx, Progress(_say))
        judge_parts(pool.results, profile, pages)
        run = report.Run(
            base_url=site.base_url,
            profile=profile,
            pages=pages,
            discovery=how,
            cells=cells,
            results=pool.results,
            lost=pool.lost,
            axe_version=axe_module.VERSION,
            browser_version=pool.browser_version,
            sessions=pool.sessions,
            checks=["axe", *[c.id for c in page_checks + visit_checks]],
            fail_on=args.fail_on,
            started=started,
            duration=time.perf_counter() - clock,
            baseline=known,
            extra_errors=pool.errors if pool.lost else [],
        )
        data = report.summary(run)
    if args.baseline and (known is None or args.update_baseline):
        count = baseline_module.write(args.baseline, data["findings"])
        _say(f"recorded {count} findings as known in {args.baseline}")
        run.baseline = baseline_module.Baseline.load(args.baseline)
        data = report.summary(run)
    report.write(args.report, data)
    print(report.markdown(data), end="")
    _say(f"{data['status']}; report in {args.report.resolve() / 'index.html'}")
    return int(data["exit_code"])
