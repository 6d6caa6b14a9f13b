"""`linia serve`: the web server (gunicorn) and the task consumer (Huey) together.

One command for trying Linia or running a small installation: both processes start, the
demo log-ins are printed when the demo data is loaded, and one Ctrl-C (SIGINT) or SIGTERM
stops both. If either process dies, the other is stopped too and the command fails.

Knobs (environment): PORT (8000), LINIA_BIND (127.0.0.1:$PORT), LINIA_WEB_WORKERS (2),
LINIA_WEB_THREADS (4); DATABASE_URL and REDIS_URL as for every other command.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

# Seconds the children get to finish after the stop signal before they are killed.
STOP_TIMEOUT = 20.0
# Graceful stop: gunicorn finishes requests on SIGTERM; Huey finishes running tasks on SIGINT.
STOP_SIGNALS = {"web": signal.SIGTERM, "tasks": signal.SIGINT}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise CommandError(
            _("%(name)s must be a whole number, not “%(value)s”.") % {"name": name, "value": value}
        ) from None


class Command(BaseCommand):
    help = "Run the web server and the background task consumer until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            default="",
            help="Address to listen on (default: $LINIA_BIND or 127.0.0.1:$PORT).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Web worker processes (default: $LINIA_WEB_WORKERS or 2).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help="Threads per web worker (default: $LINIA_WEB_THREADS or 4).",
        )
        parser.add_argument(
            "--no-tasks",
            action="store_true",
            help="Start only the web server (run `linia run_huey` elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port = _env_int("PORT", 8000)
        bind = options["bind"] or os.environ.get("LINIA_BIND", "").strip() or f"127.0.0.1:{port}"
        workers = options["workers"] or _env_int("LINIA_WEB_WORKERS", 2)
        threads = options["threads"] or _env_int("LINIA_WEB_THREADS", 4)
        commands = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "linia.config.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--graceful-timeout",
                str(int(STOP_TIMEOUT) - 5),
                "--no-control-socket",
                "--log-level",
                "warning",
            ],
        }
        if not options["no_tasks"]:
            # The checks ran once in this process already.
            commands["tasks"] = [
                sys.executable,
                "-m",
                "linia",
                "run_huey",
                "--quiet",
                "--skip-checks",
            ]

        url = self._url(bind)
        self.stdout.write(self.style.SUCCESS(_("Linia is starting at %(url)s") % {"url": url}))
        self.stdout.write(
            _(
                "  portal %(url)s/   desk %(url)s/desk/   admin %(url)s/admin/   API %(url)s/api/v1/docs"
            )
            % {"url": url}
        )
        self.check_migrations()
        call_command("demo", print_only=True, if_loaded=True, stdout=self.stdout)
        self.stdout.write(_("Press Ctrl-C to stop."))
        self.stdout.flush()
        sys.exit(Supervisor(commands, self).run())

    @staticmethod
    def _url(bind: str) -> str:
        if bind.startswith("unix:"):
            return bind
        host, _sep, port = bind.rpartition(":")
        if host in {"", "0.0.0.0", "[::]"}:  # noqa: S104 - only turned into a display URL
            host = "127.0.0.1"
        return f"http://{host}:{port}"


class Supervisor:
    """Starts the children, forwards a stop request to them, and waits for them to finish."""

    def __init__(self, commands: dict[str, list[str]], command: BaseCommand) -> None:
        self.commands = commands
        self.command = command
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        self.stopping = False

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for name, argv in self.commands.items():
            # A process group of its own: Ctrl-C reaches only this process, which then stops
            # each child once, with the signal that stops it gracefully.
            self.children[name] = subprocess.Popen(argv, env=env, process_group=0)  # noqa: S603
        exit_code = 0
        while not self.stopping:
            for name, child in self.children.items():
                code = child.poll()
                if code is not None:
                    self.command.stderr.write(
                        _("The %(name)s process stopped (exit code %(code)s); stopping Linia.")
                        % {"name": name, "code": code}
                    )
                    exit_code = code or 1
                    self.stopping = True
                    break
            else:
                time.sleep(0.2)
        self._stop_children()
        return exit_code

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _stop_children(self) -> None:
        for name, child in self.children.items():
            if child.poll() is None:
                child.send_signal(STOP_SIGNALS.get(name, signal.SIGTERM))
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.command.stdout.write(_("Linia stopped."))
