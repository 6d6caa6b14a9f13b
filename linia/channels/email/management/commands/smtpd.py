"""`linia smtpd`: receive mail by SMTP and ingest every message."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linia.channels.email.smtpd import make_controller


class Command(BaseCommand):
    help = "Run an SMTP receiver that turns every message it accepts into a ticket or a reply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args: Any, **options: Any) -> None:
        controller = make_controller(options["host"], options["port"])
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
