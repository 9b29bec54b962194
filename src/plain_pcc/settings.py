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
        return cls(**values)  # type: ignore[arg-type]


def _boolean(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {value!r}")
