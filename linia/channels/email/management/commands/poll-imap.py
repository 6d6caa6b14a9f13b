"""`linia poll-imap`: poll every active IMAP mailbox once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linia.channels.email.imap import poll_all


class Command(BaseCommand):
    help = "Poll the active IMAP mailboxes once and ingest their unseen messages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        failed = False
        for report in poll_all(limit=options["limit"]):
            if report.error:
                failed = True
                self.stdout.write(f"{report.mailbox}: error {report.error}")
            else:
                self.stdout.write(f"{report.mailbox}: {len(report.results)} message(s)")
                for result in report.results:
                    self.stdout.write(f"  {result.line()}")
        if failed:
            raise SystemExit(1)
