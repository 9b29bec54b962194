"""The ``plain-pcc`` command: serve the site, audit it, check its content."""

from __future__ import annotations

import argparse
import copy
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .checker import require_no_errors
from .content import load_site
from .settings import PREFIX, Settings, SettingsError
from .source import ContentError


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="plain-pcc", description=__doc__)
    parser.add_argument("--version", action="version", version=f"plain-pcc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the site")
    serve.add_argument("--host", default=os.environ.get(f"{PREFIX}HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get(f"{PREFIX}PORT", "8000")))
    serve.add_argument("--content", type=Path, help="content folder (default: ./content)")
    serve.add_argument("--workers", type=int, default=int(os.environ.get(f"{PREFIX}WORKERS", "1")))
    serve.add_argument("--reload", action="store_true", help="restart when code or content change")

    commands.add_parser(
        "audit", help="audit a site in a browser (plain-pcc audit --help)", add_help=False
    )

    commands.add_parser(
        "check", help="check the content for accessibility problems", add_help=False
    )

    args, rest = parser.parse_known_args(argv)
    # The audit and the checker parse their own options.
    if args.command == "audit":
        from .audit.cli import main as audit

        return audit(rest)
    if args.command == "check":
        from .checker import main as check

        return check(rest)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return _serve(args)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if args.content is not None:
        # Workers and the reloader build the app from the environment, so the folder goes there.
        os.environ[f"{PREFIX}CONTENT_DIR"] = str(args.content.resolve())
    try:
        settings = Settings.from_env(os.environ)
        require_no_errors(load_site(settings.content_dir))
    except (ContentError, SettingsError) as error:
        print(f"plain-pcc: cannot start: {error}", file=sys.stderr)
        return 2
    options: dict[str, Any] = {}
    if args.reload:
        options.update(
            reload=True,
            reload_dirs=[str(Path(__file__).parent), str(settings.content_dir.resolve())],
            reload_includes=["*.py", "*.html", "*.css", "*.svg", "*.yaml", "*.md"],
        )
    uvicorn.run(
        "plain_pcc.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        **server_options(settings),
        **options,
    )
    return 0


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the site, shared with the live-server tests and the soak."""
    return {
        "log_config": log_config(settings.log_level),
        "log_level": settings.log_level,
        # The site writes its own access line (with bytes and duration, never a cookie).
        "access_log": False,
        # Answers say nothing about the software behind them.
        "server_header": False,
        # Deliberate limits: idle keep-alive connections close after 5 s, and past 1,000
        # connections new ones get 503 rather than slowing every visitor down.
        "timeout_keep_alive": 5,
        "limit_concurrency": 1000,
        "timeout_graceful_shutdown": 10,
        # httptools, with a 16 KiB cap on a request's head and 10 s to send it (protocol.py).
        "http": "plain_pcc.protocol:LimitedHttpToolsProtocol",
    }


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging, with the site's own loggers writing beside it."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["plain_pcc"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
