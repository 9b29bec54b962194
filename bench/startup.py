"""Start-up time and resident memory of one worker with every selection of display preferences,
against the plain way of pre-rendering them: every page rendered and compressed whole for each
selection at start-up, as the site did when text size was its only preference.

    .venv/bin/python bench/startup.py [--runs 3]

Each design runs in a fresh process, `--runs` times. "ready" is the time from starting the
process until its first answer (the site: `plain-pcc serve` answering /healthz; the baseline:
its catalogue built), "cpu" the CPU time the process used until then, and "rss" its resident
memory then and, for the site, after every variant of every page and error page has been asked
for in Brotli and gzip (each compressed on first use and kept: the most it will ever hold).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

# The baseline: each page of each mode rendered whole, and compressed at Brotli's best, for each
# of the 36 selections; error pages likewise, at the quick quality the site gives them.
BASELINE = """
import resource, sys, time
from pathlib import Path
from markupsafe import Markup
from plain_pcc.content import load_site
from plain_pcc.modes import MODES
from plain_pcc.preferences import selections
from plain_pcc.rendering import PER_REQUEST, REVALIDATE, page_context, render_catalogue
from plain_pcc.representations import Representation
from plain_pcc.settings import Settings
from plain_pcc.templating import create_environment

settings = Settings(content_dir=Path(sys.argv[1]), access_log=False)
site = load_site(settings.content_dir)
catalogue = render_catalogue(site, settings)  # static files, sitemap: as the site does
environment = create_environment()
forms = environment.get_template("components/_preferences.html")
pages = {}
jobs = [
    (environment.get_template(f"pages/{p.template}.html"), p, None)
    for p in site.pages.values()
    if p.template not in PER_REQUEST
]
jobs += [(environment.get_template("errors/error.html"), None, e) for e in site.errors.values()]
for template, page, error in jobs:
    for mode in MODES:
        context = page_context(site, settings, catalogue, mode, page, error)
        for selection in selections():
            html = template.render(
                {
                    **context,
                    "root_classes": selection.classes,
                    "preference_forms": Markup(
                        forms.render(selection=selection, return_to=context["return_to"])
                    ),
                }
            )
            pages[(template.name, mode.name, page and page.path, selection)] = Representation(
                html.encode(), "text/html; charset=utf-8", REVALIDATE,
                status=200 if error is None else error.status, vary=("Cookie",),
            )
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{time.process_time():.3f} {rss:.1f} {len(pages)}", flush=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def get(url: str, **headers: str) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return bytes(response.read())


def site_run(content: Path) -> dict[str, float]:
    """The shipped design: `plain-pcc serve`, one worker."""
    port = free_port()
    env = {**os.environ, "PLAIN_PCC_ACCESS_LOG": "false", "PLAIN_PCC_LOG_LEVEL": "warning"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "plain_pcc", "serve", "--port", str(port), "--content", str(content)],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                get(base + "/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    raise RuntimeError("the site did not start") from None
                time.sleep(0.01)
        ready = time.perf_counter() - start
        cpu = cpu_seconds(process.pid)
        rss = rss_mb(process.pid)
        sys.path.insert(0, str(ROOT / "src"))
        from plain_pcc.preferences import selections

        sitemap = ElementTree.fromstring(get(base + "/sitemap.xml"))
        paths = [urlsplit(loc.text or "").path for loc in sitemap.iter(f"{SITEMAP}loc")]
        paths += ["/no-such-page/", "/text-only/no-such-page/"]
        for selection in selections():
            cookie = "; ".join(f"{p.name}={c.value}" for p, c in selection.pairs())
            for path in paths:
                for coding in ("br", "gzip"):
                    try:
                        get(base + path, Cookie=cookie, **{"Accept-Encoding": coding})
                    except urllib.error.HTTPError as error:
                        if error.code != 404:
                            raise
        return {"ready": ready, "cpu": cpu, "rss": rss, "rss_all": rss_mb(process.pid)}
    finally:
        process.terminate()
        process.wait(10)


def baseline_run(content: Path) -> dict[str, float]:
    start = time.perf_counter()
    output = subprocess.run(
        [PYTHON, "-c", BASELINE, str(content)], check=True, capture_output=True, text=True
    ).stdout.split()
    ready = time.perf_counter() - start
    return {
        "ready": ready,
        "cpu": float(output[0]),
        "rss": float(output[1]),
        "variants": float(output[2]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--content", type=Path, default=ROOT / "content")
    options = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {"site": [], "baseline": []}
    for _ in range(options.runs):
        results["baseline"].append(baseline_run(options.content))
        results["site"].append(site_run(options.content))

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in results[name])

    print(f"load average before: {os.getloadavg()[0]:.1f}; {options.runs} runs each, medians")
    print(f"{'design':<44} {'ready s':>8} {'cpu s':>7} {'rss MB':>7} {'rss MB, all used':>17}")
    print(
        f"{'baseline: every selection rendered, br 11':<44} {median('baseline', 'ready'):>8.2f}"
        f" {median('baseline', 'cpu'):>7.2f} {median('baseline', 'rss'):>7.1f} {'':>17}"
    )
    print(
        f"{'site: spliced, default compressed ahead':<44} {median('site', 'ready'):>8.2f}"
        f" {median('site', 'cpu'):>7.2f} {median('site', 'rss'):>7.1f}"
        f" {median('site', 'rss_all'):>17.1f}"
    )
    ready = median("baseline", "ready") / median("site", "ready")
    cpu = median("baseline", "cpu") / median("site", "cpu")
    print(f"ratio (baseline / site): ready {ready:.1f}x, cpu {cpu:.1f}x")


if __name__ == "__main__":
    main()
