"""The outbox: messages written in the same transaction as the change that causes them, then
claimed, delivered and retried by the sender (sender.py), so a message that was queued is
never lost to a crash."""

from __future__ import annotations

import datetime
import email.policy
import email.utils
import secrets
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import Engine, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from .settings import Settings
from .store import now, outbox


def compose(
    settings: Settings,
    recipient: str,
    subject: str,
    text: str,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """A plain-text message, with its headers built by the standard library's email package."""
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = settings.mail_from
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(usegmt=True)
    domain = email.utils.parseaddr(settings.mail_from)[1].rpartition("@")[2] or None
    message["Message-ID"] = email.utils.make_msgid(domain=domain)
    if unsubscribe_url is not None:
        # RFC 8058: a mail client may offer "unsubscribe" and POST to this address itself.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text, cte="quoted-printable")
    return message


def queue(
    connection: Connection,
    message: EmailMessage,
    subscriber_id: int | None,
) -> None:
    """Add a message to the outbox, inside the caller's transaction."""
    at = now()
    connection.execute(
        insert(outbox).values(
            subscriber_id=subscriber_id,
            recipient=str(message["To"]),
            message=message.as_bytes(),
            created_at=at,
            attempts=0,
            next_attempt_at=at,
        )
    )


@dataclass(frozen=True)
class Pending:
    """A message a sender has claimed."""

    id: int
    recipient: str
    message: bytes
    attempts: int
    claim: str


def claim(engine: Engine, limit: int, lease: datetime.timedelta) -> list[Pending]:
    """Claim up to ``limit`` messages that are due, for ``lease``; oldest first.

    Another sender (another worker, or ``plain-pcc mail send``) skips what this one holds, and
    takes it back if this one dies before the lease ends.
    """
    mark = secrets.token_hex(16)
    at = now()
    due = (
        select(outbox.c.id)
        .where(
            outbox.c.failed_at.is_(None),
            outbox.c.next_attempt_at <= at,
            or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < at),
        )
        .order_by(outbox.c.id)
        .limit(limit)
        # PostgreSQL: rows another sender is claiming are skipped, not waited for. (SQLite's
        # transactions already run one at a time.)
        .with_for_update(skip_locked=True)
    )
    with engine.begin() as connection:
        ids = list(connection.execute(due).scalars())
        if not ids:
            return []
        connection.execute(
            update(outbox).where(outbox.c.id.in_(ids)).values(claim=mark, claimed_until=at + lease)
        )
        rows = connection.execute(
            select(outbox.c.id, outbox.c.recipient, outbox.c.message, outbox.c.attempts)
            .where(outbox.c.claim == mark)
            .order_by(outbox.c.id)
        ).all()
    return [Pending(row.id, row.recipient, bytes(row.message), row.attempts, mark) for row in rows]


def delivered(engine: Engine, batch: list[Pending]) -> None:
    """The messages were accepted: they leave the outbox, with the tokens they carried.

    One transaction for a batch: a commit is a disk flush, and the sender must keep up with
    the form. A crash before it means the batch is sent again (delivery is at least once).
    """
    if not batch:
        return
    with engine.begin() as connection:
        for pending in batch:
            connection.execute(
                delete(outbox).where(outbox.c.id == pending.id, outbox.c.claim == pending.claim)
            )


def retry(
    engine: Engine,
    pending: Pending,
    error: str,
    after: datetime.timedelta | None,
) -> None:
    """Try again ``after`` from now, or give up when ``after`` is None."""
    at = now()
    values: dict[str, object] = {
        "attempts": pending.attempts + 1,
        "last_error": error[:200],
        "claim": None,
        "claimed_until": None,
    }
    if after is None:
        values["failed_at"] = at
    else:
        values["next_attempt_at"] = at + after
    with engine.begin() as connection:
        connection.execute(
            update(outbox)
            .where(outbox.c.id == pending.id, outbox.c.claim == pending.claim)
            .values(**values)
        )


@dataclass(frozen=True)
class Backlog:
    waiting: int
    failed: int


def backlog(engine: Engine) -> Backlog:
    """How many messages wait to be sent, and how many were given up on."""
    with engine.connect() as connection:
        total, failed = connection.execute(
            select(func.count(), func.count(outbox.c.failed_at))
        ).one()
    return Backlog(int(total) - int(failed), int(failed))
