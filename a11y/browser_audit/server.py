"""An ASGI app served by uvicorn on a free loopback port, in a thread, for the audit to visit."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn


def bind_loopback() -> socket.socket:
    """A listening socket on 127.0.0.1 and a port the kernel chose, so no two runs collide."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


class LiveServer:
    """Serve ``make_app(base_url)`` until the ``with`` block ends.

    The socket is bound before the app is built because the site writes absolute URLs (its
    sitemap) from the base URL it is given.
    """

    def __init__(self, make_app: Callable[[str], Any]) -> None:
        self._sock = bind_loopback()
        port = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        config = uvicorn.Config(
            make_app(self.base_url),
            log_level="warning",
            access_log=False,
            # No websockets: the site has none, and importing the library costs start-up time.
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
