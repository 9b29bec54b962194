"""The sender: delivers the outbox by SMTP (``PLAIN_PCC_SMTP_URL``), or writes each message as
an ``.eml`` file in the data folder when no SMTP server is configured; retries with exponential
back-off; runs in the server's background or once from ``plain-pcc mail send``."""

from __future__ import annotations

import datetime
import email.utils
import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from sqlalchemy import Engine

from . import outbox
from .outbox import Pending
from .settings import PREFIX, Settings, SettingsError

logger = logging.getLogger("plain_pcc.sender")

OUTBOX_DIR = "outbox"
BATCH = 50
# A claim lapses after this: a sender killed mid-batch holds nothing for longer. It outlasts a
# batch sent to a slow server (each connection and command has 10 s).
LEASE = datetime.timedelta(minutes=1)
# Background rounds: every few seconds, and at once when the site queues a message.
POLL_SECONDS = 5.0
PURGE_EVERY = datetime.timedelta(hours=1)


class Transport(Protocol):
    def deliver(self, batch: list[Pending], done: Callable[[Pending, str | None], None]) -> None:
        """Try each message; call ``done(message, None)`` on success, or with the reason."""


@dataclass(frozen=True)
class SMTPTransport:
    """``smtp://[user:password@]host[:port]`` (STARTTLS when the server offers it) or
    ``smtps://`` (TLS from the start)."""

    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None
    envelope_from: str
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str, mail_from: str) -> SMTPTransport:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SettingsError(f"{PREFIX}SMTP_URL must be smtp://host[:port] or smtps://...")
        try:
            port = parts.port
        except ValueError:
            raise SettingsError(f"{PREFIX}SMTP_URL has a port that is not a number") from None
        return cls(
            host=parts.hostname,
            port=port or (465 if parts.scheme == "smtps" else 25),
            tls=parts.scheme == "smtps",
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            envelope_from=email.utils.parseaddr(mail_from)[1],
        )

    def deliver(self, batch: list[Pending], done: Callable[[Pending, str | None], None]) -> None:
        remaining = list(batch)
        try:
            with self._connect() as smtp:
                while remaining:
                    pending = remaining[0]
                    try:
                        smtp.sendmail(self.envelope_from, [pending.recipient], pending.message)
                    except smtplib.SMTPRecipientsRefused as error:
                        # The reason without the address: addresses stay out of the logs.
                        codes = sorted({code for code, _ in error.recipients.values()})
                        done(pending, f"SMTP recipient refused ({', '.join(map(str, codes))})")
                    except smtplib.SMTPResponseException as error:
                        done(pending, f"SMTP {error.smtp_code}")
                    else:
                        done(pending, None)
                    remaining.pop(0)
        except (smtplib.SMTPException, OSError) as error:
            for pending in remaining:
                done(pending, f"SMTP connection: {type(error).__name__}")

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.tls:
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if not self.tls and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            if self.username is not None:
                smtp.login(self.username, self.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp


@dataclass(frozen=True)
class FileTransport:
    """Each message as ``<data folder>/outbox/<date>-<time>-<number>.eml``, for a developer to
    read."""

    folder: Path

    def deliver(self, batch: list[Pending], done: Callable[[Pending, str | None], None]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for pending in batch:
            # Dated, so a new database's first messages never overwrite an old one's.
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
            target = self.folder / f"{stamp}-{pending.id:08d}.eml"
            partial = target.with_suffix(".part")
            try:
                with open(partial, "wb") as file:
                    file.write(pending.message)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(partial, target)
            except OSError as error:
                done(pending, f"file: {type(error).__name__}")
            else:
                done(pending, None)


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SMTPTransport.from_url(settings.smtp_url, settings.mail_from)
    return FileTransport(settings.data_dir / OUTBOX_DIR)


@dataclass
class Round:
    """What one run of the sender did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


class Sender:
    """Delivers what is due, retrying a failed message after 1, 2, 4, 8... times ``backoff``
    (at most ``backoff_cap``), and giving up after ``max_attempts``."""

    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        backoff: datetime.timedelta = datetime.timedelta(seconds=30),
        backoff_cap: datetime.timedelta = datetime.timedelta(hours=6),
        max_attempts: int = 12,
        purge: Callable[[], int] | None = None,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.backoff = backoff
        self.backoff_cap = backoff_cap
        self.max_attempts = max_attempts
        self.purge = purge
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> Round:
        """Deliver every message that is due now; what happened."""
        result = Round()
        accepted: list[Pending] = []

        def done(pending: Pending, error: str | None) -> None:
            if error is None:
                accepted.append(pending)
                result.delivered += 1
                return
            attempts = pending.attempts + 1
            if attempts >= self.max_attempts:
                outbox.retry(self.engine, pending, error, None)
                result.failed += 1
                logger.error(
                    "message %d not sent after %d attempts: %s", pending.id, attempts, error
                )
            else:
                delay = min(self.backoff * 2 ** (attempts - 1), self.backoff_cap)
                outbox.retry(self.engine, pending, error, delay)
                result.retrying += 1
                logger.warning(
                    "message %d not sent (%s): trying again in %s", pending.id, error, delay
                )

        while not self._stopping.is_set():
            batch = outbox.claim(self.engine, BATCH, LEASE)
            if not batch:
                break
            try:
                self.transport.deliver(batch, done)
            finally:
                outbox.delivered(self.engine, accepted)
                accepted.clear()
        return result

    # In the server's background ---------------------------------------------------------------

    def wake(self) -> None:
        """A message was queued: send it now rather than at the next round."""
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="plain-pcc-sender", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        purged_at: datetime.datetime | None = None
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                if self.purge is not None and (
                    purged_at is None or datetime.datetime.now() - purged_at > PURGE_EVERY
                ):
                    purged_at = datetime.datetime.now()
                    self.purge()
                self.run_once()
            except Exception:
                # The database may be down for a moment; the next round tries again.
                logger.exception("the sender's round failed")
            self._wake.wait(POLL_SECONDS)
