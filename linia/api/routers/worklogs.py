"""The work log of a ticket: staff only (for clients it does not exist: 404)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from linia.core.access import Actor
from linia.core.errors import NotFound
from linia.tickets import queries, services
from linia.tickets.models import Worklog

from ..auth import actor_of
from ..pagination import paginate
from ..schemas.common import ERRORS, Page, PageParams, PathId, TicketNumber
from ..schemas.worklogs import WorklogIn, WorklogOut

router = Router(tags=["work log"])


def _staff(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.is_staff:
        raise NotFound(_("Not found."))
    return actor


@router.get("/tickets/{number}/worklogs", response={200: Page[WorklogOut], **ERRORS})
def list_worklogs(
    request: HttpRequest, page: Query[PageParams], number: TicketNumber
) -> dict[str, Any]:
    """Time logged on the ticket, oldest day first."""
    actor = _staff(request)
    ticket = queries.get_ticket_for(actor, number)
    return paginate(queries.list_worklogs_for(ticket, actor).select_related("ticket"), page)


@router.post("/tickets/{number}/worklogs", response={201: WorklogOut, **ERRORS})
def log_work(request: HttpRequest, payload: WorklogIn, number: TicketNumber) -> Status[Worklog]:
    """Log time on the ticket; billable minutes count against the organization's included
    hours of that month (422 for a future day)."""
    actor = _staff(request)
    worklog = services.log_work(
        actor=actor,
        number=number,
        minutes=payload.minutes,
        work_date=payload.work_date,
        billable=payload.billable,
        note=payload.note,
    )
    return Status(201, queries.get_worklog_for(actor, worklog.pk))


@router.api_operation(
    ["DELETE"], "/tickets/{number}/worklogs/{worklog_id}", response={204: None, **ERRORS}
)
def delete_worklog(request: HttpRequest, number: TicketNumber, worklog_id: PathId) -> Status[None]:
    """Remove an entry: your own, or anyone's for managers (403 otherwise)."""
    actor = _staff(request)
    if queries.get_worklog_for(actor, worklog_id).ticket.number != number:
        raise NotFound(_("Work log entry not found."))
    services.delete_worklog(actor=actor, worklog_id=worklog_id)
    return Status(204, None)
