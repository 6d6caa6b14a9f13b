"""The agent queue: every visible ticket, filtered, sorted and paged, refreshed by polling."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
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


@require_GET
@staff_view
def queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = QueueFilterForm(request.GET)
    tickets = queries.list_tickets_for(actor, form.to_filters())
    page = Paginator(tickets, settings.LINIA_QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "tickets": list(page.object_list), "form": form}
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
