"""Formatting tags shared by the desk and the portal. They only format: no queries, no rules.

{% load linia_ui %}
{% status_badge ticket.status %}  {% priority_badge ticket.priority %}
{{ ticket.received_at|age }}      {{ message.created_at|when }}   {{ ticket.tier|tier }}
{{ article|display:"status" }}
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linia.tickets.models import Priority
from linia.tickets.workflow import TicketStatus

register = template.Library()


def _label(choices: type[TicketStatus] | type[Priority], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# (model, field name) → {value: lazy label}: one map serves every language.
_CHOICE_LABELS: dict[tuple[type[Any], str], dict[Any, Any]] = {}


@register.filter
def display(instance: Any, field_name: str) -> str:
    """The translated label of a choice field's value, like `get_<field>_display()`, which
    rebuilds the field's choices (and translates every label) on each call."""
    key = (type(instance), field_name)
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = dict(instance._meta.get_field(field_name).flatchoices)
    value = getattr(instance, field_name)
    return str(labels.get(value, value))


@register.simple_tag
def status_badge(status: str) -> SafeString:
    """A coloured badge with the status's translated label."""
    return format_html(
        '<span class="badge status-{}">{}</span>', status, _label(TicketStatus, status)
    )


@register.simple_tag
def priority_badge(priority: str, short: bool = False) -> SafeString:
    """A coloured priority badge; `short` shows only "P1" with the label as a tooltip."""
    label = _label(Priority, priority)
    return format_html(
        '<span class="badge priority-{}" title="{}">{}</span>',
        priority,
        label,
        priority if short else label,
    )


@register.filter
def status_label(status: str) -> str:
    return _label(TicketStatus, status)


@register.filter
def tier(value: int | str | None) -> str:
    """1 → "L1"."""
    if value in (None, ""):
        return ""
    return f"L{value}"


@register.filter
def age(value: datetime | None, now: datetime | None = None) -> str:
    """The time since `value`, short and coarse: "45 s", "12 min", "3 h 5 min", "4 d 2 h"."""
    if value is None:
        return ""
    seconds = int(((now or timezone.now()) - value).total_seconds())
    if seconds < 60:
        return _("%(count)d s") % {"count": max(seconds, 0)}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(count)d min") % {"count": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    if days < 60:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@register.filter
def when(value: datetime | None) -> SafeString | str:
    """A <time> element in the current (the user's) time zone, with the full stamp as a tooltip."""
    if value is None:
        return ""
    # The same text as date_format(local, "Y-m-d H:i") and (…, "Y-m-d H:i:s T"), written
    # directly: the ticket page shows ~100 stamps, and date_format costs ~40 µs a call.
    zone: tzinfo
    if timezone.is_aware(value):
        local = timezone.localtime(value)
        zone = local.tzinfo or timezone.get_current_timezone()
    else:
        local, zone = value, timezone.get_default_timezone()
    # Like date_format's "T": no name for a wall time that is ambiguous or skipped (DST).
    folded = zone.utcoffset(local.replace(fold=not local.fold)) != zone.utcoffset(local)
    name = "" if folded else str(zone.tzname(local))
    short = (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"
    )
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        value.isoformat(),
        f"{short}:{local.second:02d} {name}",
        short,
    )
