"""Real servers for the email updates tests: PostgreSQL from Debian (initdb and pg_ctl in a
temporary folder, on a loopback port, as the unprivileged ``postgres`` user when run as root)
and an aiosmtpd SMTP server on loopback, optionally refusing one delivery in five.

Registered as a plugin by conftest.py, so one PostgreSQL server serves the whole session.
"""

from __future__ import annotations

import email.policy
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiosmtpd.controller import Controller

BACKENDS = ["sqlite", "postgresql"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: `make test` installs it (apt-get)")
    return found[-1].parent


class PostgresServer:
    """A throwaway PostgreSQL cluster; ``url(name)`` names a fresh database in it."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        # Not under pytest's own temporary folder, which only root may enter.
        self.folder = Path(tempfile.mkdtemp(prefix="plain-pcc-postgres-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.names = itertools.count()
        # PostgreSQL refuses to run as root.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")

    def run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "plain",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.folder}",
            "start",
        )

    def stop(self) -> None:
        try:
            self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self) -> str:
        name = f"test_{next(self.names)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=plain dbname=postgres", autocommit=True
        ) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://plain@127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str | None:
    """Each test that asks runs twice: on SQLite (in its data folder) and on PostgreSQL."""
    if request.param == "sqlite":
        return None
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


class Inbox:
    """What an SMTP server accepted; ``refuse_every`` N refuses each Nth delivery (451)."""

    def __init__(self, refuse_every: int = 0) -> None:
        self.refuse_every = refuse_every
        self.attempts = 0
        self.refused = 0
        self.accepted: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.attempts += 1
            if self.refuse_every and self.attempts % self.refuse_every == 0:
                self.refused += 1
                return "451 4.3.0 Try again later"
            self.accepted.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            self.arrived.notify_all()
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            contents = [content for _, _, content in self.accepted]
        return [
            message_from_bytes(content, policy=email.policy.default)  # type: ignore[misc]
            for content in contents
        ]

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages() if message["To"] == address]


class SMTPServer:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox
        self.port = free_port()
        self.controller = Controller(inbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., SMTPServer]]:
    """Start an SMTP server on loopback: ``smtp_server(refuse_every=5)``."""
    started: list[SMTPServer] = []

    def start(refuse_every: int = 0) -> SMTPServer:
        server = SMTPServer(Inbox(refuse_every))
        server.controller.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.controller.stop()
