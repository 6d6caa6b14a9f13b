"""Tickets: the list, one ticket, classification and assignment, escalation, the workflow and
the history. Each handler parses, calls one service or query of linia.tickets, and returns."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from linia.tickets import queries, services, workflow
from linia.tickets.models import Ticket

from ..auth import actor_of
from ..pagination import paginate, paginate_tickets
from ..schemas.common import ERRORS, CursorPage, CursorParams, Page, PageParams, TicketNumber
from ..schemas.tickets import (
    EscalationIn,
    EventOut,
    TicketBatchIn,
    TicketBatchOut,
    TicketFilters,
    TicketIn,
    TicketOut,
    TicketPatch,
    TransitionIn,
    TransitionOut,
)

router = Router(tags=["tickets"])


@router.get("/tickets", response={200: CursorPage[TicketOut], **ERRORS})
def list_tickets(
    request: HttpRequest,
    filters: Query[TicketFilters],
    page: Query[PageParams],
    cursor: Query[CursorParams],
) -> dict[str, Any]:
    """The tickets the caller may see, newest first. Without `status`, every status is
    listed (closed and cancelled included). For deep pages follow `next_cursor` (as `after`):
    an offset costs in proportion to its depth, a cursor does not, and offsets stop at
    10,000 (code `offset_too_deep`)."""
    wanted = filters.to_queue_filters()
    tickets = queries.list_tickets_for(actor_of(request), wanted)
    return paginate_tickets(tickets, wanted, page, cursor)


@router.post("/tickets", response={201: TicketOut, **ERRORS})
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status[Ticket]:
    """Register a ticket. Clients file for themselves; staff name the organization and the
    requester (an unknown e-mail becomes a new contact of that organization)."""
    ticket = services.create_tickets(actor=actor_of(request), new=[_new_ticket(payload)])[0]
    return Status(201, ticket)


@router.post("/tickets/batch", response={201: TicketBatchOut, **ERRORS})
def create_tickets(request: HttpRequest, payload: TicketBatchIn) -> Status[dict[str, Any]]:
    """Register up to 100 tickets in one request (an import, a monitoring system's burst),
    all or nothing: each as `POST /tickets` would. If one breaks a rule, nothing is created
    and the error names it by `index` (from 0)."""
    actor = actor_of(request)
    tickets = services.create_tickets(
        actor=actor, new=[_new_ticket(ticket) for ticket in payload.tickets]
    )
    queries.load_sla_policies(tickets)
    return Status(201, {"items": tickets})


def _new_ticket(ticket: TicketIn) -> services.NewTicket:
    return services.NewTicket(
        subject=ticket.subject,
        description=ticket.description,
        type=ticket.type,
        category_id=ticket.category,
        impact=ticket.impact,
        urgency=ticket.urgency,
        priority=ticket.priority,
        organization_id=ticket.organization,
        requester=ticket.requester,
        channel=ticket.channel,
        received_at=ticket.received_at,
        asset_id=ticket.asset,
    )


@router.get("/tickets/{number}", response={200: TicketOut, **ERRORS})
def get_ticket(request: HttpRequest, number: TicketNumber) -> Ticket:
    return queries.get_ticket_for(actor_of(request), number)


@router.patch("/tickets/{number}", response={200: TicketOut, **ERRORS})
def update_ticket(request: HttpRequest, payload: TicketPatch, number: TicketNumber) -> Ticket:
    """Staff only: classify (subject, type, category, impact, urgency, priority, `asset`:
    equipment of the ticket's organization, or null) and assign (`assignee`: a user id, or
    null to unassign), all in one transaction."""
    given = payload.model_fields_set
    return services.update_ticket(
        actor=actor_of(request),
        number=number,
        subject=payload.subject,
        type=payload.type,
        category_id=payload.category if "category" in given else False,
        impact=payload.impact,
        urgency=payload.urgency,
        priority=payload.priority,
        assignee_id=payload.assignee if "assignee" in given else False,
        asset_id=payload.asset if "asset" in given else False,
    )


@router.post("/tickets/{number}/escalate", response={200: TicketOut, **ERRORS})
def escalate_ticket(request: HttpRequest, payload: EscalationIn, number: TicketNumber) -> Ticket:
    """Staff only: move the ticket up to L2 or L3 (to `team`, or the tier's default team)."""
    return services.escalate_ticket(
        actor=actor_of(request),
        number=number,
        tier=payload.tier,
        reason=payload.reason,
        team_id=payload.team,
    )


@router.get("/tickets/{number}/transitions", response={200: list[TransitionOut], **ERRORS})
def list_transitions(request: HttpRequest, number: TicketNumber) -> list[TransitionOut]:
    """The status changes the caller may make now."""
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    return [
        TransitionOut.from_transition(transition)
        for transition in workflow.allowed_transitions(ticket.status, actor)
    ]


@router.post("/tickets/{number}/transitions", response={200: TicketOut, **ERRORS})
def change_status(request: HttpRequest, payload: TransitionIn, number: TicketNumber) -> Ticket:
    """Move the ticket along the workflow; 409 if the change is not allowed."""
    return services.change_status(
        actor=actor_of(request),
        number=number,
        to=payload.to,
        note=payload.note,
        resolution=payload.resolution,
        training_recommended=payload.training_recommended,
    )


@router.get("/tickets/{number}/events", response={200: Page[EventOut], **ERRORS})
def list_events(
    request: HttpRequest, page: Query[PageParams], number: TicketNumber
) -> dict[str, Any]:
    """The ticket's history, oldest first (clients do not see internal events)."""
    actor = actor_of(request)
    return paginate(queries.ticket_timeline(queries.get_ticket_for(actor, number), actor), page)
