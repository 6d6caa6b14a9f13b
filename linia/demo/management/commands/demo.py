"""`linia demo`: load the demo installation (once) and print its log-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _

from linia.core.errors import DomainError
from linia.demo import builder
from linia.demo.content import DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Load demo data (organizations, people, categories, tickets) into a fresh database "
        "through the services, then print the demo log-ins. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--print",
            action="store_true",
            dest="print_only",
            help="Only print the demo log-ins; load nothing.",
        )
        parser.add_argument(
            "--if-loaded",
            action="store_true",
            help="With --print: print the log-ins only when the demo data is in the database.",
        )
        parser.add_argument(
            "--if-fresh",
            action="store_true",
            help="Load only into a fresh database; otherwise say why and exit successfully.",
        )
        parser.add_argument(
            "--no-table", action="store_true", help="Do not print the log-ins after loading."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_only"]:
            if not options["if_loaded"] or self._loaded_if_migrated():
                self._print_table()
            return
        if builder.is_loaded():
            self.stdout.write(_("The demo data is already loaded."))
        else:
            reasons = builder.conflicts()
            if reasons and options["if_fresh"]:
                self.stdout.write(
                    _("Demo data not loaded: %(reasons)s.") % {"reasons": "; ".join(reasons)}
                )
                return
            try:
                summary = builder.load_demo()
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo data loaded: %(users)d users, %(organizations)d organizations, "
                        "%(teams)d teams, %(categories)d categories, %(tickets)d tickets."
                    )
                    % {
                        "users": summary.users,
                        "organizations": summary.organizations,
                        "teams": summary.teams,
                        "categories": summary.categories,
                        "tickets": summary.tickets,
                    }
                )
            )
        if not options["no_table"]:
            self._print_table()

    @staticmethod
    def _loaded_if_migrated() -> bool:
        try:
            return builder.is_loaded()
        except DatabaseError:  # not migrated yet: there is no demo data to speak of
            return False

    def _print_table(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            _("Demo log-ins (every password is “%(password)s”):") % {"password": DEMO_PASSWORD}
        )
        self.stdout.write("")
        self.stdout.write(builder.login_table())
        self.stdout.write("")
