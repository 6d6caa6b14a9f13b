"""The thread of a ticket: public replies and internal notes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from linia.tickets import queries, services
from linia.tickets.models import Channel, Message

from ..auth import actor_of
from ..pagination import paginate
from ..schemas.common import ERRORS, Page, PageParams, TicketNumber
from ..schemas.tickets import MessageIn, MessageOut

router = Router(tags=["messages"])


@router.get("/tickets/{number}/messages", response={200: Page[MessageOut], **ERRORS})
def list_messages(
    request: HttpRequest, page: Query[PageParams], number: TicketNumber
) -> dict[str, Any]:
    """The thread, oldest first, with attachments (clients never see internal notes)."""
    actor = actor_of(request)
    return paginate(queries.list_messages_for(queries.get_ticket_for(actor, number), actor), page)


@router.post("/tickets/{number}/messages", response={201: MessageOut, **ERRORS})
def add_message(request: HttpRequest, payload: MessageIn, number: TicketNumber) -> Status[Message]:
    """Reply, or add an internal note (`internal`: staff only, 403 for clients). A client's
    reply resumes a pending ticket and reopens a resolved one."""
    message = services.add_message(
        actor=actor_of(request),
        number=number,
        body=payload.body,
        is_internal=payload.internal,
        channel=Channel.API,
    )
    return Status(201, message)
