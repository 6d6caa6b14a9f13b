"""Limit/offset pages: {"items": [...], "count": N}, the page size capped by the settings;
and cursor pages for the ticket list, which grows to millions."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from linia.core.errors import Invalid
from linia.tickets import queries
from linia.tickets.models import Ticket
from linia.tickets.queries import QueueFilters

from .schemas.common import CursorParams, PageParams

M = TypeVar("M", bound=Model)


def paginate(queryset: QuerySet[M], page: PageParams) -> dict[str, Any]:
    """One page of an ordered queryset (two queries: the count and the page)."""
    limit = min(page.limit, settings.LINIA_API_MAX_PAGE_SIZE)
    items = list(queryset[page.offset : page.offset + limit])
    return {"items": items, "count": queryset.count()}


# OFFSET reads and drops every row before the page (about a second at 800,000 deep on
# PostgreSQL), so offsets stop where the count does; every page's next_cursor goes further
# at the cost of the first page.
MAX_OFFSET = queries.COUNT_LIMIT


def paginate_tickets(
    tickets: QuerySet[Ticket], filters: QueueFilters, page: PageParams, cursor: CursorParams
) -> dict[str, Any]:
    """One page of a ticket list (`list_tickets_for(actor, filters)`), after `cursor.after` or
    at `page.offset` (two queries: the capped count and the page). The cursor way costs the
    same at any depth; offsets beyond MAX_OFFSET are refused (Invalid, code
    offset_too_deep)."""
    if cursor.after and page.offset:
        raise Invalid(_("Give either a cursor (after) or an offset, not both."))
    if page.offset > MAX_OFFSET:
        raise Invalid(
            _(
                "Offsets stop at %(limit)s. To page further, pass the next_cursor of the "
                "previous page as after."
            )
            % {"limit": number_format(MAX_OFFSET, force_grouping=True)},
            code="offset_too_deep",
        )
    limit = min(page.limit, settings.LINIA_API_MAX_PAGE_SIZE)
    if cursor.after:
        result = queries.keyset_page(tickets, filters.sort, size=limit, after=cursor.after)
        items, next_cursor = result.items, result.next_cursor
    else:
        items = queries.offset_rows(tickets, offset=page.offset, size=limit + 1)
        next_cursor = (
            queries.ticket_cursor(items[limit - 1], filters.sort) if len(items) > limit else ""
        )
        items = items[:limit]
    count, exact = queries.count_listed(tickets, filters)
    return {"items": items, "count": count, "count_exact": exact, "next_cursor": next_cursor}
