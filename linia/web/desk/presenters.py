"""Turns ticket events into timeline rows for the page: labels, old → new, details.

Presentation only: it reads the event rows already loaded and never queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linia.tickets import events
from linia.tickets.models import Channel, Level, Priority, TicketEvent, TicketType
from linia.tickets.workflow import TicketStatus

FIELD_LABELS = {
    "subject": gettext_lazy("subject"),
    "type": gettext_lazy("type"),
    "category": gettext_lazy("category"),
    "impact": gettext_lazy("impact"),
    "urgency": gettext_lazy("urgency"),
    "priority": gettext_lazy("priority"),
    "status": gettext_lazy("status"),
    "assignee": gettext_lazy("assignee"),
    "tier": gettext_lazy("tier"),
}
FIELD_CHOICES: dict[str, type[models.TextChoices]] = {
    "type": TicketType,
    "impact": Level,
    "urgency": Level,
    "priority": Priority,
    "status": TicketStatus,
}


@dataclass
class TimelineRow:
    event: TicketEvent
    label: str
    old: str = ""
    new: str = ""
    changed: bool = False
    details: list[tuple[str, str]] = field(default_factory=list)
    attachment_id: int | None = None


def _choice_label(field_name: str, value: str) -> str:
    choices = FIELD_CHOICES.get(field_name)
    if choices is None or not value:
        return value
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _tier(value: str) -> str:
    return f"L{value}" if value else ""


def timeline_rows(rows: Iterable[TicketEvent]) -> list[TimelineRow]:
    return [timeline_row(event) for event in rows]


def timeline_row(event: TicketEvent) -> TimelineRow:
    label = str(events.EVENT_LABELS.get(event.kind, event.kind))
    payload = event.payload if isinstance(event.payload, dict) else {}
    row = TimelineRow(event=event, label=label)
    if event.kind == events.TICKET_CREATED:
        row.new = f"#{event.new_value}"
        channel = str(payload.get("channel", ""))
        if channel:
            row.details.append((_("Channel"), _choice_channel(channel)))
        if payload.get("priority"):
            row.details.append((_("Priority"), _choice_label("priority", payload["priority"])))
        if payload.get("tier"):
            row.details.append((_("Tier"), _tier(str(payload["tier"]))))
    elif event.kind == events.STATUS_CHANGED:
        row.old = _choice_label("status", event.old_value)
        row.new = _choice_label("status", event.new_value)
        row.changed = True
        if payload.get("auto"):
            row.details.append((_("By"), _("automatically")))
        if payload.get("note"):
            row.details.append((_("Reason"), str(payload["note"])))
        if payload.get("resolution"):
            row.details.append((_("Resolution"), str(payload["resolution"])))
        if payload.get("training_recommended"):
            row.details.append((_("Training recommended"), _("yes")))
    elif event.kind == events.ASSIGNED:
        row.old = event.old_value or _("nobody")
        row.new = event.new_value or _("nobody")
        row.changed = True
    elif event.kind == events.ESCALATED:
        row.old = _tier(event.old_value)
        row.new = _tier(event.new_value)
        row.changed = True
        if payload.get("reason"):
            row.details.append((_("Reason"), str(payload["reason"])))
        if payload.get("team") or payload.get("old_team"):
            row.details.append(
                (_("Team"), f"{payload.get('old_team') or '—'} → {payload.get('team') or '—'}")
            )
    elif event.kind == events.FIELD_CHANGED:
        name = FIELD_LABELS.get(event.field, event.field)
        row.label = _("Changed %(field)s") % {"field": name}
        row.old = _choice_label(event.field, event.old_value) or "—"
        row.new = _choice_label(event.field, event.new_value) or "—"
        row.changed = True
    elif event.kind == events.MESSAGE_ADDED:
        row.label = _("Internal note added") if payload.get("internal") else _("Reply added")
    elif event.kind == events.ATTACHMENT_ADDED:
        row.new = event.new_value
        attachment_id = payload.get("attachment_id")
        row.attachment_id = attachment_id if isinstance(attachment_id, int) else None
    elif event.kind == events.ESCALATION_RULE_FIRED:
        row.new = event.new_value  # the rule's name
        for action in payload.get("actions") or []:
            if isinstance(action, dict) and action.get("outcome") == "failed":
                row.details.append((_("Not done"), str(action.get("message", ""))))
    else:
        row.old, row.new = event.old_value, event.new_value
        row.changed = bool(event.old_value or event.new_value)
    return row


def _choice_channel(value: str) -> str:
    try:
        return str(Channel(value).label)
    except ValueError:
        return value
