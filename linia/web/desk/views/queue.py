"""The agent queue: every visible ticket, filtered, sorted and paged, refreshed by polling."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from linia.accounts import queries as account_queries
from linia.directory import queries as directory_queries
from linia.tickets import queries

from ..forms import QueueFilterForm
from .base import actor_of, is_htmx, staff_view

TEMPLATE = "desk/queue.html"
# Beyond this many tickets the queue says "more than 10000": counting a million rows exactly
# costs more than the page itself, and nobody pages that far by hand.
COUNT_LIMIT = 10_000
# A text filter's count probes each candidate ticket's search document (at a million tickets,
# "VPN" over the active ones: 28,000 probes, 85–115 ms), so it stops sooner: "more than 1000".
TEXT_COUNT_LIMIT = 1_000


@require_GET
@staff_view
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = QueueFilterForm(request.GET)
    filters = form.to_filters()
    tickets = queries.list_tickets_for(actor, filters)
    # Pages are keyset pages (`after` / `before` cursors): the 2,000th page costs what the
    # first does. `page=N`, the older link form, still works (by offset) for shallow pages.
    page = queries.keyset_page(
        tickets,
        filters.sort,
        size=settings.LINIA_QUEUE_PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        page=request.GET.get("page", ""),
    )
    count, count_exact = queries.count_up_to(
        tickets, TEXT_COUNT_LIMIT if filters.text.strip() else COUNT_LIMIT
    )
    context = {
        "page": page,
        "tickets": page.items,
        "count": count,
        "count_exact": count_exact,
        "form": form,
    }
    if is_htmx(request):
        # The polling refresh: only the table.
        response = render(request, f"{TEMPLATE}#results", context)
    else:
        teams = list(queries.list_teams())
        form.set_options(
            teams=[(team.pk, f"L{team.tier} · {team.name}") for team in teams],
            agents=[(user.pk, user.display_name) for user in account_queries.list_staff()],
            organizations=[
                (organization.pk, organization.name)
                for organization in directory_queries.list_organizations_for(
                    actor, active_only=False
                )
            ],
        )
        context["my_teams"] = [team for team in teams if team.pk in actor.team_ids]
        response = render(request, TEMPLATE, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
