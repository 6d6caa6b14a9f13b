"""The agent queue: every visible ticket, filtered, sorted and paged, refreshed by polling."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from linia.accounts import queries as account_queries
from linia.directory import queries as directory_queries
from linia.tickets import queries

from ..forms import QueueFilterForm
from ..templatetags.desk_queue import QUEUE_ROW_FIELDS, QUEUE_ROW_PREFETCH
from .base import actor_of, is_htmx, staff_view

TEMPLATE = "desk/queue.html"


@require_GET
@staff_view
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = QueueFilterForm(request.GET)
    filters = form.to_filters()
    tickets = queries.list_tickets_for(actor, filters, prefetch=QUEUE_ROW_PREFETCH)
    rows = tickets.only(*QUEUE_ROW_FIELDS)
    # Pages are keyset pages (`after` / `before` cursors): the 2,000th page costs what the
    # first does. `page=N`, the older link form, still works (by offset) for shallow pages.
    page = queries.keyset_page(
        rows,
        filters.sort,
        size=settings.LINIA_QUEUE_PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page=request.GET.get("page", ""),
    )
    context: dict[str, Any] = {"page": page, "tickets": page.items, "form": form}
    first_page = not any(request.GET.get(name) for name in ("after", "before", "page"))
    if first_page and not page.next_cursor:
        # Everything is on this page: its length is the count. (A page reached by a cursor or
        # a page number says nothing of the rows before it, nor an empty one past the end.)
        context.update(count=len(page.items), count_exact=True)
    elif filters.text.strip():
        # A text filter's count probes a search document per visible active ticket (tens of
        # ms for a common word at a million tickets): the page is drawn first, and the count
        # comes from queue_count right after it.
        context["count_later"] = True
    else:
        count, count_exact = queries.count_listed(tickets, filters)
        context.update(count=count, count_exact=count_exact)
    if is_htmx(request):
        # The polling refresh: only the table.
        response = render(request, f"{TEMPLATE}#results", context)
    else:
        teams = list(queries.list_teams())
        form.set_options(
            teams=[(team.pk, f"L{team.tier} · {team.name}") for team in teams],
            agents=[(user.pk, user.display_name) for user in account_queries.list_staff()],
            # Pairs, not objects: an MSP's desk lists hundreds of organizations here.
            organizations=list(
                directory_queries.list_organizations_for(actor, active_only=False).values_list(
                    "pk", "name"
                )
            ),
        )
        context["my_teams"] = [team for team in teams if team.pk in actor.team_ids]
        response = render(request, TEMPLATE, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@staff_view
def queue_count(request: HttpRequest) -> HttpResponse:
    """How many tickets the queue's filters (the same query string) match: what the queue
    loads after drawing a text-filtered page."""
    actor = actor_of(request)
    filters = QueueFilterForm(request.GET).to_filters()
    tickets = queries.list_tickets_for(actor, filters)
    count, count_exact = queries.count_listed(tickets, filters)
    context = {"count": count, "count_exact": count_exact}
    return render(request, f"{TEMPLATE}#count", context)
