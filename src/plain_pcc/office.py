"""The office's commands for email updates: ``plain-pcc mail send|announce`` and
``plain-pcc subscribers count|export|delete``, over the same store as the site."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from . import outbox
from .modes import FULL
from .sender import Sender, transport_for
from .settings import Settings, SettingsError
from .source import ContentError
from .store import open_store
from .subscribers import TOPICS, AddressError, Subscribers, load_letters, normalise


def main(command: str, argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"plain-pcc {command}")
    actions = parser.add_subparsers(dest="action", required=True)
    if command == "mail":
        actions.add_parser("send", help="deliver every message that is due, then stop")
        announce = actions.add_parser(
            "announce", help="queue a message to every confirmed subscriber of a topic"
        )
        announce.add_argument("--topic", required=True, choices=[t.value for t in TOPICS])
        announce.add_argument("--subject", required=True)
        announce.add_argument(
            "--body", required=True, type=Path, help="a UTF-8 plain-text file: the message"
        )
    else:
        actions.add_parser("count", help="how many subscribers, by topic")
        export = actions.add_parser(
            "export", help="everything kept, as CSV: about one address, or about everyone"
        )
        export.add_argument("address", nargs="?")
        delete = actions.add_parser("delete", help="delete everything kept about an address")
        delete.add_argument("address")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env(os.environ)
        engine = open_store(settings)
        subscribers = Subscribers(engine, settings, load_letters(settings.content_dir))
    except (SettingsError, ContentError, SQLAlchemyError) as error:
        print(f"plain-pcc {command}: {error}", file=sys.stderr)
        return 2
    try:
        return _run(command, args, settings, subscribers)
    finally:
        engine.dispose()


def _run(
    command: str, args: argparse.Namespace, settings: Settings, subscribers: Subscribers
) -> int:
    engine = subscribers.engine
    if (command, args.action) == ("mail", "send"):
        subscribers.purge()
        done = Sender(engine, transport_for(settings)).run_once()
        left = outbox.backlog(engine)
        print(
            f"delivered {done.delivered}, to try again later {done.retrying}, "
            f"given up {done.failed}; waiting in the outbox {left.waiting}"
        )
        return 0 if not done.failed else 1
    if command == "mail":
        try:
            text = args.body.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            print(f"plain-pcc mail: cannot read {args.body}: {error}", file=sys.stderr)
            return 2
        if not text.strip() or not args.subject.strip():
            print("plain-pcc mail: the subject and the message cannot be empty", file=sys.stderr)
            return 2
        queued = subscribers.announce(args.topic, args.subject.strip(), text, FULL)
        print(f"queued {queued} message{'s' if queued != 1 else ''}; the sender delivers them")
        return 0
    if args.action == "count":
        for name, number in subscribers.count().items():
            print(f"{name}: {number}")
        return 0
    address = None
    if args.address is not None:
        try:
            address = normalise(args.address)
        except AddressError as error:
            print(f"plain-pcc subscribers: not an email address: {error}", file=sys.stderr)
            return 2
    if args.action == "export":
        records = list(subscribers.records(address))
        if address is not None and not records:
            print("plain-pcc subscribers: nothing is kept about that address", file=sys.stderr)
            return 1
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["address", "topics", "signed_up_utc", "confirmed_utc"])
        for record in records:
            writer.writerow(
                [
                    record.address,
                    " ".join(record.topics),
                    record.created_at.isoformat(),
                    record.confirmed_at.isoformat() if record.confirmed_at else "",
                ]
            )
        return 0
    assert address is not None
    if subscribers.delete(address):
        print("deleted: the address, its topics, its links and its unsent emails")
        return 0
    print("plain-pcc subscribers: nothing is kept about that address", file=sys.stderr)
    return 1
