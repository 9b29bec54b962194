"""Settings: typed, frozen, read once from ``PLAIN_PCC_*`` environment variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "PLAIN_PCC_"


class SettingsError(ValueError):
    """A setting has a value the site cannot run with."""


def _default_content_dir() -> Path:
    return Path("content")


def _default_data_dir() -> Path:
    return Path("data")


@dataclass(frozen=True)
class Settings:
    """Everything the app needs to know about where it runs.

    Built once at start-up; tests build it directly and never touch ``os.environ``.
    """

    content_dir: Path = field(default_factory=_default_content_dir)
    # Absolute URLs (sitemap, canonical links) come from here, never from the Host header.
    base_url: str = "http://127.0.0.1:8000"
    # Host header values the site answers; "*" answers any.
    allowed_hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]", "testserver")
    log_level: str = "info"
    access_log: bool = True
    # Email updates (store.py, sender.py): the SQLite database and the .eml outbox live in the
    # data folder unless a PostgreSQL URL and an SMTP server are given.
    data_dir: Path = field(default_factory=_default_data_dir)
    database_url: str | None = None
    smtp_url: str | None = None
    mail_from: str = "Police and Crime Commissioner for Essex <pfcc@essex.police.uk>"
    # The ceiling on confirmation emails sent in any hour, whatever the addresses.
    mail_hourly_limit: int = 500
    # Whether the server delivers the outbox itself, in a background thread.
    mail_sender: bool = True

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(
                f"{PREFIX}BASE_URL must be an absolute http(s) URL, got {self.base_url!r}"
            )
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise SettingsError(
                f"{PREFIX}BASE_URL must be an origin with no path, got {self.base_url!r}"
            )
        object.__setattr__(self, "base_url", f"{parts.scheme}://{parts.netloc}")
        if not self.allowed_hosts:
            raise SettingsError(f"{PREFIX}ALLOWED_HOSTS must name at least one host")
        # The site always answers at its own public address.
        host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if host not in self.allowed_hosts and "*" not in self.allowed_hosts:
            object.__setattr__(self, "allowed_hosts", (*self.allowed_hosts, host))
        object.__setattr__(self, "content_dir", Path(self.content_dir))
        if self.log_level not in ("critical", "error", "warning", "info", "debug"):
            raise SettingsError(f"{PREFIX}LOG_LEVEL cannot be {self.log_level!r}")
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.mail_hourly_limit < 1:
            raise SettingsError(f"{PREFIX}MAIL_HOURLY_LIMIT must be 1 or more")

    @property
    def https(self) -> bool:
        """Served over HTTPS: cookies get ``Secure`` and responses get HSTS."""
        return self.base_url.startswith("https://")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Read every ``PLAIN_PCC_*`` variable; unset ones keep their defaults."""
        values: dict[str, object] = {}
        if content := environ.get(f"{PREFIX}CONTENT_DIR"):
            values["content_dir"] = Path(content)
        if base_url := environ.get(f"{PREFIX}BASE_URL"):
            values["base_url"] = base_url
        if hosts := environ.get(f"{PREFIX}ALLOWED_HOSTS"):
            values["allowed_hosts"] = tuple(h.strip() for h in hosts.split(",") if h.strip())
        if level := environ.get(f"{PREFIX}LOG_LEVEL"):
            values["log_level"] = level.lower()
        if (access_log := environ.get(f"{PREFIX}ACCESS_LOG")) is not None:
            values["access_log"] = _boolean(f"{PREFIX}ACCESS_LOG", access_log)
        if data_dir := environ.get(f"{PREFIX}DATA_DIR"):
            values["data_dir"] = Path(data_dir)
        for name in ("database_url", "smtp_url", "mail_from"):
            if value := environ.get(f"{PREFIX}{name.upper()}"):
                values[name] = value
        if (limit := environ.get(f"{PREFIX}MAIL_HOURLY_LIMIT")) is not None:
            if not (limit.isascii() and limit.strip().isdigit()):
                raise SettingsError(f"{PREFIX}MAIL_HOURLY_LIMIT must be a whole number")
            values["mail_hourly_limit"] = int(limit)
        if (sender := environ.get(f"{PREFIX}MAIL_SENDER")) is not None:
            values["mail_sender"] = _boolean(f"{PREFIX}MAIL_SENDER", sender)
        return cls(**values)  # type: ignore[arg-type]


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {value!r}")
