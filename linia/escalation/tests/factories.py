"""Rules and due tickets for escalation tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from linia.core.access import SYSTEM_ACTOR
from linia.escalation import services
from linia.escalation.models import EscalationRule
from linia.tickets.models import Ticket

_DEFAULT_ACTION = {"note": "Rule fired."}


def make_rule(condition: str, **fields: Any) -> EscalationRule:
    """A rule through the service; with no action named it adds an internal note."""
    fields.setdefault("name", f"Rule {condition} {EscalationRule.objects.count() + 1}")
    actions = {
        "escalate_to_tier", "escalate_to_team_id", "assign_to_id", "set_priority",
        "notify_role", "notify_assignee", "note",
    }  # fmt: skip
    if not actions & set(fields):
        fields.update(_DEFAULT_ACTION)
    return services.create_rule(actor=SYSTEM_ACTOR, condition=condition, **fields)


def set_clocks(ticket: Ticket, **instants: datetime | int | None) -> Ticket:
    """Set the SLA clock fields directly (the SLA engine's job; test setup only)."""
    Ticket.objects.filter(pk=ticket.pk).update(**instants)
    ticket.refresh_from_db()
    return ticket
