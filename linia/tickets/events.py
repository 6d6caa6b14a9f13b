"""The kinds of ticket events (timeline rows), each registered once with its label."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TICKET_CREATED = "ticket.created"
MESSAGE_ADDED = "ticket.message_added"
STATUS_CHANGED = "ticket.status_changed"
ASSIGNED = "ticket.assigned"
ESCALATED = "ticket.escalated"
FIELD_CHANGED = "ticket.field_changed"
ATTACHMENT_ADDED = "ticket.attachment_added"
ESCALATION_RULE_FIRED = "ticket.escalation_rule_fired"
WORK_LOGGED = "ticket.work_logged"
WORKLOG_DELETED = "ticket.worklog_deleted"

EVENT_LABELS = {
    TICKET_CREATED: _("Ticket registered"),
    MESSAGE_ADDED: _("Message added"),
    STATUS_CHANGED: _("Status changed"),
    ASSIGNED: _("Assignee changed"),
    ESCALATED: _("Escalated"),
    FIELD_CHANGED: _("Field changed"),
    ATTACHMENT_ADDED: _("Attachment added"),
    ESCALATION_RULE_FIRED: _("Escalation rule fired"),
    WORK_LOGGED: _("Time logged"),
    WORKLOG_DELETED: _("Time entry removed"),
}
