"""The store: subscribers, their tokens and the outbox, in SQLite or PostgreSQL.

One code path for both, through SQLAlchemy Core. SQLite (the default, a file in the data
folder) runs in WAL mode with ``synchronous=FULL``, so a commit the site has answered is on
disk before the answer leaves; every SQLite transaction takes the write lock when it begins
(``BEGIN IMMEDIATE``), so two writers wait for each other instead of failing on a lock upgrade.
The schema carries its version and upgrades itself at start-up, one ordered step at a time.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError

from .settings import PREFIX, Settings, SettingsError

SQLITE_FILE = "plain-pcc.sqlite3"
# How long a writer waits for another's transaction before giving up, in seconds.
_LOCK_WAIT = 30

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)

# Times are naive UTC throughout: both databases compare them the same way.
subscribers = Table(
    "subscribers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("confirmed_at", DateTime),
    # When the last confirmation email was queued: at most one an hour per address.
    Column("last_confirmation_at", DateTime),
)

subscriber_topics = Table(
    "subscriber_topics",
    metadata,
    Column(
        "subscriber_id",
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("topic", String(32), primary_key=True),
)

# Only a token's SHA-256 digest is kept: the token itself is in the email, and nowhere else.
tokens = Table(
    "tokens",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column(
        "subscriber_id",
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("purpose", String(16), nullable=False),
    # For a confirmation: the topics the visitor chose, space-separated.
    Column("topics", String(200), nullable=False, default=""),
    Column("created_at", DateTime, nullable=False, index=True),
    Column("expires_at", DateTime),
    Column("used_at", DateTime),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscriber_id",
        ForeignKey("subscribers.id", ondelete="CASCADE"),
        index=True,
    ),
    Column("recipient", String(320), nullable=False),
    # The whole RFC 5322 message, as it will be sent.
    Column("message", LargeBinary, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime, nullable=False, index=True),
    # A sender claims a batch by writing its own mark and a time after which the claim lapses
    # (a sender killed mid-batch leaves nothing stuck).
    Column("claim", String(32)),
    Column("claimed_until", DateTime),
    Column("last_error", String(200)),
    Column("failed_at", DateTime),
    # Numbers are never reused (SQLite reuses the highest after a delete without this): the
    # .eml outbox names its files by them.
    sqlite_autoincrement=True,
)


def now() -> datetime.datetime:
    """The current time, naive UTC, as the store keeps it."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


def _version_1(connection: Connection) -> None:
    for table in (subscribers, subscriber_topics, tokens, outbox):
        table.create(connection)


# The schema's history, in order: a database at version N runs every step after N. A step is
# never edited once released; a change to the tables above is a new step.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_version_1,)
VERSION = len(MIGRATIONS)


def database_url(settings: Settings) -> str:
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(settings.data_dir / SQLITE_FILE).resolve()}"


def open_engine(settings: Settings) -> Engine:
    """An engine for the configured database, set up for durable, serialised writes."""
    try:
        url = make_url(database_url(settings))
    except ArgumentError:
        raise SettingsError(f"{PREFIX}DATABASE_URL is not a database URL") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.database in (None, "", ":memory:"):
            raise SettingsError(f"{PREFIX}DATABASE_URL must name a SQLite file")
        engine = create_engine(url, connect_args={"timeout": _LOCK_WAIT})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if backend == "postgresql":
        # psycopg 3, whatever driver the URL named (or none).
        return create_engine(url.set(drivername="postgresql+psycopg"), pool_pre_ping=True)
    raise SettingsError(f"{PREFIX}DATABASE_URL must be a sqlite:// or postgresql:// URL")


def _sqlite_connect(connection: Any, _record: Any) -> None:
    # The driver's own transaction handling is turned off: "begin" below opens each one.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={_LOCK_WAIT * 1000}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine) -> int:
    """Bring the schema to ``VERSION``; the version it was at before."""
    with engine.begin() as connection:
        schema_version.create(connection, checkfirst=True)
        # The row is locked (SQLite: the whole database is) until the upgrade commits, so two
        # processes starting at once run each step once.
        found = connection.execute(select(schema_version.c.version).with_for_update()).scalar()
        if found is None:
            connection.execute(insert(schema_version).values(version=0))
            found = 0
        if found > VERSION:
            raise SettingsError(
                f"the database's schema is version {found}, newer than this software's "
                f"({VERSION}): upgrade plain-pcc"
            )
        for step in MIGRATIONS[found:]:
            step(connection)
        if found < VERSION:
            connection.execute(update(schema_version).values(version=VERSION))
        return int(found)


def prepare(engine: Engine) -> None:
    """Make the SQLite file's folder if need be, and upgrade the schema: at start-up."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        Path(engine.url.database).parent.mkdir(parents=True, exist_ok=True)
    upgrade(engine)


def open_store(settings: Settings) -> Engine:
    """The engine, ready to use: what the commands start with."""
    engine = open_engine(settings)
    prepare(engine)
    return engine
