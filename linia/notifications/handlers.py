"""Who is told what, in their own language and time zone, after a ticket event commits.

Each handler builds e-mails and hands them to Django's mail API, which records them in the
outbox (and delivers them after commit when a mail server is configured). Handlers run once
per event (see linia.tickets.tasks.run_event_handler_task).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from linia.accounts.models import User, UserRole
from linia.core.events import on
from linia.core.mail import thread_headers
from linia.directory.models import Contact
from linia.tickets import events
from linia.tickets.models import Message, Ticket, TicketEvent
from linia.tickets.workflow import TicketStatus


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str
    time_zone: str
    is_staff: bool


def _requester(ticket: Ticket) -> Recipient | None:
    return _contact(ticket.requester)


def _contact(contact: Contact) -> Recipient | None:
    if not contact.email:
        return None
    user: User | None = contact.user
    return Recipient(
        email=contact.email,
        name=contact.full_name,
        language=user.language if user else contact.language,
        time_zone=user.time_zone if user else settings.LINIA_DEFAULT_TIME_ZONE,
        is_staff=False,
    )


def _requester_and_watchers(ticket: Ticket) -> list[Recipient]:
    """The requester, then the ticket's watchers (contacts of its organization kept
    informed), each address once."""
    contacts = [
        ticket.requester,
        *Contact.objects.filter(watched_tickets__ticket=ticket)
        .select_related("user")
        .order_by("watched_tickets__added_at", "pk"),
    ]
    recipients: list[Recipient] = []
    seen: set[str] = set()
    for contact in contacts:
        recipient = _contact(contact)
        if recipient is not None and recipient.email.lower() not in seen:
            seen.add(recipient.email.lower())
            recipients.append(recipient)
    return recipients


def _staff(user: User) -> Recipient | None:
    if not user.email or not user.is_active:
        return None
    return Recipient(user.email, user.display_name, user.language, user.time_zone, True)


def _send(
    ticket: Ticket,
    event: TicketEvent,
    recipient: Recipient,
    template: str,
    context: dict[str, object],
) -> None:
    with (
        translation.override(recipient.language),
        timezone.override(zoneinfo.ZoneInfo(recipient.time_zone)),
    ):
        full_context = {
            "ticket": ticket,
            "event": event,
            "recipient": recipient,
            "base_url": settings.LINIA_BASE_URL,
            "ticket_url": _ticket_url(ticket, recipient),
            **context,
        }
        rendered_subject = render_to_string(
            f"notifications/email/{template}.subject.txt", full_context
        )
        body = render_to_string(f"notifications/email/{template}.txt", full_context)
    subject = " ".join(rendered_subject.split())
    message = EmailMultiAlternatives(
        subject=f"[#{ticket.number}] {subject}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        reply_to=[settings.LINIA_SUPPORT_EMAIL],
        headers={
            "X-Linia-Ticket": str(ticket.number),
            "Auto-Submitted": "auto-generated",
            "Content-Language": recipient.language,
            **thread_headers(ticket.number),
        },
    )
    message.send()


def _ticket_url(ticket: Ticket, recipient: Recipient) -> str:
    if recipient.is_staff:
        return f"{settings.LINIA_BASE_URL}/desk/tickets/{ticket.number}/"
    return f"{settings.LINIA_BASE_URL}/requests/{ticket.number}/"


def _load(event: TicketEvent) -> Ticket:
    return Ticket.objects.select_related("requester__user", "assignee", "organization", "team").get(
        pk=event.ticket_id
    )


@on(events.TICKET_CREATED)
def notify_ticket_created(event: TicketEvent) -> None:
    """The requester gets the number and time stamp of the new request."""
    ticket = _load(event)
    recipient = _requester(ticket)
    if recipient:
        _send(ticket, event, recipient, "ticket_created", {})


@on(events.STATUS_CHANGED)
def notify_status_changed(event: TicketEvent) -> None:
    """Every status change reaches the requester (seed 002: at every stage) and the
    ticket's watchers."""
    ticket = _load(event)
    for recipient in _requester_and_watchers(ticket):
        with translation.override(recipient.language):
            old_label = str(TicketStatus(event.old_value).label) if event.old_value else ""
            new_label = str(TicketStatus(event.new_value).label)
        _send(
            ticket,
            event,
            recipient,
            "status_changed",
            {
                "old_status": old_label,
                "new_status": new_label,
                "is_resolved": event.new_value == TicketStatus.RESOLVED,
                "is_closed": event.new_value == TicketStatus.CLOSED,
                "note": event.payload.get("note", ""),
                "resolution": event.payload.get("resolution", ""),
                "auto": event.payload.get("auto", False),
                "auto_close_days": settings.LINIA_AUTO_CLOSE_DAYS,
            },
        )


@on(events.MESSAGE_ADDED)
def notify_message_added(event: TicketEvent) -> None:
    """A public staff reply goes to the requester and the watchers; a requester's message to
    the assignee (or, with nobody assigned, to the ticket's team)."""
    if event.payload.get("internal"):
        return
    ticket = _load(event)
    message = Message.objects.filter(pk=event.payload.get("message_id")).first()
    if message is None:
        return
    if message.is_from_staff:
        for recipient in _requester_and_watchers(ticket):
            _send(ticket, event, recipient, "reply_to_requester", {"message": message})
        return
    for user in _responsible_staff(ticket):
        staff = _staff(user)
        if staff:
            _send(ticket, event, staff, "reply_to_staff", {"message": message})


def _responsible_staff(ticket: Ticket) -> list[User]:
    if ticket.assignee:
        return [ticket.assignee]
    if ticket.team_id:
        return list(ticket.team.members.filter(is_active=True)) if ticket.team else []
    return []


@on(events.ESCALATED)
def notify_escalated(event: TicketEvent) -> None:
    """Service desk managers hear of every escalation, with its reason; so does the new team."""
    ticket = _load(event)
    managers = User.objects.filter(role=UserRole.MANAGER, is_active=True)
    team_members = (
        ticket.team.members.filter(is_active=True) if ticket.team else User.objects.none()
    )
    seen: set[int] = set()
    for user in [*managers, *team_members]:
        if user.pk in seen or user.pk == event.actor_id:
            continue
        seen.add(user.pk)
        staff = _staff(user)
        if staff:
            _send(
                ticket,
                event,
                staff,
                "escalated",
                {
                    "reason": event.payload.get("reason", ""),
                    "old_tier": event.old_value,
                    "new_tier": event.new_value,
                    "team": event.payload.get("team", ""),
                    "actor_name": event.actor_name,
                },
            )


@on(events.ASSIGNED)
def notify_assigned(event: TicketEvent) -> None:
    """The new assignee is told, unless they took the ticket themselves."""
    ticket = _load(event)
    if ticket.assignee is None or ticket.assignee_id == event.actor_id:
        return
    staff = _staff(ticket.assignee)
    if staff:
        _send(ticket, event, staff, "assigned", {"actor_name": event.actor_name})
