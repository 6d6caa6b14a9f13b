"""The e-mail a rule sends to a member of staff, in that person's language and time zone."""

from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from linia.accounts.models import User
from linia.core.mail import thread_headers
from linia.tickets.models import Ticket, TicketEvent

from .models import Condition


def send_rule_fired_mail(ticket: Ticket, event: TicketEvent, user: User) -> None:
    payload = event.payload
    condition_at = parse_datetime(str(payload.get("condition_at", "")))
    with translation.override(user.language), timezone.override(_zone(user.time_zone)):
        context = {
            "ticket": ticket,
            "recipient": user,
            "rule_name": payload.get("rule_name", event.new_value),
            "condition": _condition_label(str(payload.get("condition", ""))),
            "condition_at": condition_at,
            "failed_actions": [
                action
                for action in payload.get("actions") or []
                if isinstance(action, dict) and action.get("outcome") == "failed"
            ],
            "ticket_url": f"{settings.LINIA_BASE_URL}/desk/tickets/{ticket.number}/",
        }
        subject = render_to_string("escalation/email/rule_fired.subject.txt", context)
        body = render_to_string("escalation/email/rule_fired.txt", context)
    EmailMultiAlternatives(
        subject=f"[#{ticket.number}] {' '.join(subject.split())}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "X-Linia-Ticket": str(ticket.number),
            "Auto-Submitted": "auto-generated",
            "Content-Language": user.language,
            **thread_headers(ticket.number),
        },
    ).send()


def _condition_label(value: str) -> str:
    try:
        return str(Condition(value).label)
    except ValueError:
        return value


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.LINIA_DEFAULT_TIME_ZONE)
