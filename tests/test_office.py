"""The office's commands, as an operator runs them, over the same store as the site."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from plain_pcc.cli import main
from plain_pcc.modes import FULL
from plain_pcc.settings import Settings
from plain_pcc.store import open_store
from plain_pcc.subscribers import Subscribers, load_letters

from .conftest import CONTENT


@pytest.fixture
def subscribers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None
) -> Iterator[Subscribers]:
    monkeypatch.setenv("PLAIN_PCC_CONTENT_DIR", str(CONTENT))
    monkeypatch.setenv("PLAIN_PCC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PLAIN_PCC_SMTP_URL", raising=False)
    if database_url:
        monkeypatch.setenv("PLAIN_PCC_DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("PLAIN_PCC_DATABASE_URL", raising=False)
    settings = Settings(content_dir=CONTENT, data_dir=tmp_path, database_url=database_url)
    service = Subscribers(open_store(settings), settings, load_letters(CONTENT))
    for address, topic in (("one@example.com", "news"), ("two@example.com", "hmic-reports")):
        service.sign_up(address, [topic], FULL)
        token = _confirmation_token(service, address)
        assert service.confirm(token)
    service.sign_up("waiting@example.com", ["news"], FULL)
    yield service
    service.engine.dispose()


def _confirmation_token(service: Subscribers, address: str) -> str:
    """The token in the address's last queued confirmation email."""
    from sqlalchemy import select

    from plain_pcc.store import outbox

    with service.engine.connect() as connection:
        messages = connection.execute(
            select(outbox.c.message).where(outbox.c.recipient == address)
        ).scalars()
        raw = [bytes(m) for m in messages][-1]
    import email
    import email.policy

    text = email.message_from_bytes(raw, policy=email.policy.default).get_content()  # type: ignore[attr-defined]
    return str(text.split("?token=")[1].split()[0])


def test_count(subscribers: Subscribers, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subscribers", "count"]) == 0
    assert capsys.readouterr().out == ("hmic-reports: 1\nnews: 1\nconfirmed: 2\nunconfirmed: 1\n")


def test_export_one_address_and_everyone(
    subscribers: Subscribers, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["subscribers", "export", "ONE@example.com"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "address,topics,signed_up_utc,confirmed_utc"
    assert [line.split(",")[:2] for line in lines[1:]] == [["one@example.com", "news"]]
    assert main(["subscribers", "export"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4
    assert main(["subscribers", "export", "nobody@example.com"]) == 1


def test_delete_removes_everything_about_an_address(
    subscribers: Subscribers, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["subscribers", "delete", "waiting@example.com"]) == 0
    assert "deleted" in capsys.readouterr().out
    assert [r.address for r in subscribers.records()] == ["one@example.com", "two@example.com"]
    assert main(["subscribers", "delete", "waiting@example.com"]) == 1
    assert main(["subscribers", "delete", "not an address"]) == 2


def test_announce_then_send(
    subscribers: Subscribers, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["mail", "send"])
    body = tmp_path / "body.txt"
    body.write_text("The 2017 reports are published.\n", encoding="utf-8")
    capsys.readouterr()
    assert (
        main(["mail", "announce", "--topic", "news", "--subject", "New", "--body", str(body)]) == 0
    )
    assert capsys.readouterr().out == "queued 1 message; the sender delivers them\n"
    assert main(["mail", "send"]) == 0
    assert capsys.readouterr().out.startswith("delivered 1,")
    newest = sorted((tmp_path / "outbox").glob("*.eml"))[-1].read_bytes()
    assert b"To: one@example.com" in newest
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in newest


def test_announce_refuses_an_unknown_topic_or_an_empty_message(
    subscribers: Subscribers, tmp_path: Path
) -> None:
    body = tmp_path / "body.txt"
    body.write_text("  \n", encoding="utf-8")
    with pytest.raises(SystemExit):
        main(["mail", "announce", "--topic", "sport", "--subject", "S", "--body", str(body)])
    assert main(["mail", "announce", "--topic", "news", "--subject", "S", "--body", str(body)]) == 2
    missing = tmp_path / "missing.txt"
    assert (
        main(["mail", "announce", "--topic", "news", "--subject", "S", "--body", str(missing)]) == 2
    )
