"""The plain-pcc command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from plain_pcc import __version__
from plain_pcc.cli import log_config, main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"plain-pcc {__version__}"


def test_serve_refuses_broken_content_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PLAIN_PCC_CONTENT_DIR", raising=False)
    assert main(["serve", "--content", str(tmp_path / "missing")]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"plain-pcc: cannot start: {tmp_path / 'missing'}: the content folder does not exist\n"
    )


def test_unknown_serve_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--colour"])
    assert exited.value.code == 2
    assert "unrecognised arguments: --colour" in capsys.readouterr().err


def test_module_runs_the_same_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "plain_pcc", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, f"plain-pcc {__version__}")


def test_site_loggers_write_beside_uvicorn() -> None:
    config = log_config("warning")
    assert config["loggers"]["plain_pcc"] == {
        "handlers": ["default"],
        "level": "WARNING",
        "propagate": False,
    }
