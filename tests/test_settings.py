"""Settings: read once from the environment, validated, documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plain_pcc.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_serve_locally() -> None:
    settings = Settings.from_env({})
    assert settings.content_dir == Path("content")
    assert settings.base_url == "http://127.0.0.1:8000"
    assert not settings.https
    assert settings.access_log


def test_every_variable_is_read() -> None:
    settings = Settings.from_env(
        {
            "PLAIN_PCC_CONTENT_DIR": "/srv/content",
            "PLAIN_PCC_BASE_URL": "https://www.example.gov.uk/",
            "PLAIN_PCC_ALLOWED_HOSTS": "www.example.gov.uk, example.gov.uk",
            "PLAIN_PCC_LOG_LEVEL": "WARNING",
            "PLAIN_PCC_ACCESS_LOG": "off",
            "UNRELATED": "x",
        }
    )
    assert settings == Settings(
        content_dir=Path("/srv/content"),
        base_url="https://www.example.gov.uk",
        allowed_hosts=("www.example.gov.uk", "example.gov.uk"),
        log_level="warning",
        access_log=False,
    )
    assert settings.https


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PLAIN_PCC_BASE_URL", "www.example.gov.uk", "absolute http"),
        ("PLAIN_PCC_BASE_URL", "ftp://example.gov.uk", "absolute http"),
        ("PLAIN_PCC_BASE_URL", "https://example.gov.uk/site/", "origin with no path"),
        ("PLAIN_PCC_ALLOWED_HOSTS", " , ", "at least one host"),
        ("PLAIN_PCC_LOG_LEVEL", "loud", "cannot be 'loud'"),
        ("PLAIN_PCC_ACCESS_LOG", "maybe", "true or false"),
    ],
)
def test_bad_values_are_refused_with_the_variable_named(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({name: value})


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.base_url = "https://evil.example"  # type: ignore[misc]


def test_every_environment_variable_is_in_the_readme() -> None:
    used = set()
    for source in [*(ROOT / "src").rglob("*.py"), *(ROOT / "a11y").rglob("*.py")]:
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r"PLAIN_PCC_[A-Z0-9_]+", text))
        used |= {f"PLAIN_PCC_{name}" for name in re.findall(r"\{PREFIX\}([A-Z0-9_]+)", text)}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert used
    assert sorted(name for name in used if name not in readme) == []


def test_the_base_url_host_is_always_allowed() -> None:
    settings = Settings.from_env(
        {"PLAIN_PCC_BASE_URL": "https://pcc.example.gov.uk", "PLAIN_PCC_ALLOWED_HOSTS": "a.test"}
    )
    assert settings.allowed_hosts == ("a.test", "pcc.example.gov.uk")
