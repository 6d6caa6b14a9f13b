"""`linia ingest-email [--mailbox NAME] [FILE|-]`: one raw message from a file or standard input (MTA pipe).  # noqa: N999

Prints one line: created/appended/duplicate <number>, ignored <reason> (exit 0), or
quarantined <id>: <reason> (exit 1). Exit 75 (EX_TEMPFAIL) when the database is unreachable,
so that the MTA keeps the message and retries.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError

from linia.channels.email.ingest import ingest_message
from linia.channels.email.models import Outcome, Source
from linia.channels.email.queries import mailbox_id_by_name

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest one raw e-mail message from FILE or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-")
        parser.add_argument(
            "--mailbox",
            default="",
            help="Name of the mailbox (admin) whose default team, category and unknown-sender "
            "policy apply.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
        try:
            mailbox_id = None
            if options["mailbox"]:
                mailbox_id = mailbox_id_by_name(options["mailbox"])
                if mailbox_id is None:
                    # A configuration error: the MTA keeps the mail until it is fixed.
                    self.stderr.write(f"no mailbox named {options['mailbox']!r}")
                    sys.exit(EX_TEMPFAIL)
            result = ingest_message(raw=raw, source=Source.PIPE, mailbox_id=mailbox_id)
        except (OperationalError, InterfaceError) as error:
            self.stderr.write(f"database unavailable: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(result.line())
        if result.outcome == Outcome.QUARANTINED:
            sys.exit(1)
