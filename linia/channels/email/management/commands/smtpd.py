"""`linia smtpd`: receive mail by SMTP and ingest every message."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linia.channels.email.queries import mailbox_id_by_name
from linia.channels.email.smtpd import make_controller


class Command(BaseCommand):
    help = "Run an SMTP receiver that turns every message it accepts into a ticket or a reply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)
        parser.add_argument(
            "--mailbox",
            default="",
            help="Name of the mailbox (admin) whose default team, category and unknown-sender "
            "policy apply to the mail received.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mailbox_id = None
        if options["mailbox"]:
            mailbox_id = mailbox_id_by_name(options["mailbox"])
            if mailbox_id is None:
                raise CommandError(f"No mailbox named {options['mailbox']!r}.")
        controller = make_controller(options["host"], options["port"], mailbox_id=mailbox_id)
        controller.start()
        self.stdout.write(f"Listening for SMTP on {options['host']}:{options['port']}")
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
