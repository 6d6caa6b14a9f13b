"""Services for many contacts' requests and replies at once (the e-mail channel's batches).

`create_contact_tickets` and `add_replies` do what `services.create_ticket` and
`services.add_message` do for a client writing in, with each lookup made once per distinct
value and the rows written in bulk (new tickets through the same drafting and insert as
`services.create_tickets`): at a thousand messages they write ~4 statements per message
where the one-at-a-time services write ~15. They cover the plain cases only, and refuse
(raise) rather than approximate anything else; callers check with `reply_fits` first, and
fall back to the one-at-a-time services, which remain the reference for the rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.core.errors import Conflict, Invalid, NotFound
from linia.directory.models import Contact

from .models import Channel, Message, Ticket
from .services import (
    MAX_BODY,
    IncomingFile,
    NewTicket,
    _check_choice,
    _clean_text,
    _Drafting,
    _message_added_row,
    _message_row,
    insert_new_tickets,
)
from .timeline import record_events
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
def create_contact_tickets(requests: list[ContactRequest]) -> list[Ticket]:
    """services.create_ticket for each request (impact and urgency medium, routed by the
    team, the category or the organization's default), in one go: the same checks, numbers,
    priority, SLA clocks, events (ticket.created, attachment.added) and files. All or
    nothing; raises Invalid, TooLarge like create_ticket."""
    drafting = _Drafting(categories=[request.category_id for request in requests])
    tickets: list[Ticket] = []
    for request in requests:
        if request.actor.contact_id != request.contact.pk:
            raise Invalid(_("The requester must be the contact writing in."), code="requester")
        new = NewTicket(
            subject=request.subject,
            description=request.description,
            category_id=request.category_id,
            channel=request.channel,
            received_at=request.received_at,
            files=request.files,
            team_id=request.team_id,
        )
        requester = (request.contact.organization, request.contact)
        tickets.append(drafting.draft(request.actor, new, requester=requester))
    insert_new_tickets(tickets, [(request.actor, request.files) for request in requests])
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
        body = _clean_text(reply.body, limit=MAX_BODY, what="message")
        messages.append(
            _message_row(ticket, reply.actor, body, is_internal=False, channel=reply.channel)
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
            _message_added_row(message.ticket, message, reply.actor)
            for message, reply in zip(messages, replies, strict=True)
        ]
    )
    return messages
