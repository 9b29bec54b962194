"""Subscribers to email updates: sign-up with double opt-in, confirmation, unsubscription,
announcements, the limits that stop the form being used to flood an inbox, and the office's
data requests. Every change and the message it causes are written in one transaction."""

from __future__ import annotations

import datetime
import enum
import hashlib
import secrets
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import email_validator
from sqlalchemy import Engine, and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from . import outbox
from .modes import Mode
from .settings import Settings
from .source import ContentError
from .store import now, subscriber_topics, subscribers, tokens
from .store import outbox as outbox_table

CONFIRM = "confirm"
UNSUBSCRIBE = "unsubscribe"
# A confirmation link works once, for 7 days; an address never confirmed is deleted after 7.
CONFIRMATION_LIFETIME = datetime.timedelta(days=7)
# At most one confirmation email to an address in this time.
ADDRESS_INTERVAL = datetime.timedelta(hours=1)
EMAILS_DIR = "emails"
CONFIRM_PATH = "/email-updates/confirm/"
UNSUBSCRIBE_PATH = "/email-updates/unsubscribe/"
PRIVACY_PATH = "/email-updates/privacy/"
_T = TypeVar("_T")


@dataclass(frozen=True)
class Topic:
    value: str
    label: str


TOPICS = (
    Topic("hmic-reports", "HMIC reports"),
    Topic("news", "News and updates"),
)
TOPIC_VALUES = frozenset(topic.value for topic in TOPICS)


class Outcome(enum.Enum):
    """What became of a valid sign-up."""

    QUEUED = "queued"
    ADDRESS_LIMIT = "address-limit"
    GLOBAL_LIMIT = "global-limit"


class AddressError(ValueError):
    """Not an email address the site can send to."""


def normalise(address: str) -> str:
    """The address as it is stored and compared: in lower case, the whole of it.

    Strictly the part before the @ may be case-sensitive, but no mail service in use treats it
    so, and comparing it as typed would let anyone flood an inbox past the hourly limit by
    changing the case of one letter at a time.
    """
    try:
        valid = email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as error:
        raise AddressError(str(error)) from None
    return valid.normalized.lower()


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Letter:
    """An email's words, from ``content/emails/``, with ``$name`` placeholders the site fills
    in. The confirmation's file starts with its subject line; an announcement's subject is the
    office's."""

    subject: str
    body: string.Template

    def fill(self, **values: str) -> str:
        return self.body.substitute(values)


# name: (the placeholders its text must use, whether it starts with "Subject: ")
LETTERS = {
    "confirmation": (("topics", "link"), True),
    "announcement": (("text", "unsubscribe", "privacy"), False),
}


def offers_email_updates(content_dir: Path) -> bool:
    """Whether the content offers email updates: it has the emails' words."""
    return (Path(content_dir) / EMAILS_DIR).is_dir()


def load_letters(content_dir: Path) -> dict[str, Letter]:
    """Read the emails' words; a missing or malformed file is a ``ContentError``."""
    letters = {}
    for name, (placeholders, has_subject) in LETTERS.items():
        path = Path(content_dir) / EMAILS_DIR / f"{name}.txt"
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ContentError(path, None, f"cannot read the email's words: {error}") from None
        subject = ""
        if has_subject:
            first, _, text = text.partition("\n")
            subject = first.removeprefix("Subject: ").strip()
            if not first.startswith("Subject: ") or not subject:
                raise ContentError(path, 1, "the first line must be 'Subject: ' and the subject")
        template = string.Template(text.lstrip("\n"))
        if not template.is_valid():
            raise ContentError(path, None, "a '$' that is not a placeholder: write '$$'")
        used = set(template.get_identifiers())
        for placeholder in placeholders:
            if placeholder not in used:
                raise ContentError(path, None, f"the text must include ${placeholder}")
        if unknown := used - set(placeholders):
            raise ContentError(
                path,
                None,
                f"unknown placeholder ${sorted(unknown)[0]}: "
                f"use {', '.join('$' + p for p in placeholders)}",
            )
        letters[name] = Letter(subject, template)
    return letters


@dataclass(frozen=True)
class Record:
    """One subscriber, as a data request shows it."""

    address: str
    topics: tuple[str, ...]
    created_at: datetime.datetime
    confirmed_at: datetime.datetime | None


