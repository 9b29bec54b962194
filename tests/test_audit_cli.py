"""``plain-pcc audit`` options and the exit 2 of an audit that cannot run (no browser needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.audit.cli import EXIT_ERROR, Progress, build_parser, main
from plain_pcc.cli import main as plain_pcc

ROOT = Path(__file__).resolve().parents[1]


def test_help_is_not_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "WCAG 2.2 AA" in out
    assert "--baseline" in out
    assert "--remote" in out


@pytest.mark.parametrize(
    "args",
    [
        ["--fast"],
        ["--fail-on", "everything"],
        ["--workers", "0"],
        ["--crawl", "-1"],
        ["--urls", "a.txt", "--crawl", "3"],
    ],
)
def test_bad_options_cannot_run(args: list[str]) -> None:
    assert main(args) == EXIT_ERROR


def test_fail_on_adds_to_violations() -> None:
    args = build_parser().parse_args(["--fail-on", "review"])
    assert args.fail_on == {"violation", "review"}
    assert build_parser().parse_args([]).fail_on == {"violation"}


def test_a_bad_profile_names_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "site.toml"
    profile.write_text('[[modes]]\nname = "a"\nprefix = "a"\n', encoding="utf-8")
    assert main(["--profile", str(profile), "--base-url", "http://127.0.0.1:9/"]) == EXIT_ERROR
    assert f"could not run: {profile}: modes[0].prefix" in capsys.readouterr().err


def test_a_missing_axe_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--axe", str(tmp_path / "axe.min.js"), "--base-url", "http://127.0.0.1:9/"]) == 2
    assert "npm install" in capsys.readouterr().err


def test_an_unreachable_site_cannot_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    axe = ROOT / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
    code = main(["--axe", str(axe), "--base-url", "http://127.0.0.1:9/", "--report", str(tmp_path)])
    assert code == EXIT_ERROR
    assert "cannot reach http://127.0.0.1:9/sitemap.xml" in capsys.readouterr().err
    assert not (tmp_path / "summary.json").exists()


def test_an_unknown_check_cannot_run(capsys: pytest.CaptureFixture[str]) -> None:
    axe = ROOT / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
    assert main(["--axe", str(axe), "--checks", "reflow,colour"]) == EXIT_ERROR
    assert "no check named colour" in capsys.readouterr().err


def test_plain_pcc_hands_the_audit_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert plain_pcc(["audit", "--fail-on", "nothing"]) == EXIT_ERROR
    assert "--fail-on" in capsys.readouterr().err


def test_progress_is_said_at_each_tenth_of_the_cells() -> None:
    said: list[str] = []
    now = [100.0]
    progress = Progress(said.append, clock=lambda: now[0])
    for done in range(1, 21):
        now[0] += 1
        progress(done, 20)
    assert said == [f"{n} of 20 cells audited, {n} s" for n in range(2, 20, 2)]


def test_progress_is_said_when_cells_are_slow_and_not_twice_for_a_tenth() -> None:
    said: list[str] = []
    now = [0.0]
    progress = Progress(said.append, clock=lambda: now[0])
    progress(1, 1000)  # under a tenth, and no time has passed: nothing to say yet
    now[0] = 31.0
    progress(2, 1000)
    now[0] = 40.0
    progress(3, 1000)  # 9 s after the last line
    now[0] = 45.0
    progress(100, 1000)
    now[0] = 46.0
    progress(101, 1000)  # still the first tenth
    assert said == ["2 of 1000 cells audited, 31 s", "100 of 1000 cells audited, 45 s"]
