"""The load and crash test of email updates (bench/signup_load.py), short and bounded: a real
server on loopback killed with SIGKILL mid-load loses nothing it answered 303, and its outbox
is delivered once it runs again. (make signup-load runs it at full size.)"""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_nothing_answered_is_lost_to_a_kill() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "signup_load.py"),
            "--visitors",
            "8",
            "--seconds",
            "4",
            "--crash-seconds",
            "8",
            "--kill-after",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=540,
        check=False,
    )
    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "  ok    nothing answered 303 is missing (0)" in lines
    assert "  ok    the outbox is empty once the sender runs again" in lines
    assert "  ok    every stored sign-up's email was delivered (0 not)" in lines
    assert lines[-1] == "signup-load: all checks passed"
