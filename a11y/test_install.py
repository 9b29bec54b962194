"""Installable: the built wheel, with its audit extra, in a fresh virtual environment outside
the checkout, audits a site it has never seen, this site with its profile, and a page whose
strict CSP would blind a careless spacing check. axe-core comes from npm, as documented."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import A11Y
from fixtures.server import files_app

from plain_pcc.audit.axe import INSTALL, VERSION
from plain_pcc.audit.localsite import LiveServer

REPO = A11Y.parent
AXE = A11Y / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    place = tmp_path_factory.mktemp("installed")
    wheels = place / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(REPO),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("plain_pcc-*.whl")
    subprocess.run([sys.executable, "-m", "venv", str(place / "venv")], check=True)
    subprocess.run(
        [str(place / "venv" / "bin" / "pip"), "install", "--quiet", f"{wheel}[audit]"], check=True
    )
    return place


def plain_pcc(venv: Path, *args: str, axe: bool = True) -> tuple[int, dict[str, object], str]:
    """The installed command, run from a folder that is not the checkout."""
    work = venv / "work"
    work.mkdir(exist_ok=True)
    report = work / "report"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLAIN_PCC_", "PYTHON"))}
    env["HOME"] = str(work)
    extra = ["--axe", str(AXE)] if axe else []
    done = subprocess.run(
        [str(venv / "venv" / "bin" / "plain-pcc"), "audit", *args, *extra, "--report", str(report)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary_file = report / "summary.json"
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    if summary_file.exists():
        summary_file.unlink()
    return done.returncode, summary, done.stderr


def _why(summary: dict[str, object], err: str) -> str:
    """What a run that ended otherwise than expected said about itself."""
    said = {k: summary.get(k) for k in ("status", "counts", "could_not_run", "not_audited")}
    return f"{json.dumps(said)[:3000]}\n{err[-2000:]}"


@pytest.fixture(scope="module")
def sites() -> Iterator[dict[str, str]]:
    with (
        LiveServer(lambda base: files_app("foreign")) as foreign,
        LiveServer(lambda base: files_app("foreign-clean")) as clean,
        LiveServer(lambda base: files_app("checks")) as checks,
    ):
        yield {"foreign": foreign.base_url, "clean": clean.base_url, "checks": checks.base_url}


def test_installed_audit_finds_exactly_the_foreign_sites_faults(
    venv: Path, sites: dict[str, str]
) -> None:
    code, summary, err = plain_pcc(venv, "--base-url", sites["foreign"])
    assert code == 1, _why(summary, err)
    rules = {(g["rule"], g["page"]) for g in summary["findings"] if g["kind"] == "violation"}  # type: ignore[attr-defined]
    assert rules == {
        ("image-alt", "/about/"),
        ("color-contrast", "/contact.html"),
        ("focus-visible", "/"),
        ("reflow", "/about/"),
    }
    code, summary, err = plain_pcc(venv, "--base-url", sites["clean"])
    assert code == 0, _why(summary, err)


def test_installed_audit_catches_spacing_under_a_strict_csp(
    venv: Path, sites: dict[str, str]
) -> None:
    urls = venv / "work" / "urls.txt"
    urls.parent.mkdir(exist_ok=True)
    urls.write_text("/spacing-clipped.html\n", encoding="utf-8")
    code, summary, _ = plain_pcc(
        venv, "--base-url", sites["checks"], "--urls", str(urls), "--checks", "text-spacing"
    )
    assert code == 1
    assert {(g["rule"], g["selector"]) for g in summary["findings"]} == {  # type: ignore[attr-defined]
        ("text-spacing", "#tight")
    }


def test_installed_audit_passes_this_site_with_its_profile(venv: Path) -> None:
    code, summary, err = plain_pcc(
        venv, "--profile", str(A11Y / "plain-pcc.toml"), "--content", str(REPO / "content")
    )
    assert (code, summary.get("status")) == (0, "clean"), _why(summary, err)
    # A run this long says how far it has got: a line as each tenth of its cells is done.
    cells = summary["cells"]
    assert isinstance(cells, int)
    for tenth in range(1, 10):
        done = -(-cells * tenth // 10)  # the first count that reaches the tenth
        assert f"plain-pcc audit: {done} of {cells} cells audited, " in err, err[-2000:]


def test_missing_axe_names_the_one_command_that_installs_it(
    venv: Path, sites: dict[str, str]
) -> None:
    code, summary, err = plain_pcc(venv, "--base-url", sites["clean"], axe=False)
    assert code == 2
    assert summary == {}
    assert INSTALL in err
    assert VERSION in err
