"""The benchmark's floor: a bare axe-core run per page through Selenium, nothing else.

What a QA engineer writes first: N headless Chromiums (Debian's, through its chromedriver), each
taking the next URL from a shared queue, loading it, injecting the pinned axe-core with
axe-selenium-python and running it with the audit's tags. No preferences, no viewports, no
browser checks. Prints one JSON line: pages audited, pages failed, violations found.
With ``--shell``, the same in Debian's Chromium headless shell, the browser the audit drives
when it is installed: the floor for the audit's own cost, browser for browser.

    python bench/audit/floor.py URLS_FILE --browsers 2 [--shell]
"""

from __future__ import annotations

import argparse
import json
import queue
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
AXE_SCRIPT = REPO / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# The flags headless Chromium needs on this machine (root, no GPU, small /dev/shm): stock
# otherwise.
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")
HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell"


def start_browser(profile: str, shell: bool) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    if shell:
        # chromedriver opens no first page in a profile it did not make: it makes this one.
        options.binary_location = HEADLESS_SHELL
    else:
        options.binary_location = "/usr/bin/chromium"
        options.add_argument("--headless=new")
        options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def work(urls: queue.Queue[str], totals: dict[str, Any], lock: threading.Lock, shell: bool) -> None:
    profile = tempfile.mkdtemp(prefix="bench-floor-")
    driver = start_browser(profile, shell)
    try:
        axe = Axe(driver, script_url=str(AXE_SCRIPT))
        while True:
            try:
                url = urls.get_nowait()
            except queue.Empty:
                return
            try:
                driver.get(url)
                axe.inject()
                result = axe.run(options=json.dumps({"runOnly": {"type": "tag", "values": TAGS}}))
            except Exception as exc:  # a failed page is counted, not fatal
                with lock:
                    totals["failed"].append(f"{url}: {type(exc).__name__}")
                continue
            with lock:
                totals["pages"] += 1
                totals["violations"] += sum(len(v["nodes"]) for v in result["violations"])
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", type=Path)
    parser.add_argument("--browsers", type=int, default=2)
    parser.add_argument("--shell", action="store_true", help="Chromium's headless shell")
    args = parser.parse_args()
    urls: queue.Queue[str] = queue.Queue()
    for line in args.urls.read_text(encoding="utf-8").split():
        urls.put(line)
    totals: dict[str, Any] = {"pages": 0, "violations": 0, "failed": []}
    lock = threading.Lock()
    threads = [
        threading.Thread(target=work, args=(urls, totals, lock, args.shell))
        for _ in range(args.browsers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
