"""The queue's table rows, written in Python.

{% load desk_queue %}
{% queue_row ticket %}

The queue shows 50 rows and refreshes them every 10 s for every agent who has it open; drawn
by the template loop (two `{% url %}`s and eight tags and filters a row) they cost ~10 ms a
page at a million tickets, drawn here ~2 ms, with the same markup and the same formatting
functions (linia_ui, desk_sla).
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from linia.tickets.models import Ticket
from linia.web.ui.reversing import id_url
from linia.web.ui.templatetags.linia_ui import age, priority_badge, status_badge, tier, when

from .desk_sla import sla_cell

register = template.Library()

# What a row shows (and the SLA cell and the page cursors read): the queue loads only these
# of a ticket's ~45 columns and of its requester's, organization's and assignee's, and reads
# the teams and SLA policies by id (QUEUE_ROW_PREFETCH). A field left out would cost a query
# per row, which the queue's query-count tests would catch.
QUEUE_ROW_FIELDS = (
    "id", "number", "subject", "status", "priority", "tier", "received_at", "updated_at",
    "team_id", "assignee_id", "organization_id", "requester_id", "sla_policy_id",
    "sla_paused_at", "first_response_due", "first_response_warning_at",
    "first_response_breached", "resolution_due", "resolution_warning_at",
    "resolution_breached", "resolution_minutes", "next_update_due",
    "requester__full_name", "organization__name",
    "assignee__first_name", "assignee__last_name", "assignee__username",
)  # fmt: skip
QUEUE_ROW_PREFETCH = ("team", "sla_policy")

ROW = (
    "<tr{}>"
    '<td class="nowrap"><a href="{}">#{}</a></td>'
    '<td class="nowrap">{}</td>'
    '<td class="subject"><a href="{}">{}</a></td>'
    "<td>{}</td>"
    "<td>{}</td>"
    "<td>{}</td>"
    "<td>{}</td>"
    '<td class="nowrap sla">{}</td>'
    '<td title="{}">{}</td>'
    "<td>{}</td>"
    '<td class="nowrap">{}</td>'
    "</tr>"
)


@register.simple_tag
def queue_row(ticket: Ticket, now: datetime | None = None) -> SafeString:
    """One row of the queue's table (the ticket with requester, organization, assignee and
    team selected or prefetched, as tickets.queries.list_tickets_for gives it)."""
    now = now or timezone.now()
    url = id_url("desk:ticket", ticket.number)
    assignee = ticket.assignee
    return format_html(
        ROW,
        mark_safe(' class="unassigned"') if not ticket.assignee_id else "",
        url,
        ticket.number,
        when(ticket.received_at),
        url,
        ticket.subject,
        ticket.requester.full_name if ticket.requester_id else "",
        ticket.organization.name,
        status_badge(ticket.status),
        priority_badge(ticket.priority, short=True),
        sla_cell(ticket, now),
        ticket.team.name if ticket.team is not None else "",
        tier(ticket.tier),
        assignee.display_name
        if assignee is not None
        else mark_safe('<span class="muted">—</span>'),
        age(ticket.received_at, now),
    )
