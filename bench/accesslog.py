"""A proposal measured by the benchmark: the access log written in batches.

Through uvicorn's default handler each access line is formatted by its colour-aware formatter,
then written and flushed to stderr on its own: a system call per request, and about half of
what a request costs the site. ``BatchedStreamHandler`` formats plainly and writes the lines
in batches, at most ``capacity`` lines or ``interval`` seconds late (as nginx's ``access_log
... buffer= flush=`` does); at exit, ``logging.shutdown`` closes it and the rest is written.

    python bench/accesslog.py --port 8002 --workers 1

serves the site exactly as ``plain-pcc serve`` does, but for the access logger's handler.
Adopting it is a change to ``plain_pcc.cli.log_config`` (see ``access_log_config``).
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import Any, TextIO


class BatchedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes formatted records to a stream in batches: one write per ``capacity`` lines, and
    at least one every ``interval`` seconds while lines wait."""

    def __init__(
        self, stream: TextIO | None = None, capacity: int = 256, interval: float = 1.0
    ) -> None:
        super().__init__(stream)
        self.capacity = capacity
        self.interval = interval
        self.pending: list[str] = []
        self._closed = threading.Event()
        self._timer = threading.Thread(target=self._tick, name="access-log", daemon=True)
        self._timer.start()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.pending.append(self.format(record) + self.terminator)
            if len(self.pending) >= self.capacity:
                self.flush()
        except Exception:
            self.handleError(record)

    def flush(self) -> None:
        self.acquire()  # the handler's lock is re-entrant: emit already holds it
        try:
            if self.pending:
                lines, self.pending = self.pending, []
                self.stream.write("".join(lines))
            self.stream.flush()
        finally:
            self.release()

    def close(self) -> None:
        self._closed.set()
        self.flush()
        super().close()

    def _tick(self) -> None:
        while not self._closed.wait(self.interval):
            if self.pending:
                self.flush()


def access_log_config(config: dict[str, Any]) -> dict[str, Any]:
    """``cli.log_config``'s answer with the access logger on its own batched handler."""
    config["formatters"]["access_line"] = {"format": "%(levelname)s:     %(message)s"}
    config["handlers"]["access_batched"] = {
        "()": "accesslog.BatchedStreamHandler",
        "formatter": "access_line",
        "stream": "ext://sys.stderr",
    }
    level = config["loggers"]["plain_pcc"]["level"]
    config["loggers"]["plain_pcc.access"] = {
        "handlers": ["access_batched"],
        "level": level,
        "propagate": False,
    }
    return config


def main(argv: list[str]) -> int:
    from plain_pcc import cli

    log_config = cli.log_config
    cli.log_config = lambda level: access_log_config(log_config(level))  # type: ignore[assignment]
    return cli.main(["serve", *argv])


if __name__ == "__main__":
    # uvicorn's workers import the handler by name: its folder goes on their path too.
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main(sys.argv[1:]))
