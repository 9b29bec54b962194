"""The sender: every queued message delivered exactly once, through an SMTP server that refuses
one delivery in five, with back-off between tries; .eml files when no SMTP is configured."""

from __future__ import annotations

import datetime
import email
import email.policy
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from plain_pcc import outbox
from plain_pcc.sender import FileTransport, Sender, SMTPTransport, transport_for
from plain_pcc.settings import Settings, SettingsError
from plain_pcc.store import open_store
from plain_pcc.store import outbox as outbox_table

from .mailservers import SMTPServer, free_port


@pytest.fixture
def engine(
    make_settings: Callable[..., Settings], tmp_path: Path, database_url: str | None
) -> Iterator[Engine]:
    engine = open_store(make_settings(data_dir=tmp_path, database_url=database_url))
    yield engine
    engine.dispose()


def fill(engine: Engine, settings: Settings, count: int) -> list[str]:
    addresses = [f"person{n}@example.com" for n in range(count)]
    with engine.begin() as connection:
        for address in addresses:
            message = outbox.compose(settings, address, "Hello", f"For {address}.")
            outbox.queue(connection, message, None)
    return addresses


def test_every_message_arrives_once_through_a_server_refusing_one_in_five(
    engine: Engine, settings: Settings, smtp_server: Callable[..., SMTPServer]
) -> None:
    smtp = smtp_server(refuse_every=5)
    addresses = fill(engine, settings, 40)
    transport = SMTPTransport.from_url(smtp.url, settings.mail_from)
    sender = Sender(engine, transport, backoff=datetime.timedelta(0))
    rounds = [sender.run_once() for _ in range(6)]
    assert sum(r.delivered for r in rounds) == 40
    assert sum(r.retrying for r in rounds) == smtp.inbox.refused > 0
    received = [rcpt for _, [rcpt], _ in smtp.inbox.accepted]
    assert sorted(received) == sorted(addresses)
    assert outbox.backlog(engine) == outbox.Backlog(0, 0)


def test_a_refused_message_waits_with_exponential_back_off(
    engine: Engine, settings: Settings, smtp_server: Callable[..., SMTPServer]
) -> None:
    smtp = smtp_server(refuse_every=1)
    fill(engine, settings, 1)
    sender = Sender(
        engine,
        SMTPTransport.from_url(smtp.url, settings.mail_from),
        backoff=datetime.timedelta(minutes=1),
        max_attempts=3,
    )
    delays = []
    for attempt in range(1, 3):
        assert sender.run_once().retrying == 1
        with engine.connect() as connection:
            row = connection.execute(select(outbox_table)).one()
        assert row.attempts == attempt
        assert row.last_error == "SMTP 451"
        delays.append(row.next_attempt_at - row.created_at)
        # Not due yet: nothing is tried.
        assert sender.run_once().retrying == 0
        with engine.begin() as connection:
            connection.execute(outbox_table.update().values(next_attempt_at=row.created_at))
    assert [round(d.total_seconds() / 60) for d in delays] == [1, 2]
    assert sender.run_once().failed == 1
    assert outbox.backlog(engine) == outbox.Backlog(0, 1)
    assert smtp.inbox.accepted == []


def test_no_server_listening_keeps_the_message_and_logs_no_address(
    engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    fill(engine, settings, 2)
    transport = SMTPTransport.from_url(f"smtp://127.0.0.1:{free_port()}", settings.mail_from)
    result = Sender(engine, transport).run_once()
    assert (result.delivered, result.retrying) == (0, 2)
    assert outbox.backlog(engine).waiting == 2
    assert "example.com" not in caplog.text
    assert "ConnectionRefusedError" in caplog.text


def test_without_smtp_messages_are_eml_files(engine: Engine, make_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(data_dir=tmp_path)
    transport = transport_for(settings)
    assert transport == FileTransport(tmp_path / "outbox")
    fill(engine, settings, 3)
    assert Sender(engine, transport).run_once().delivered == 3
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 3
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message["To"] == "person0@example.com"
    assert not list((tmp_path / "outbox").glob("*.part"))


def test_a_claimed_message_is_not_sent_twice_until_its_claim_lapses(
    engine: Engine, settings: Settings
) -> None:
    fill(engine, settings, 3)
    first = outbox.claim(engine, 10, datetime.timedelta(minutes=2))
    assert len(first) == 3
    assert outbox.claim(engine, 10, datetime.timedelta(minutes=2)) == []
    # A sender killed mid-batch: once its claim lapses, another takes the messages.
    with engine.begin() as connection:
        connection.execute(
            outbox_table.update().values(claimed_until=datetime.datetime(2000, 1, 1))
        )
    assert [p.id for p in outbox.claim(engine, 10, datetime.timedelta(minutes=2))] == [
        p.id for p in first
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, False, None, None)),
        ("smtps://u%40x:p%3Aw@mail.example.org", ("mail.example.org", 465, True, "u@x", "p:w")),
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, False, None, None)),
    ],
)
def test_smtp_url(url: str, expected: tuple[object, ...]) -> None:
    transport = SMTPTransport.from_url(url, "Office <office@example.org>")
    assert (
        transport.host,
        transport.port,
        transport.tls,
        transport.username,
        transport.password,
    ) == expected
    assert transport.envelope_from == "office@example.org"


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:port"])
def test_bad_smtp_url_is_a_settings_error(url: str) -> None:
    with pytest.raises(SettingsError, match="PLAIN_PCC_SMTP_URL"):
        SMTPTransport.from_url(url, "office@example.org")


def test_background_sender_delivers_when_woken(
    engine: Engine, settings: Settings, smtp_server: Callable[..., SMTPServer]
) -> None:
    smtp = smtp_server()
    sender = Sender(engine, SMTPTransport.from_url(smtp.url, settings.mail_from))
    sender.start()
    try:
        fill(engine, settings, 2)
        sender.wake()
        with smtp.inbox.arrived:
            assert smtp.inbox.arrived.wait_for(lambda: len(smtp.inbox.accepted) == 2, 60)
    finally:
        sender.stop()
