"""`linia fire-escalations`: run one scheduler tick now and print what fired."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from linia.escalation.services import fire_escalations


class Command(BaseCommand):
    help = "Fire the escalation rules whose conditions hold now (one scheduler tick)."

    def handle(self, *args: Any, **options: Any) -> None:
        results = fire_escalations()
        for result in results:
            if result.error:
                self.stderr.write(
                    f"#{result.ticket_number}  {result.rule_name}: not fired ({result.error})"
                )
                continue
            actions = ", ".join(
                f"{action['action']} {action['outcome']}" for action in result.actions
            )
            self.stdout.write(
                f"#{result.ticket_number}  {result.rule_name}"
                f"  [{result.condition_at.isoformat()}]  {actions or '-'}"
            )
        fired = sum(1 for result in results if not result.error)
        self.stdout.write(f"{fired} fired, {len(results) - fired} failed")
