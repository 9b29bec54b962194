"""Email updates as a visitor meets them, on SQLite and on PostgreSQL, delivered by a real SMTP
server: the form and its errors, double opt-in, announcements, one-visit unsubscription, the
limits, and the refusals the preferences form makes too."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.applications import Starlette

from plain_pcc.app import create_app
from plain_pcc.modes import FULL, TEXT
from plain_pcc.sender import Sender, transport_for
from plain_pcc.settings import Settings
from plain_pcc.subscribers import Subscribers

from .conftest import CheckedClient
from .mailservers import Inbox, SMTPServer

FORM = {"content-type": "application/x-www-form-urlencoded"}
ADDRESS = "visitor@example.com"


@dataclass
class Site:
    client: CheckedClient
    app: Starlette
    inbox: Inbox
    settings: Settings

    @property
    def subscribers(self) -> Subscribers:
        subscribers: Subscribers = self.app.state.subscribers
        return subscribers

    def deliver(self) -> None:
        """Run the sender until the outbox is empty (retries at once)."""
        sender = Sender(
            self.app.state.engine, transport_for(self.settings), backoff=datetime.timedelta(0)
        )
        for _ in range(20):
            sender.run_once()
            if sender.run_once().delivered == 0 and not self.waiting():
                return
        raise AssertionError("the outbox did not empty")

    def waiting(self) -> int:
        from plain_pcc.outbox import backlog

        return backlog(self.app.state.engine).waiting

    def sign_up(self, address: str = ADDRESS, *topics: str, prefix: str = "") -> str:
        body = "email=" + address.replace("@", "%40") + "".join(f"&topics={t}" for t in topics)
        response = self.client.post(f"{prefix}/email-updates/", content=body, headers=FORM)
        assert response.status_code == 303, response.text
        return response.headers["location"]


@pytest.fixture
def site(
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    database_url: str | None,
    smtp_server: Callable[..., SMTPServer],
) -> Iterator[Site]:
    smtp = smtp_server()
    settings = make_settings(data_dir=tmp_path, database_url=database_url, smtp_url=smtp.url)
    app = create_app(settings)
    with CheckedClient(app, follow_redirects=False) as client:
        yield Site(client, app, smtp.inbox, settings)
    app.state.engine.dispose()


def link(message: EmailMessage, path: str) -> str:
    """The site-relative address of the link to ``path`` in a message's text."""
    text = message.get_content()
    [url] = re.findall(r"http://127\.0\.0\.1:8000(\S*" + re.escape(path) + r"\?token=\S+)", text)
    return str(url)


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.text, "html5lib")


# The whole flow ---------------------------------------------------------------------------


