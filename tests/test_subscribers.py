"""Subscribers: what counts as an address, and the emails' words read from content/emails/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plain_pcc.source import ContentError
from plain_pcc.subscribers import AddressError, load_letters, normalise, offers_email_updates

from .conftest import CONTENT, FIXTURES


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Visitor@Example.COM", "visitor@example.com"),
        ("  someone@example.org", "someone@example.org"),
    ],
)
def test_addresses_are_compared_in_lower_case(typed: str, stored: str) -> None:
    assert normalise(typed.strip()) == stored


@pytest.mark.parametrize(
    "typed", ["", "name", "name@", "@example.com", "a b@example.com", "name@example..com"]
)
def test_not_an_address(typed: str) -> None:
    with pytest.raises(AddressError):
        normalise(typed)


def test_the_shipped_emails_read() -> None:
    letters = load_letters(CONTENT)
    assert letters["confirmation"].subject == "Confirm your email updates from the PCC for Essex"
    assert letters["announcement"].subject == ""
    text = letters["confirmation"].fill(topics="News and updates", link="https://x.example/l")
    assert "about: News and updates." in text
    assert "\nhttps://x.example/l\n" in text


def test_a_content_folder_without_emails_offers_none() -> None:
    assert offers_email_updates(CONTENT)
    assert not offers_email_updates(FIXTURES / "content-years")


@pytest.fixture
def emails(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT / "emails", tmp_path / "emails")
    return tmp_path


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "reason"),
    [
        ("confirmation", "Subject: ", "Subjet: ", 1, "the first line must be 'Subject: '"),
        ("confirmation", "$link", "the link", None, "the text must include $link"),
        ("announcement", "$privacy", "$privacy $price", None, "unknown placeholder $price"),
        ("announcement", "$text", "$text costs $5", None, "a '$' that is not a placeholder"),
    ],
)
def test_a_broken_email_file_stops_the_start(
    emails: Path, name: str, old: str, new: str, line: int | None, reason: str
) -> None:
    path = emails / "emails" / f"{name}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_letters(emails)
    assert (raised.value.path, raised.value.line) == (path, line)
    assert raised.value.reason.startswith(reason)


def test_a_missing_email_file_stops_the_start(emails: Path) -> None:
    (emails / "emails" / "announcement.txt").unlink()
    with pytest.raises(ContentError, match="cannot read the email's words"):
        load_letters(emails)
