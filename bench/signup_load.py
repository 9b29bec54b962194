"""Email updates under load, and through a crash (make signup-load).

On loopback only: the site (``plain-pcc serve``, one worker, SQLite in a temporary data folder
unless --database-url names a PostgreSQL database) delivering by SMTP to an aiosmtpd server in
this process. Visitors each sign up with a new address, wait for the confirmation email, open
its link and press the button, again and again:

1. ``--visitors`` for ``--seconds``: no 5xx, and every sign-up answered 303 is in the database
   exactly once (every confirmation answered 303 is confirmed);
2. the same load again, with the server killed with SIGKILL ``--kill-after`` seconds in; then
   the server is started again on the same data: nothing that was answered 303 is missing, and
   every message the outbox holds is delivered once the sender runs again.

Prints its counts; exits 1 when a check fails. The counts are for the machine it runs on: they
are not asserted, only reported (bench/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, func, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from plain_pcc.store import outbox, subscribers  # noqa: E402

FORM = {"content-type": "application/x-www-form-urlencoded"}
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:\d+(/email-updates/confirm/\?token=\S+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Sink:
    """The SMTP server: every message accepted, and the confirmation link sent to each address."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deliveries: collections.Counter[str] = collections.Counter()
        self.links: dict[str, str] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_content()  # type: ignore[attr-defined]
        found = CONFIRM_LINK.search(text)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.deliveries[recipient] += 1
                if found:
                    self.links[recipient] = found.group(1)
        return "250 OK"


@dataclass
class Tally:
    statuses: collections.Counter[int] = field(default_factory=collections.Counter)
    errors: collections.Counter[str] = field(default_factory=collections.Counter)
    acknowledged: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    killed_at: int = 0


class Server:
    def __init__(self, data: Path, smtp_port: int, database_url: str | None) -> None:
        self.port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PLAIN_PCC_")},
            "PLAIN_PCC_CONTENT_DIR": str(ROOT / "content"),
            "PLAIN_PCC_DATA_DIR": str(data),
            "PLAIN_PCC_BASE_URL": f"http://127.0.0.1:{self.port}",
            "PLAIN_PCC_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "PLAIN_PCC_ACCESS_LOG": "false",
            "PLAIN_PCC_LOG_LEVEL": "warning",
            # The load is the point: the hourly ceiling would stop it.
            "PLAIN_PCC_MAIL_HOURLY_LIMIT": str(10**9),
        }
        if database_url:
            self.env["PLAIN_PCC_DATABASE_URL"] = database_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "plain_pcc", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.2)
        raise SystemExit("the server did not answer within 120 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)


async def visitor(
    name: str, base: str, sink: Sink, tally: Tally, stop: asyncio.Event, wait_mail: float
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as client:
        sequence = 0
        while not stop.is_set():
            sequence += 1
            # A new address each time: the hourly limit per address must not be what is tested.
            address = f"{name}-{sequence}-{os.getpid()}@example.com"
            body = f"email={address.replace('@', '%40')}&topics=news"
            try:
                response = await client.post("/email-updates/", content=body, headers=FORM)
            except httpx.HTTPError as error:
                tally.errors[type(error).__name__] += 1
                await asyncio.sleep(0.2)
                continue
            tally.statuses[response.status_code] += 1
            if response.status_code != 303:
                continue
            tally.acknowledged.append(address)
            # The confirmation email, through the site's sender and the SMTP server.
            deadline = time.monotonic() + wait_mail
            link = None
            while link is None and time.monotonic() < deadline and not stop.is_set():
                link = sink.links.get(address)
                if link is None:
                    await asyncio.sleep(0.05)
            if link is None:
                continue
            token = link.split("token=", 1)[1]
            try:
                opened = await client.get(link)
                tally.statuses[opened.status_code] += 1
                confirmed = await client.post(
                    "/email-updates/confirm/", content=f"token={token}", headers=FORM
                )
            except httpx.HTTPError as error:
                tally.errors[type(error).__name__] += 1
                continue
            tally.statuses[confirmed.status_code] += 1
            if confirmed.status_code == 303:
                tally.confirmed.append(address)


async def load(
    phase: str,
    base: str,
    sink: Sink,
    visitors: int,
    seconds: float,
    kill: Server | None = None,
    kill_after: float = 0,
) -> Tally:
    tally = Tally()
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(visitor(f"{phase}{n}", base, sink, tally, stop, wait_mail=30))
        for n in range(visitors)
    ]
    started = time.monotonic()
    if kill is not None:
        # Mid-load: after --kill-after seconds, once this phase has had a sign-up answered (on
        # a busy machine the first answers can be slow), and visitors keep coming after it.
        while time.monotonic() - started < kill_after or (
            not tally.acknowledged and time.monotonic() - started < seconds
        ):
            await asyncio.sleep(0.1)
        kill.kill()
        tally.killed_at = len(tally.acknowledged)
        await asyncio.sleep(max(2.0, seconds - (time.monotonic() - started)))
    else:
        await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*tasks)
    return tally


