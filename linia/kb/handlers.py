"""The knowledge base's reactions to ticket events."""

from __future__ import annotations

from linia.core.events import on
from linia.tickets import events
from linia.tickets.models import TicketEvent

from .services import claim_suggestion_opens


@on(events.TICKET_CREATED)
def claim_suggestions_on_new_ticket(event: TicketEvent) -> None:
    """A requester who opened suggested articles and then submitted was not deflected."""
    if event.actor_id is not None:
        claim_suggestion_opens(user_id=event.actor_id, ticket_id=event.ticket_id)
