"""This package's own site, served on a free loopback port, for ``plain-pcc audit`` run in a
checkout with no ``--base-url`` (what ``make a11y`` does)."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn


class LiveServer:
    """Serve ``make_app(base_url)`` on 127.0.0.1 and a port the kernel chose, in a thread.

    The socket is bound before the app is built because a site writes absolute URLs (its
    sitemap) from the base URL it is given.
    """

    def __init__(self, make_app: Callable[[str], Any]) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            make_app(self.base_url),
            log_level="warning",
            access_log=False,
            ws="none",
            lifespan="on",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the site did not start on {self.base_url}")
            time.sleep(0.02)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


def plain_pcc_app(content: Path) -> Callable[[str], Any]:
    def make(base_url: str) -> Any:
        from ..app import create_app
        from ..settings import Settings

        settings = Settings(content_dir=content)
        return create_app(
            dataclasses.replace(settings, base_url=base_url, access_log=False, log_level="warning")
        )

    return make