def stored(database_url: str) -> tuple[collections.Counter[str], set[str], int]:
    """Addresses in the database (with how many rows each), those confirmed, and the outbox."""
    engine = create_engine(re.sub(r"^postgresql(\+\w+)?://", "postgresql+psycopg://", database_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(subscribers.c.address, subscribers.c.confirmed_at)
            ).all()
            waiting = connection.execute(select(func.count()).select_from(outbox)).scalar_one()
    finally:
        engine.dispose()
    return (
        collections.Counter(row.address for row in rows),
        {row.address for row in rows if row.confirmed_at is not None},
        int(waiting),
    )


def report(name: str, tally: Tally) -> None:
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally.statuses.items()))
    errors = ", ".join(f"{kind}: {n}" for kind, n in sorted(tally.errors.items())) or "none"
    print(f"{name}: sign-ups answered 303: {len(tally.acknowledged)}")
    print(f"{name}: confirmations answered 303: {len(tally.confirmed)}")
    print(f"{name}: responses by status: {statuses}")
    print(f"{name}: connection errors: {errors}")


def check(failures: list[str], ok: bool, message: str) -> None:
    print(("  ok    " if ok else "  FAIL  ") + message)
    if not ok:
        failures.append(message)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--crash-seconds", type=float, default=20)
    parser.add_argument("--kill-after", type=float, default=10)
    parser.add_argument("--database-url", help="a PostgreSQL database (default: SQLite)")
    parser.add_argument("--drain-seconds", type=float, default=300)
    args = parser.parse_args(argv)

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="plain-pcc-signup-load-") as folder:
        data = Path(folder)
        database_url = args.database_url or f"sqlite:///{data / 'plain-pcc.sqlite3'}"
        server = Server(data, controller.port, args.database_url)
        try:
            server.start()
            base = f"http://127.0.0.1:{server.port}"
            print(f"load: {args.visitors} visitors for {args.seconds:g} s on {base}")
            started = time.monotonic()
            first = asyncio.run(load("load", base, sink, args.visitors, args.seconds))
            elapsed = time.monotonic() - started
            report("load", first)
            print(
                f"load: {len(first.acknowledged) / elapsed:.1f} sign-ups/s, "
                f"{len(first.confirmed) / elapsed:.1f} confirmations/s"
            )
            rows, confirmed, _ = stored(database_url)
            check(failures, not any(s >= 500 for s in first.statuses), "no 5xx")
            check(
                failures,
                all(rows[address] == 1 for address in first.acknowledged),
                "every sign-up answered 303 is stored exactly once",
            )
            check(
                failures,
                set(first.confirmed) <= confirmed,
                "every confirmation answered 303 is confirmed",
            )

            print(
                f"crash: {args.visitors} visitors for {args.crash_seconds:g} s, SIGKILL after "
                f"{args.kill_after:g} s"
            )
            second = asyncio.run(
                load(
                    "crash", base, sink, args.visitors, args.crash_seconds, server, args.kill_after
                )
            )
            report("crash", second)
            rows, confirmed, waiting = stored(database_url)
            acknowledged = first.acknowledged + second.acknowledged
            missing = [a for a in acknowledged if rows[a] == 0]
            print(f"crash: after the kill, {waiting} messages wait in the outbox")
            server.start()
            print("restart: the server is up again on the same data")
            deadline = time.monotonic() + args.drain_seconds
            while time.monotonic() < deadline:
                rows, confirmed, waiting = stored(database_url)
                if waiting == 0:
                    break
                time.sleep(0.5)
            drained = time.monotonic() - (deadline - args.drain_seconds)
            print(f"restart: the outbox emptied in {drained:.1f} s; {waiting} left")
            committed = set(rows)
            undelivered = [a for a in committed if sink.deliveries[a] == 0]
            repeated = sum(1 for a in committed if sink.deliveries[a] > 1)
            print(
                f"restart: {len(committed)} addresses stored, "
                f"{len(committed) - len(set(acknowledged))} of them committed but never "
                f"answered (the kill came first); "
                f"{sum(sink.deliveries.values())} messages delivered, {repeated} addresses got "
                f"a message twice (in flight at the kill: delivery is at least once)"
            )
            check(failures, not any(s >= 500 for s in second.statuses), "no 5xx")
            check(
                failures,
                len(second.acknowledged) > 0,
                f"the kill came mid-load ({len(second.acknowledged)} sign-ups answered before)",
            )
            check(failures, not missing, f"nothing answered 303 is missing ({len(missing)})")
            check(
                failures,
                all(rows[a] <= 1 for a in rows),
                "no address stored twice",
            )
            check(
                failures,
                set(second.confirmed) <= confirmed,
                "every confirmation answered 303 is confirmed",
            )
            check(failures, waiting == 0, "the outbox is empty once the sender runs again")
            check(
                failures,
                not undelivered,
                f"every stored sign-up's email was delivered ({len(undelivered)} not)",
            )
        finally:
            server.stop()
            controller.stop()
    print("signup-load: " + ("FAILED: " + "; ".join(failures) if failures else "all checks passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
