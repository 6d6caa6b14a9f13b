"""`linia ingest-email [FILE|-]`: one raw message from a file or standard input (MTA pipe).  # noqa: N999

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

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest one raw e-mail message from FILE or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if path == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                raw = handle.read()
        try:
            result = ingest_message(raw=raw, source=Source.PIPE)
        except (OperationalError, InterfaceError) as error:
            self.stderr.write(f"database unavailable: {error}")
            sys.exit(EX_TEMPFAIL)
        self.stdout.write(result.line())
        if result.outcome == Outcome.QUARANTINED:
            sys.exit(1)
