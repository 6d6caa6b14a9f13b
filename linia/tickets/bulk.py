"""Services for many contacts' requests and replies at once (the e-mail channel's batches).

`create_tickets` and `add_replies` do what `services.create_ticket` and `services.add_message`
do for a client writing in, with each lookup made once per distinct value and the rows
written in bulk: at a thousand messages they write ~4 statements per message where the
one-at-a-time services write ~15. They cover the plain cases only, and refuse (raise) rather
than approximate anything else; callers check with `reply_fits` first, and fall back to the
one-at-a-time services, which remain the reference for the rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.accounts.models import Team
from linia.core.access import Actor
from linia.core.errors import Conflict, Invalid, NotFound
from linia.directory.models import Contact
from linia.sla.queries import ResolvedSla

from . import events, sla_clock
from .models import Category, Channel, Level, Message, Ticket
from .services import (
    MAX_BODY,
    MAX_SUBJECT,
    IncomingFile,
    _attachment_rows,
    _check_choice,
    _clean_text,
    _next_numbers,
    _save_attachments,
    check_received_at,
    priority_for,
    route_team,
    validate_files,
)
from .timeline import event_row, record_events
from .workflow import TicketStatus

# A client's reply changes nothing but the thread in these statuses (pending and resolved
# ones resume or reopen: the one-at-a-time service does that).
PLAIN_REPLY_STATUSES = frozenset({TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.IN_PROGRESS})


@dataclass
class ContactRequest:
    """One new request from a contact; `actor` is the contact's (a client)."""

    actor: Actor
    contact: Contact  # with its organization selected
    subject: str
    description: str
    channel: str
    received_at: datetime | None = None
    category_id: int | None = None
    team_id: int | None = None
    files: list[IncomingFile] = field(default_factory=list)


@dataclass
class ContactReply:
    """A public reply by a ticket's requester; `ticket` is the row as read (not locked)."""

    actor: Actor
    ticket: Ticket
    body: str
    channel: str


def reply_fits(actor: Actor, ticket: Ticket) -> bool:
    """Whether add_replies takes this reply: the requester themself, on a ticket whose status
    a reply does not change."""
    return (
        actor.is_client
        and actor.contact_id == ticket.requester_id
        and actor.organization_id == ticket.organization_id
        and ticket.status in PLAIN_REPLY_STATUSES
    )


@transaction.atomic
def create_tickets(requests: list[ContactRequest]) -> list[Ticket]:
    """services.create_ticket for each request (impact and urgency medium, routed by the
    team, the category or the organization's default), in one go: the same checks, numbers,
    priority, SLA clocks, events (ticket.created, attachment.added) and files. All or
    nothing; raises Invalid, TooLarge like create_ticket."""
    if not requests:
        return []
    now = timezone.now()
    priority = priority_for(Level.MEDIUM, Level.MEDIUM)
    wanted = {request.category_id for request in requests if request.category_id}
    categories = {
        category.pk: category for category in Category.objects.filter(pk__in=wanted, is_active=True)
    }
    teams: dict[tuple[int | None, int | None, int, int], Team | None] = {}
    policies: dict[tuple[int, int | None, str, date], ResolvedSla | None] = {}
    tickets: list[Ticket] = []
    for request in requests:
        organization = request.contact.organization
        if request.actor.contact_id != request.contact.pk:
            raise Invalid(_("The requester must be the contact writing in."), code="requester")
        if not organization.is_active:
            raise Invalid(_("This organization is not active."), code="organization_inactive")
        _check_choice(request.channel, Channel, "channel")
        category = categories.get(request.category_id) if request.category_id else None
        if request.category_id and category is None:
            raise Invalid(_("Unknown category."), code="invalid_category")
        if request.received_at is not None:
            check_received_at(request.received_at, now=now)
        validate_files(request.files)
        tier = category.default_tier if category else 1
        key = (request.team_id, category.pk if category else None, organization.pk, tier)
        if key not in teams:
            teams[key] = route_team(
                request.team_id, category, organization_id=organization.pk, tier=tier
            )
        team = teams[key]
        received_at = request.received_at or now
        ticket = Ticket(
            subject=_clean_text(request.subject, limit=MAX_SUBJECT, what="subject"),
            description=_clean_text(
                request.description, limit=MAX_BODY, what="description", required=False
            ),
            category=category,
            impact=Level.MEDIUM,
            urgency=Level.MEDIUM,
            priority=priority,
            tier=team.tier if team else tier,
            team=team,
            organization=organization,
            requester=request.contact,
            created_by_id=request.actor.user_id,
            channel=request.channel,
            received_at=received_at,
            tier_entered_at=received_at,
        )
        policy_key = (
            organization.pk,
            category.sla_policy_id if category else None,
            ticket.type,
            timezone.localdate(received_at),
        )
        if policy_key not in policies:
            policies[policy_key] = sla_clock.resolve_for(ticket)
        sla_clock.start_clocks_with(ticket, policies[policy_key], now=now)
        tickets.append(ticket)
    first = _next_numbers(len(tickets))
    for offset, ticket in enumerate(tickets):
        ticket.number = first + offset
    Ticket.objects.bulk_create(tickets)
    record_events(
        [
            event_row(
                ticket,
                events.TICKET_CREATED,
                actor=request.actor,
                new=ticket.number,
                payload={"channel": ticket.channel, "priority": priority, "tier": ticket.tier},
            )
            for ticket, request in zip(tickets, requests, strict=True)
        ]
    )
    uploads = [
        (attachment, request.actor)
        for ticket, request in zip(tickets, requests, strict=True)
        for attachment in _attachment_rows(
            ticket, None, request.files, request.actor, is_internal=False
        )
    ]
    if uploads:
        _save_attachments(uploads)
    return tickets


@transaction.atomic
def add_replies(replies: list[ContactReply]) -> list[Message]:
    """services.add_message for requesters' public replies that change nothing but the
    thread (reply_fits), in one go: the messages, each ticket's count and time, and the
    ticket.message_added events. All or nothing; raises NotFound, Conflict, Invalid when a
    reply does not fit after all (the tickets are re-read locked)."""
    if not replies:
        return []
    numbers = {reply.ticket.number for reply in replies}
    locked = {
        ticket.number: ticket
        for ticket in Ticket.objects.select_for_update().filter(number__in=numbers)
    }
    messages: list[Message] = []
    for reply in replies:
        ticket = locked.get(reply.ticket.number)
        if ticket is None:
            raise NotFound(_("Ticket not found."))
        if not reply_fits(reply.actor, ticket):
            raise Conflict(_("This reply needs the one-at-a-time service."), code="not_plain")
        _check_choice(reply.channel, Channel, "channel")
        messages.append(
            Message(
                ticket=ticket,
                author_id=reply.actor.user_id,
                author_name=reply.actor.name,
                is_from_staff=False,
                body=_clean_text(reply.body, limit=MAX_BODY, what="message"),
                is_internal=False,
                channel=reply.channel,
            )
        )
    Message.objects.bulk_create(messages)
    added = Counter(message.ticket.number for message in messages)
    now = timezone.now()
    for number, count in added.items():
        locked[number].message_count += count
        locked[number].updated_at = now
    Ticket.objects.bulk_update(
        [locked[number] for number in added], ["message_count", "updated_at"]
    )
    record_events(
        [
            event_row(
                message.ticket,
                events.MESSAGE_ADDED,
                actor=reply.actor,
                payload={"message_id": message.pk, "internal": False, "from_staff": False},
            )
            for message, reply in zip(messages, replies, strict=True)
        ]
    )
    return messages