def test_sign_up_confirm_announce_and_unsubscribe(site: Site) -> None:
    assert site.sign_up(ADDRESS, "hmic-reports", "news") == "/email-updates/check-your-email/"
    assert site.client.get("/email-updates/check-your-email/").status_code == 200
    site.deliver()
    [confirmation] = site.inbox.to(ADDRESS)
    assert confirmation["Subject"] == ("Confirm your email updates from the PCC for Essex")
    assert "List-Unsubscribe" not in confirmation
    assert "HMIC reports and News and updates" in confirmation.get_content()
    confirm = link(confirmation, "/email-updates/confirm/")

    # Opening the link (as a mail scanner would) subscribes no one: it shows a button.
    opened = site.client.get(confirm)
    assert opened.status_code == 200
    assert opened.headers["cache-control"] == "no-store"
    form = page(opened).select_one('main form[method="post"]')
    assert form["action"] == "/email-updates/confirm/"
    token = form.select_one('input[name="token"]')["value"]
    assert site.subscribers.count()["confirmed"] == 0

    confirmed = site.client.post("/email-updates/confirm/", content=f"token={token}", headers=FORM)
    assert (confirmed.status_code, confirmed.headers["location"]) == (
        303,
        "/email-updates/subscribed/",
    )
    assert site.subscribers.count() == {
        "hmic-reports": 1,
        "news": 1,
        "confirmed": 1,
        "unconfirmed": 0,
    }
    # The link is single-use.
    assert site.client.get(confirm).status_code == 404

    assert site.subscribers.announce("news", "Our new report", "Read it today.\n", FULL) == 1
    site.deliver()
    [_, announcement] = site.inbox.to(ADDRESS)
    assert announcement["Subject"] == "Our new report"
    assert announcement.get_content().replace("\r\n", "\n").startswith("Read it today.\n\n--\n")
    unsubscribe = link(announcement, "/email-updates/unsubscribe/")
    assert announcement["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe}>"
    assert announcement["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # One visit, and the address is gone with everything kept about it.
    left = site.client.get(unsubscribe)
    assert left.status_code == 200
    assert page(left).h1.get_text() == "You have unsubscribed"
    assert list(site.subscribers.records()) == []
    assert site.client.get(unsubscribe).status_code == 404


def test_one_click_unsubscribe_by_post(site: Site) -> None:
    """RFC 8058: the mail provider POSTs List-Unsubscribe=One-Click to the link itself."""
    subscribe(site, ADDRESS, "news")
    site.subscribers.announce("news", "News", "Hello.", FULL)
    site.deliver()
    unsubscribe = link(site.inbox.to(ADDRESS)[-1], "/email-updates/unsubscribe/")
    # HEAD changes nothing.
    assert site.client.head(unsubscribe).status_code == 200
    assert site.subscribers.count()["confirmed"] == 1
    response = site.client.post(
        unsubscribe, content="List-Unsubscribe=One-Click", headers={**FORM, "origin": "null"}
    )
    assert response.status_code == 200
    assert site.subscribers.count()["confirmed"] == 0


def subscribe(site: Site, address: str, *topics: str) -> None:
    site.sign_up(address, *topics)
    site.deliver()
    token_page = site.client.get(link(site.inbox.to(address)[-1], "/email-updates/confirm/"))
    token = page(token_page).select_one('input[name="token"]')["value"]
    response = site.client.post("/email-updates/confirm/", content=f"token={token}", headers=FORM)
    assert response.status_code == 303


def test_text_only_flow_stays_text_only(site: Site) -> None:
    assert site.sign_up(ADDRESS, "news", prefix=TEXT.prefix) == (
        "/text-only/email-updates/check-your-email/"
    )
    site.deliver()
    confirm = link(site.inbox.to(ADDRESS)[0], "/email-updates/confirm/")
    assert confirm.startswith("/text-only/email-updates/confirm/?token=")
    opened = page(site.client.get(confirm))
    assert opened.select_one("main form")["action"] == "/text-only/email-updates/confirm/"
    token = opened.select_one('input[name="token"]')["value"]
    response = site.client.post(
        "/text-only/email-updates/confirm/", content=f"token={token}", headers=FORM
    )
    assert response.headers["location"] == "/text-only/email-updates/subscribed/"


def test_announcement_goes_only_to_confirmed_subscribers_of_its_topic(site: Site) -> None:
    subscribe(site, "reports@example.com", "hmic-reports")
    subscribe(site, "news@example.com", "news")
    site.sign_up("waiting@example.com", "hmic-reports")
    assert site.subscribers.announce("hmic-reports", "Report", "A report.", FULL) == 1
    site.deliver()
    assert [m["Subject"] for m in site.inbox.to("reports@example.com")][-1] == "Report"
    assert all(m["Subject"] != "Report" for m in site.inbox.to("news@example.com"))
    assert all(m["Subject"] != "Report" for m in site.inbox.to("waiting@example.com"))


def test_signing_up_again_changes_topics_only_once_confirmed(site: Site) -> None:
    subscribe(site, ADDRESS, "news")
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(hours=2)
    site.subscribers.clock = lambda: later
    site.sign_up(ADDRESS, "hmic-reports")
    assert site.subscribers.count()["news"] == 1
    site.deliver()
    opened = page(site.client.get(link(site.inbox.to(ADDRESS)[-1], "/email-updates/confirm/")))
    token = opened.select_one('input[name="token"]')["value"]
    site.client.post("/email-updates/confirm/", content=f"token={token}", headers=FORM)
    counts = site.subscribers.count()
    assert (counts["news"], counts["hmic-reports"], counts["confirmed"]) == (0, 1, 1)


# The form's errors (GOV.UK error pattern) -------------------------------------------------


@pytest.mark.parametrize("prefix", ["", TEXT.prefix], ids=["full", "text"])
@pytest.mark.parametrize(
    ("body", "errors", "kept"),
    [
        (
            "email=&topics=news",
            {"email": "Enter your email address"},
            "",
        ),
        (
            "email=not+an+address&topics=news",
            {"email": "Enter an email address in the correct format, like name@example.com"},
            "not an address",
        ),
        (
            "email=visitor%40example.com",
            {"topics": "Select what you want to get emails about"},
            "visitor@example.com",
        ),
        (
            "",
            {
                "email": "Enter your email address",
                "topics": "Select what you want to get emails about",
            },
            "",
        ),
    ],
    ids=["empty-email", "invalid-email", "no-topic", "empty"],
)
def test_form_errors_follow_the_gov_uk_pattern(
    site: Site, prefix: str, body: str, errors: dict[str, str], kept: str
) -> None:
    response = site.client.post(f"{prefix}/email-updates/", content=body, headers=FORM)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    html = page(response)
    assert html.title.get_text().startswith("Error: Email updates")
    summary = html.select_one("main .error-summary")
    assert summary["role"] == "alert"
    # The summary comes first in the main content, before the heading, and links to each field.
    assert html.main.find(True, recursive=False) is summary
    assert summary.find_next_sibling() is html.h1
    assert {a["href"]: a.get_text() for a in summary.select("a")} == {
        f"#{field}": message for field, message in errors.items()
    }
    for field, message in errors.items():
        error = html.select_one(f"#{field}-error")
        assert error.get_text(" ", strip=True) == f"Error: {message}"
        described = (
            html.select_one("#email") if field == "email" else html.select_one("main fieldset")
        )["aria-describedby"].split()
        assert f"{field}-error" in described
    email = html.select_one("#email")
    assert (email["type"], email["autocomplete"], email["spellcheck"]) == (
        "email",
        "email",
        "false",
    )
    assert email["value"] == kept
    checked = [box["value"] for box in html.select('input[name="topics"][checked]')]
    assert checked == (["news"] if "topics=news" in body else [])
    assert html.select_one("main form")["action"] == f"{prefix}/email-updates/"
    assert site.waiting() == 0


def test_the_form_without_errors_has_no_error_parts(client: CheckedClient) -> None:
    html = page(client.get("/email-updates/"))
    assert html.title.get_text().startswith("Email updates")
    assert html.select(".error-summary, .error-message") == []
    assert html.select_one("#email")["aria-describedby"] == "email-hint"
    assert html.select_one("#email")["value"] == ""
    assert html.select('input[name="topics"]')[0]["id"] == "topics"
    assert len(html.select("main button")) == 1


def test_footer_sign_up_links_to_the_form_on_every_page(client: CheckedClient) -> None:
    for path, form in (("/", "/email-updates/"), ("/text-only/", "/text-only/email-updates/")):
        footer = page(client.get(path)).footer
        assert footer.find("a", string="sign up for email notifications")["href"] == form
        assert "mailto:" not in str(footer.find("a", string="sign up for email notifications"))


# No one learns who is subscribed; no one can flood an inbox -------------------------------


def test_the_same_answer_whatever_the_address(site: Site) -> None:
    subscribe(site, "known@example.com", "news")
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(hours=2)
    site.subscribers.clock = lambda: later
    known = site.client.post(
        "/email-updates/", content="email=known%40example.com&topics=news", headers=FORM
    )
    unknown = site.client.post(
        "/email-updates/", content="email=new%40example.com&topics=news", headers=FORM
    )
    assert (known.status_code, known.headers["location"]) == (
        unknown.status_code,
        unknown.headers["location"],
    )
    assert known.content == unknown.content == b""


def test_one_confirmation_an_hour_per_address(site: Site) -> None:
    site.sign_up(ADDRESS, "news")
    again = site.client.post(
        "/email-updates/", content="email=Visitor%40EXAMPLE.com&topics=news", headers=FORM
    )
    assert again.status_code == 429
    assert again.headers["retry-after"] == "3600"
    assert page(again).h1.get_text() == "Try again later"
    site.deliver()
    assert len(site.inbox.messages()) == 1
    # An hour later, another is allowed.
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(
        minutes=61
    )
    site.subscribers.clock = lambda: later
    site.sign_up(ADDRESS, "news")


def test_a_global_ceiling_on_confirmations(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    app = create_app(make_settings(data_dir=tmp_path, mail_hourly_limit=2))
    with CheckedClient(app, follow_redirects=False) as client:
        answers = [
            client.post(
                "/email-updates/", content=f"email=a{n}%40example.com&topics=news", headers=FORM
            ).status_code
            for n in range(3)
        ]
    assert answers == [303, 303, 429]


# Links that do not work --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/email-updates/confirm/",
        "/email-updates/confirm/?token=nonsense",
        "/email-updates/unsubscribe/?token=nonsense",
        "/text-only/email-updates/unsubscribe/",
    ],
)
def test_a_link_that_is_not_valid_gets_a_clear_page(site: Site, path: str) -> None:
    response = site.client.get(path)
    assert response.status_code == 404
    assert page(response).h1.get_text() == "This link does not work"


def test_a_confirmation_link_expires_after_7_days(site: Site) -> None:
    site.sign_up(ADDRESS, "news")
    site.deliver()
    confirm = link(site.inbox.to(ADDRESS)[0], "/email-updates/confirm/")
    token = confirm.split("token=")[1]
    later = datetime.datetime.now(datetime.UTC).replace(tzinfo=None) + datetime.timedelta(
        days=7, minutes=1
    )
    site.subscribers.clock = lambda: later
    assert site.client.get(confirm).status_code == 404
    response = site.client.post("/email-updates/confirm/", content=f"token={token}", headers=FORM)
    assert response.status_code == 404
    # And the address, never confirmed, is purged.
    assert site.subscribers.purge() == 1
    assert list(site.subscribers.records()) == []


# The preferences form's refusals -----------------------------------------------------------


@pytest.mark.parametrize("path", ["/email-updates/", "/email-updates/confirm/"])
@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({**FORM, "sec-fetch-site": "cross-site"}, "email=a%40example.com&topics=news", 403),
        ({**FORM, "origin": "https://attacker.example"}, "email=a%40example.com", 403),
        ({"content-type": "application/json"}, '{"email": "a@example.com"}', 415),
        (FORM, "email=" + "a" * 3000, 413),
    ],
    ids=["cross-site", "foreign-origin", "not-a-form", "too-large"],
)
def test_refusals(site: Site, path: str, headers: dict[str, str], body: str, status: int) -> None:
    response = site.client.post(path, content=body, headers=headers)
    assert response.status_code == status
    assert site.waiting() == 0


def test_other_methods_get_405(site: Site) -> None:
    response = site.client.put("/email-updates/")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert site.client.delete("/email-updates/confirm/").status_code == 405


def test_addresses_never_reach_the_access_log(
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    app = create_app(make_settings(data_dir=tmp_path, access_log=True))
    with CheckedClient(app, follow_redirects=False) as client:
        client.post(
            "/email-updates/", content="email=secret%40example.com&topics=news", headers=FORM
        )
        client.post("/email-updates/", content="email=secret-typo&topics=news", headers=FORM)
        client.get("/email-updates/confirm/?token=whatever")
    out, err = capfd.readouterr()
    assert 'POST "/email-updates/" 303' in out
    assert "secret" not in out + err
    assert "whatever" not in out + err
