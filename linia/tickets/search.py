"""Ticket search: the index kept up to date by event handlers, and visibility-bound queries.

A ticket's search document holds two term columns: `public_terms` (subject, description,
resolution, public messages) and `internal_terms` (internal notes). Clients' queries match
only the public column. Indexing is a reaction to ticket events (registered from
TicketsConfig.ready), never part of the services. See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet

from linia.core.access import Actor
from linia.core.events import on
from linia.search import backends
from linia.search.ddl import TICKETS
from linia.search.engine import ranked_ids
from linia.search.highlight import highlight, snippet
from linia.search.normalize import normalize_for_index, query_terms, query_words

from . import events
from .models import Message, Ticket, TicketEvent, TicketSearchDocument
from .queries import visible_tickets
from .workflow import ACTIVE_STATUSES, TicketStatus

SOLVED_STATUSES = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
PUBLIC_WEIGHT = 2.0
INTERNAL_WEIGHT = 1.0


@dataclass(frozen=True)
class TicketHit:
    ticket: Ticket
    rank: float
    subject_html: str
    snippet_html: str


@dataclass(frozen=True)
class TicketSearchPage:
    items: list[TicketHit]
    total: int


def _document(ticket: Ticket, messages: list[Message]) -> TicketSearchDocument:
    public = [ticket.subject, ticket.description, ticket.resolution]
    public += [message.body for message in messages if not message.is_internal]
    internal = [message.body for message in messages if message.is_internal]
    return TicketSearchDocument(
        ticket=ticket,
        public_terms=normalize_for_index("\n".join(public)),
        internal_terms=normalize_for_index("\n".join(internal)),
        is_active=ticket.status in ACTIVE_STATUSES,
    )


def index_ticket(ticket_id: int) -> None:
    """Rewrite the search document of one ticket from its current state (idempotent)."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return
    document = _document(ticket, list(ticket.messages.only("body", "is_internal")))
    TicketSearchDocument.objects.update_or_create(
        ticket=ticket,
        defaults={
            "public_terms": document.public_terms,
            "internal_terms": document.internal_terms,
            "is_active": document.is_active,
        },
    )


@on(
    events.TICKET_CREATED,
    events.MESSAGE_ADDED,
    events.STATUS_CHANGED,
    events.FIELD_CHANGED,
    name="tickets.search.index_ticket",
)
def index_ticket_on_event(event: TicketEvent) -> None:
    index_ticket(event.ticket_id)


def _batches(batch_size: int) -> Iterator[list[Ticket]]:
    last = 0
    while True:
        batch = list(Ticket.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def reindex_tickets(batch_size: int = 500) -> int:
    """Rebuild every ticket's search document; returns the number of tickets."""
    count = 0
    for batch in _batches(batch_size):
        messages: dict[int, list[Message]] = {ticket.pk: [] for ticket in batch}
        for message in Message.objects.filter(ticket__in=batch).only(
            "ticket_id", "body", "is_internal"
        ):
            messages[message.ticket_id].append(message)
        TicketSearchDocument.objects.bulk_create(
            [_document(ticket, messages[ticket.pk]) for ticket in batch],
            update_conflicts=True,
            unique_fields=["ticket"],
            update_fields=["public_terms", "internal_terms", "is_active"],
        )
        count += len(batch)
    return count


def search_tickets(
    actor: Actor, q: str, *, limit: int = 10, offset: int = 0, solved_only: bool = False
) -> TicketSearchPage:
    """The tickets `actor` may see that match every word of `q`, best first. Staff match
    internal notes too; clients only what they can read."""
    groups = backends.correct(query_words(q), query_terms(q))
    visible = visible_tickets(actor)
    if solved_only:
        visible = visible.filter(status__in=SOLVED_STATUSES)
    return _page(actor, visible, groups, limit=limit, offset=offset, mode=backends.ALL)


def similar_solved_tickets(actor: Actor, ticket: Ticket, *, limit: int = 5) -> list[TicketHit]:
    """Resolved or closed tickets `actor` may see that share words with `ticket`'s subject."""
    visible = visible_tickets(actor).filter(status__in=SOLVED_STATUSES).exclude(pk=ticket.pk)
    page = _page(actor, visible, query_terms(ticket.subject), limit=limit, mode=backends.ANY)
    return page.items


def _page(
    actor: Actor,
    visible: QuerySet[Ticket],
    groups: list[set[str]],
    *,
    limit: int,
    offset: int = 0,
    mode: str,
) -> TicketSearchPage:
    ranked, total = ranked_ids(
        TICKETS,
        visible,
        groups,
        mode=mode,
        limit=limit,
        offset=offset,
        weights=(PUBLIC_WEIGHT, INTERNAL_WEIGHT),
        only_column=None if actor.is_staff else "public_terms",
    )
    terms = frozenset().union(*groups) if groups else frozenset()
    tickets = Ticket.objects.select_related("organization").in_bulk([pk for pk, _ in ranked])
    return TicketSearchPage(
        items=[
            TicketHit(
                ticket=tickets[pk],
                rank=score,
                subject_html=highlight(tickets[pk].subject, terms),
                snippet_html=snippet(tickets[pk].description, terms),
            )
            for pk, score in ranked
            if pk in tickets
        ],
        total=total,
    )
