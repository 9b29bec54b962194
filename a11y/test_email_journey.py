"""Email updates as a new visitor and the office meet them, with the server started the way
`make serve` starts it (SQLite and an .eml outbox in the data folder, nothing else set up): in
a real browser with JavaScript off and only the keyboard, sign up from the footer's link, make
a mistake and see the error summary, read the confirmation in the outbox, confirm with the
page's button, get an announcement the office queues with `plain-pcc mail announce`, and leave
with one visit to its unsubscribe link."""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import DESKTOP
from navigation import settled
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from served import Served

from plain_pcc.audit.browser import Session

ADDRESS = "reader@example.org"
FORM = "/email-updates/"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    with Served(tmp_path / "data") as server:
        yield server


@pytest.fixture
def browser() -> Iterator[Session]:
    session = Session.local(1)
    session.reset(DESKTOP, None, javascript=False)
    yield session
    session.quit()


def outbox(served: Served, count: int) -> list[EmailMessage]:
    """The outbox's messages, once there are ``count`` (the server's sender writes them)."""
    folder = served.data / "outbox"
    deadline = time.monotonic() + 30
    while True:
        files = sorted(folder.glob("*.eml")) if folder.is_dir() else []
        if len(files) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(files) == count, [f.name for f in files]
    return [
        email.message_from_bytes(f.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for f in files
    ]


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def links_in(text: str, served: Served) -> list[str]:
    return re.findall(re.escape(served.base_url) + r"/\S+", text)


def landed(browser: Session, path: str) -> None:
    """The browser followed the 303 to ``path``."""
    assert urlsplit(browser.driver.current_url).path == path, browser.driver.current_url


def counts(served: Served) -> dict[str, int]:
    """`plain-pcc subscribers count`, read back."""
    lines = served.office("subscribers", "count").splitlines()
    return {name: int(number) for name, number in (line.split(": ") for line in lines)}


def heading(browser: Session) -> str:
    return str(browser.driver.find_element(By.TAG_NAME, "h1").text)


def press(element: object, *keys: str) -> None:
    element.send_keys(*keys)  # type: ignore[attr-defined]


def follow(browser: Session, element: object, key: str) -> None:
    """Press ``key`` on ``element`` and wait for the page it leads to: a key press returns as
    soon as the page has it, before any navigation it starts has finished."""
    before = browser.driver.find_element(By.TAG_NAME, "html")
    press(element, key)
    settled(browser.driver, before)


def test_sign_up_confirm_announce_unsubscribe_with_the_keyboard(
    served: Served, browser: Session
) -> None:
    driver = browser.driver
    driver.get(served.base_url + "/")
    assert driver.execute_script("return document.scripts.length") == 0
    # The footer's sentence on every page leads to the form.
    link = driver.find_element(By.LINK_TEXT, "sign up for email notifications")
    follow(browser, link, Keys.ENTER)
    assert driver.current_url == served.base_url + FORM
    assert heading(browser) == "Email updates"

    # A mistake first: an address that is not one, with no topic chosen.
    field = driver.find_element(By.ID, "email")
    press(field, "reader at example.org")
    follow(browser, driver.find_element(By.CSS_SELECTOR, "main form button"), Keys.ENTER)
    assert driver.title.startswith("Error: Email updates")
    summary = driver.find_element(By.CSS_SELECTOR, "main > .error-summary:first-child")
    assert summary.get_attribute("role") == "alert"
    assert [
        a.get_attribute("href").split("#")[1] for a in summary.find_elements(By.TAG_NAME, "a")
    ] == [
        "email",
        "topics",
    ]
    field = driver.find_element(By.ID, "email")
    assert field.get_attribute("value") == "reader at example.org", "what was typed is kept"
    assert "email-error" in field.get_attribute("aria-describedby").split()

    # Put right with keys only: the address retyped, a topic ticked with Space, Enter to send.
    field.clear()
    press(field, ADDRESS)
    press(driver.find_element(By.ID, "topics"), Keys.SPACE)
    assert driver.find_element(By.ID, "topics").is_selected()
    follow(browser, driver.find_element(By.CSS_SELECTOR, "main form button"), Keys.ENTER)
    landed(browser, "/email-updates/check-your-email/")
    assert heading(browser) == "Check your email"

    # The confirmation, as the server's sender wrote it to the outbox.
    (confirmation,) = outbox(served, 1)
    assert confirmation["To"] == ADDRESS
    assert confirmation["Subject"] == "Confirm your email updates from the PCC for Essex"
    (confirm_link,) = links_in(text_of(confirmation), served)
    assert "HMIC reports" in text_of(confirmation)

    # Opening the link subscribes no one (a mail scanner does that); the button does.
    driver.get(confirm_link)
    assert heading(browser) == "Confirm your subscription"
    assert counts(served)["confirmed"] == 0
    follow(browser, driver.find_element(By.CSS_SELECTOR, "main form button"), Keys.ENTER)
    landed(browser, "/email-updates/subscribed/")
    assert heading(browser) == "You are subscribed"
    assert counts(served)["hmic-reports"] == 1

    # The office announces; the running server's sender delivers it.
    body = served.data / "announcement.txt"
    body.write_text("The 2026 inspection reports are published.\n", encoding="utf-8")
    queued = served.office(
        "mail",
        "announce",
        "--topic",
        "hmic-reports",
        "--subject",
        "New reports",
        "--body",
        str(body),
    )
    assert queued.startswith("queued 1 message")
    _, announcement = outbox(served, 2)
    assert announcement["To"] == ADDRESS
    assert announcement["Subject"] == "New reports"
    assert "The 2026 inspection reports are published." in text_of(announcement)
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Its links: the unsubscribe link, then the privacy notice.
    unsubscribe, privacy = links_in(text_of(announcement), served)
    assert urlsplit(privacy).path == "/email-updates/privacy/"
    assert f"<{unsubscribe}>" in announcement["List-Unsubscribe"]

    # One visit to the link, and nothing more to do.
    driver.get(unsubscribe)
    assert heading(browser) == "You have unsubscribed"
    assert counts(served)["confirmed"] == 0
    # Nothing is kept about an address that left: the export finds none (exit 1).
    assert served.office("subscribers", "export", ADDRESS, expect=1) == ""
    # The server's log (its access log included) has the journey, but no address.
    log = served.log.read_text(encoding="utf-8")
    assert "/email-updates/subscribed/" in log
    assert "example.org" not in log
