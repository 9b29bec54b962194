"""Which browser the audit starts, and how it is told to run headless. Sessions themselves run
in a real Chromium in the audit's browser tests (a11y/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from plain_pcc.audit import browser


def test_the_variable_chooses_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(browser.CHROMIUM_VARIABLE, "/opt/chrome/chrome")
    assert browser.browser_binary() == "/opt/chrome/chrome"


def test_the_headless_shell_is_preferred_when_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shell = tmp_path / "chromium-headless-shell"
    shell.write_text("#!/bin/sh\n")
    monkeypatch.delenv(browser.CHROMIUM_VARIABLE, raising=False)
    monkeypatch.setattr(browser, "HEADLESS_SHELL", str(shell))
    assert browser.browser_binary() == browser.CHROMIUM  # not executable: not installed
    shell.chmod(0o755)
    assert browser.browser_binary() == str(shell)


@pytest.mark.parametrize(
    ("binary", "headless"),
    [
        ("/usr/bin/chromium", True),
        ("/opt/google/chrome/chrome", True),
        ("/usr/lib/chromium/chromium-headless-shell", False),
        ("/opt/chrome-headless-shell-linux64/chrome-headless-shell", False),
    ],
)
def test_only_a_full_browser_is_asked_for_its_headless_mode(binary: str, headless: bool) -> None:
    # The shell is headless already and knows no --headless=new.
    arguments = browser._options(binary).arguments
    assert ("--headless=new" in arguments) is headless
    assert "--no-sandbox" in arguments
