"""The store: durable SQLite settings, one schema on both databases, upgraded at start-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, update

from plain_pcc import store
from plain_pcc.settings import Settings, SettingsError


def test_sqlite_is_durable_and_lives_in_the_data_folder(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    engine = store.open_store(make_settings(data_dir=tmp_path / "new" / "folder"))
    assert engine.url.database == str(tmp_path / "new" / "folder" / "plain-pcc.sqlite3")
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys")
        }
    # synchronous=2 is FULL: a commit is on disk before the site answers.
    assert pragmas == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1}
    engine.dispose()


def test_schema_is_created_then_left_alone(
    make_settings: Callable[..., Settings], tmp_path: Path, database_url: str | None
) -> None:
    engine = store.open_engine(make_settings(data_dir=tmp_path, database_url=database_url))
    assert store.upgrade(engine) == 0
    assert store.upgrade(engine) == store.VERSION
    tables = set(inspect(engine).get_table_names())
    assert tables == {"schema_version", "subscribers", "subscriber_topics", "tokens", "outbox"}
    with engine.connect() as connection:
        assert connection.execute(select(store.schema_version.c.version)).all() == [
            (store.VERSION,)
        ]
    engine.dispose()


def test_a_newer_schema_stops_the_start(
    make_settings: Callable[..., Settings], tmp_path: Path, database_url: str | None
) -> None:
    engine = store.open_store(make_settings(data_dir=tmp_path, database_url=database_url))
    with engine.begin() as connection:
        connection.execute(update(store.schema_version).values(version=store.VERSION + 1))
    with pytest.raises(SettingsError, match="newer than this software"):
        store.upgrade(engine)
    engine.dispose()


@pytest.mark.parametrize(
    "url", ["mysql://db.example/plain", "sqlite://", "sqlite:///:memory:", "not a url"]
)
def test_unsupported_database_urls_are_refused(
    make_settings: Callable[..., Settings], url: str
) -> None:
    with pytest.raises(SettingsError, match="PLAIN_PCC_DATABASE_URL"):
        store.open_engine(make_settings(database_url=url))


def test_postgresql_urls_use_psycopg(make_settings: Callable[..., Settings]) -> None:
    engine = store.open_engine(make_settings(database_url="postgresql://u@127.0.0.1:1/db"))
    assert engine.url.drivername == "postgresql+psycopg"
