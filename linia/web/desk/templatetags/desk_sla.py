"""SLA formatting for the desk. Only formatting: the clocks come from tickets.sla_clock.

{% load desk_sla %}
{% sla_cell ticket %}            the queue's SLA column: resolution due, time left, state colour
{{ clock.remaining_minutes|working_time }}   "2 h 10 min" of working time
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from linia.tickets.models import Ticket
from linia.tickets.sla_clock import STATE_LABELS, sla_status
from linia.web.ui.templatetags.linia_ui import age, when

register = template.Library()


@register.filter
def working_time(minutes: int | None) -> str:
    """Working minutes as "45 min", "3 h 5 min" (the absolute value: callers say overdue)."""
    if minutes is None:
        return ""
    minutes = abs(minutes)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(count)d min") % {"count": rest}
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": rest}


@register.filter
def sla_state_label(state: str) -> str:
    label = STATE_LABELS.get(state)
    return str(label) if label is not None else ""


@register.simple_tag
def sla_cell(ticket: Ticket, now: datetime | None = None) -> SafeString | str:
    """The resolution due instant with the wall time left (or overdue), coloured by the
    ticket's SLA state; "paused" while the clocks stand still."""
    now = now or timezone.now()
    status = sla_status(ticket, now)
    label = str(STATE_LABELS[status.state])
    title = f"{status.policy} · {label}" if status.policy else label
    if status.paused:
        return format_html(
            '<span class="badge sla-paused" title="{}">{}</span>', title, _("paused")
        )
    due = status.resolution_due
    if due is None:
        if status.policy is None or status.state == "ok":
            return mark_safe('<span class="muted">—</span>')
        return format_html(
            '<span class="badge sla-{}" title="{}">{}</span>', status.state, title, label
        )
    left = (
        _("in %(time)s") % {"time": age(now, due)}
        if due > now
        else _("%(time)s overdue") % {"time": age(due, now)}
    )
    return format_html(
        '<span class="badge sla-{}" title="{}">{}</span> <span class="small muted">{}</span>',
        status.state,
        title,
        when(due),
        left,
    )
