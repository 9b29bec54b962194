"""``plain-pcc serve`` as its operator starts it: a process of its own on a free loopback port,
with a data folder of its own, and the environment the office's commands share with it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType

BIN = Path(sys.executable).parent
# Started from the checkout, as `make serve` is: its content/ is the site's.
CHECKOUT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """The site served from ``data`` (its store and outbox), its output in ``serve.log`` beside
    it; ``environ`` adds settings, ``args`` adds options to ``plain-pcc serve``."""

    def __init__(
        self, data: Path, environ: dict[str, str] | None = None, args: tuple[str, ...] = ()
    ) -> None:
        port = free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.data = data
        self.environ = {
            **os.environ,
            "PLAIN_PCC_PORT": str(port),
            # Form posts are checked against this origin, and absolute links written from it.
            "PLAIN_PCC_BASE_URL": self.base_url,
            "PLAIN_PCC_DATA_DIR": str(data),
            **(environ or {}),
        }
        self.log = data.parent / "serve.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "plain-pcc"), "serve", *args],
                env=self.environ,
                cwd=CHECKOUT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.base_url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"plain-pcc serve did not start: {self.log.read_text()}")
            time.sleep(0.1)

    def office(self, *argv: str, expect: int = 0) -> str:
        """A ``plain-pcc`` command on the same data, which must exit ``expect``: its output."""
        done = subprocess.run(
            [str(BIN / "plain-pcc"), *argv],
            env=self.environ,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == expect, done.stderr
        return done.stdout

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Served:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