class Subscribers:
    """The email updates service, over the store."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        letters: dict[str, Letter],
        clock: Callable[[], datetime.datetime] = now,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.letters = letters
        self.clock = clock

    def _transaction(self, work: Callable[[Connection], _T]) -> _T:
        # Two first sign-ups of one address at once: one insert loses on the unique address,
        # and its transaction runs again, now finding the row.
        for attempt in range(3):
            try:
                with self.engine.begin() as connection:
                    return work(connection)
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    # The visitor's side ---------------------------------------------------------------------

    def sign_up(self, address: str, topics: Sequence[str], mode: Mode) -> Outcome:
        """Queue a confirmation email for ``address`` (already normalised), within the limits.

        The same whether the address is new, waiting or subscribed: a subscriber asking again
        (to change topics) confirms the same way, and no one learns who is subscribed.
        """
        chosen = " ".join(topic.value for topic in TOPICS if topic.value in topics)
        token = secrets.token_urlsafe(32)

        def work(connection: Connection) -> Outcome:
            at = self.clock()
            recent = connection.execute(
                select(func.count())
                .select_from(tokens)
                .where(tokens.c.purpose == CONFIRM, tokens.c.created_at > at - ADDRESS_INTERVAL)
            ).scalar_one()
            if recent >= self.settings.mail_hourly_limit:
                return Outcome.GLOBAL_LIMIT
            row = connection.execute(
                select(subscribers.c.id, subscribers.c.last_confirmation_at)
                .where(subscribers.c.address == address)
                .with_for_update()
            ).first()
            if row is None:
                subscriber_id = connection.execute(
                    insert(subscribers)
                    .values(address=address, created_at=at, last_confirmation_at=at)
                    .returning(subscribers.c.id)
                ).scalar_one()
            elif row.last_confirmation_at is not None and (
                row.last_confirmation_at > at - ADDRESS_INTERVAL
            ):
                return Outcome.ADDRESS_LIMIT
            else:
                subscriber_id = row.id
                connection.execute(
                    update(subscribers)
                    .where(subscribers.c.id == subscriber_id)
                    .values(last_confirmation_at=at)
                )
            connection.execute(
                insert(tokens).values(
                    digest=digest(token),
                    subscriber_id=subscriber_id,
                    purpose=CONFIRM,
                    topics=chosen,
                    created_at=at,
                    expires_at=at + CONFIRMATION_LIFETIME,
                )
            )
            letter = self.letters["confirmation"]
            labels = [topic.label for topic in TOPICS if topic.value in chosen.split()]
            text = letter.fill(
                topics=" and ".join(labels),
                link=self._link(mode, CONFIRM_PATH, token),
            )
            outbox.queue(
                connection,
                outbox.compose(self.settings, address, letter.subject, text),
                subscriber_id,
            )
            return Outcome.QUEUED

        return self._transaction(work)

    def confirmable(self, token: str) -> bool:
        """Whether a confirmation link still works (opening it changes nothing)."""
        with self.engine.connect() as connection:
            return self._find(connection, token, CONFIRM) is not None

    def confirm(self, token: str) -> bool:
        """Subscribe the link's address to the topics it asked for; False if the link is not
        valid (used, expired, or never issued)."""

        def work(connection: Connection) -> bool:
            found = self._find(connection, token, CONFIRM)
            if found is None:
                return False
            at = self.clock()
            connection.execute(
                update(tokens).where(tokens.c.digest == found.digest).values(used_at=at)
            )
            connection.execute(
                update(subscribers)
                .where(subscribers.c.id == found.subscriber_id)
                .values(confirmed_at=func.coalesce(subscribers.c.confirmed_at, at))
            )
            connection.execute(
                delete(subscriber_topics).where(
                    subscriber_topics.c.subscriber_id == found.subscriber_id
                )
            )
            chosen = [topic for topic in found.topics.split() if topic in TOPIC_VALUES]
            if chosen:
                connection.execute(
                    insert(subscriber_topics),
                    [{"subscriber_id": found.subscriber_id, "topic": topic} for topic in chosen],
                )
            return True

        return self._transaction(work)

    def unsubscribable(self, token: str) -> bool:
        """Whether an unsubscribe link still works (asking changes nothing)."""
        with self.engine.connect() as connection:
            return self._find(connection, token, UNSUBSCRIBE) is not None

    def unsubscribe(self, token: str) -> bool:
        """Delete the link's subscriber, with everything kept about them; False if the link is
        not valid (it was used already, or never issued)."""

        def work(connection: Connection) -> bool:
            found = self._find(connection, token, UNSUBSCRIBE)
            if found is None:
                return False
            _delete_subscriber(connection, found.subscriber_id)
            return True

        return self._transaction(work)

    def _find(self, connection: Connection, token: str, purpose: str) -> Any:
        if not token or len(token) > 100:
            return None
        return connection.execute(
            select(tokens.c.digest, tokens.c.subscriber_id, tokens.c.topics).where(
                tokens.c.digest == digest(token),
                tokens.c.purpose == purpose,
                tokens.c.used_at.is_(None),
                # An unsubscribe link never expires; a confirmation link does.
                (tokens.c.expires_at.is_(None)) | (tokens.c.expires_at > self.clock()),
            )
        ).first()

    def _link(self, mode: Mode, path: str, token: str) -> str:
        return f"{self.settings.base_url}{mode.url(path)}?token={token}"

    # The office's side ----------------------------------------------------------------------

    def announce(self, topic: str, subject: str, text: str, mode: Mode) -> int:
        """Queue ``text`` to every confirmed subscriber of ``topic``, each with their own
        one-visit unsubscribe link; how many were queued."""
        if topic not in TOPIC_VALUES:
            raise ValueError(f"unknown topic {topic!r}")
        letter = self.letters["announcement"]

        def work(connection: Connection) -> int:
            at = self.clock()
            rows = connection.execute(
                select(subscribers.c.id, subscribers.c.address)
                .join(subscriber_topics, subscriber_topics.c.subscriber_id == subscribers.c.id)
                .where(subscriber_topics.c.topic == topic, subscribers.c.confirmed_at.is_not(None))
                .order_by(subscribers.c.id)
            ).all()
            for row in rows:
                token = secrets.token_urlsafe(32)
                connection.execute(
                    insert(tokens).values(
                        digest=digest(token),
                        subscriber_id=row.id,
                        purpose=UNSUBSCRIBE,
                        topics="",
                        created_at=at,
                    )
                )
                unsubscribe = self._link(mode, UNSUBSCRIBE_PATH, token)
                body = letter.fill(
                    text=text.rstrip("\n"),
                    unsubscribe=unsubscribe,
                    privacy=self.settings.base_url + mode.url(PRIVACY_PATH),
                )
                outbox.queue(
                    connection,
                    outbox.compose(self.settings, row.address, subject, body, unsubscribe),
                    row.id,
                )
            return len(rows)

        return self._transaction(work)

    def purge(self) -> int:
        """Delete addresses never confirmed within 7 days; how many."""

        def work(connection: Connection) -> int:
            cutoff = self.clock() - CONFIRMATION_LIFETIME
            stale = list(
                connection.execute(
                    select(subscribers.c.id).where(
                        subscribers.c.confirmed_at.is_(None), subscribers.c.created_at < cutoff
                    )
                ).scalars()
            )
            for subscriber_id in stale:
                _delete_subscriber(connection, subscriber_id)
            # Expired confirmation links of confirmed subscribers are of no more use either.
            connection.execute(
                delete(tokens).where(
                    and_(tokens.c.expires_at.is_not(None), tokens.c.expires_at < self.clock())
                )
            )
            return len(stale)

        return self._transaction(work)

    def count(self) -> dict[str, int]:
        """Confirmed subscribers of each topic, all confirmed ones, and those waiting."""
        with self.engine.connect() as connection:
            per_topic: dict[str, int] = dict(
                connection.execute(
                    select(subscriber_topics.c.topic, func.count())
                    .join(subscribers, subscribers.c.id == subscriber_topics.c.subscriber_id)
                    .where(subscribers.c.confirmed_at.is_not(None))
                    .group_by(subscriber_topics.c.topic)
                ).all()
            )
            confirmed, total = connection.execute(
                select(func.count(subscribers.c.confirmed_at), func.count())
            ).one()
        counts = {topic.value: int(per_topic.get(topic.value, 0)) for topic in TOPICS}
        counts["confirmed"] = int(confirmed)
        counts["unconfirmed"] = int(total) - int(confirmed)
        return counts

    def records(self, address: str | None = None) -> Iterator[Record]:
        """Everything kept about one address, or about every subscriber."""
        query = select(
            subscribers.c.id,
            subscribers.c.address,
            subscribers.c.created_at,
            subscribers.c.confirmed_at,
        ).order_by(subscribers.c.id)
        if address is not None:
            query = query.where(subscribers.c.address == address)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            topics: dict[int, list[str]] = {}
            for subscriber_id, topic in connection.execute(
                select(subscriber_topics.c.subscriber_id, subscriber_topics.c.topic)
            ):
                topics.setdefault(subscriber_id, []).append(topic)
        for row in rows:
            yield Record(
                row.address,
                tuple(sorted(topics.get(row.id, []))),
                row.created_at,
                row.confirmed_at,
            )

    def delete(self, address: str) -> bool:
        """Delete everything kept about ``address``: its record, links and unsent emails."""

        def work(connection: Connection) -> bool:
            subscriber_id = connection.execute(
                select(subscribers.c.id).where(subscribers.c.address == address)
            ).scalar()
            if subscriber_id is None:
                return False
            _delete_subscriber(connection, subscriber_id)
            return True

        return self._transaction(work)


def _delete_subscriber(connection: Connection, subscriber_id: int) -> None:
    # Explicit, not only ON DELETE CASCADE: the outcome must not depend on a database setting.
    for table in (outbox_table, tokens, subscriber_topics):
        connection.execute(delete(table).where(table.c.subscriber_id == subscriber_id))
    connection.execute(delete(subscribers).where(subscribers.c.id == subscriber_id))
