"""The access log: one line per request, written to standard output in batches.

A line is the time the answer ended (UTC, to the millisecond), the method, the path (escaped),
the status, the bytes sent and the duration:

    2026-11-26T09:30:00.123Z GET "/cookies/" 200 3518 0.4ms

It never holds an IP address, a query string, a header or a cookie's value.

Lines are not sent through ``logging``: a record per request, its formatting and a write and
flush of its own cost more than the site takes to answer (bench/README.md). They are kept in
memory and written together, as nginx's ``access_log ... buffer= flush=`` does: at most a
second late, in writes of whole lines of at most ``PIPE_BUF`` bytes (which POSIX makes atomic
on a pipe, so workers sharing one never interleave within a line), and the rest at shutdown.
Standard output is uvicorn's own place for access lines; errors and their traces go through
``logging`` to standard error.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
import select
import sys
from asyncio import get_running_loop
from time import gmtime, perf_counter, strftime, time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("plain_pcc")
# Everything but visible ASCII, and the quote and backslash that delimit and escape the path.
_UNPRINTABLE = re.compile(r'[^\x21-\x7e]|["\\]')
_LINE = '%s.%03dZ %s "%s" %d %d %.1fms\n'
_KNOWN_PATHS_MAX = 1024


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


# A site is asked for a few hundred paths; a flood of made-up ones only pushes the oldest out.
@functools.lru_cache(maxsize=_KNOWN_PATHS_MAX)
def printable(text: str) -> str:
    """``text`` in visible ASCII: a path is attacker-controlled, and escaped it cannot split a
    line, forge a field after its closing quote, or send terminal escapes to whoever reads it."""
    return _UNPRINTABLE.sub(_escape, text)


class LineWriter:
    """Lines written to a stream in batches, at most ``delay`` seconds after the first waits.

    Each write is whole lines of at most ``limit`` characters (a longer line goes alone).
    Runs in the event loop's thread; ``flush`` also from anywhere once the loop is done.
    """

    def __init__(
        self, stream: TextIO | None = None, delay: float = 1.0, limit: int = select.PIPE_BUF
    ) -> None:
        # None: the process's standard output at the time of each write.
        self.stream = stream
        self.delay = delay
        self.limit = limit
        self.pending: list[str] = []
        self.size = 0
        self.timer: asyncio.TimerHandle | None = None
        self.timer_loop: asyncio.AbstractEventLoop | None = None

    def write(self, line: str) -> None:
        """Keep ``line`` (ending in a newline) for the next write."""
        if self.size + len(line) > self.limit:
            self.flush()
        self.pending.append(line)
        self.size += len(line)
        loop = get_running_loop()
        # A timer on another loop (one that has since stopped) would never fire.
        if self.timer is None or self.timer_loop is not loop:
            self.timer = loop.call_later(self.delay, self.flush)
            self.timer_loop = loop

    def flush(self) -> None:
        """Write every waiting line now."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = self.timer_loop = None
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending.clear()
        self.size = 0
        stream = self.stream or sys.stdout
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            # A closed or broken standard output must not take answers down with it.
            logger.exception("%d access lines could not be written", text.count("\n"))


class AccessLog:
    """Middleware: one line per request to a ``LineWriter``. Never a cookie's value."""

    def __init__(self, app: ASGIApp, writer: LineWriter) -> None:
        self.app = app
        self.writer = writer
        # The time to the second, formatted once a second rather than once a request.
        self.second = -1
        self.stamp = ""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        status = 0
        sent = 0

        async def send_logged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            duration = (perf_counter() - start) * 1000
            now = time()
            second = int(now)
            if second != self.second:
                self.second = second
                self.stamp = strftime("%Y-%m-%dT%H:%M:%S", gmtime(second))
            # No status: nothing was sent, not even the 500 page (create_app puts this
            # middleware outside the one that sends it).
            self.writer.write(
                _LINE
                % (
                    self.stamp,
                    (now - second) * 1000,
                    scope["method"],
                    printable(scope["path"]),
                    status or 500,
                    sent,
                    duration,
                )
            )
