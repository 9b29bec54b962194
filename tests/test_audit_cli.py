"""``plain-pcc audit`` options and the exit 2 of an audit that cannot run (no browser needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.audit.cli import EXIT_ERROR, build_parser, main
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
