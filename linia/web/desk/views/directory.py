"""Client cards on the desk: the organizations list and card, the compact card beside a
ticket, revealing a vault entry (htmx), and the vault's audit log for managers."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from linia.accounts import mfa
from linia.core.access import Actor
from linia.directory import queries, services
from linia.tickets import queries as ticket_queries
from linia.tickets.models import Ticket

from .base import actor_of, manager_view, staff_view

RECENT_TICKETS = 5
CARD_TICKETS = 15
CARD_CREDENTIALS = 30
LOG_PAGE_SIZE = 50


def _recent_tickets(actor: Actor, organization_id: int, *, limit: int, exclude: int | None = None) -> list[Ticket]:
    tickets = (
        ticket_queries.visible_tickets(actor)
        .filter(organization_id=organization_id)
        .only("id", "number", "subject", "status", "priority", "created_at", "organization_id")
        .order_by("-number")
    )
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude)
    return list(tickets[:limit])


def client_card_context(actor: Actor, ticket: Ticket) -> dict[str, Any]:
    """The compact client card beside a ticket, in a fixed number of queries (phones, the
    named equipment, vault entries, recent tickets)."""
    phones = list(queries.list_contact_phones_for(actor, ticket.requester_id))
    asset = None
    if ticket.asset_id:
        asset = queries.list_assets_for(actor).filter(pk=ticket.asset_id).first()
    credentials = list(
        queries.list_credentials_for(actor, organization_id=ticket.organization_id)[
            :CARD_CREDENTIALS
        ]
    )
    return {
        "card_phones": phones,
        "card_asset": asset,
        "card_credentials": credentials,
        "card_recent": _recent_tickets(
            actor, ticket.organization_id, limit=RECENT_TICKETS, exclude=ticket.pk
        ),
    }


@require_GET
@staff_view
def organizations(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    text = request.GET.get("q", "")[:200]
    rows = queries.search_organizations_for(actor, text=text)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/directory/organizations.html",
        {"page": page, "organizations": list(page.object_list), "q": text},
    )


@require_GET
@staff_view
def organization(request: HttpRequest, organization_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    contacts = list(queries.search_contacts_for(actor, organization_id=org.pk))
    return render(
        request,
        "desk/directory/organization.html",
        {
            "organization": org,
            "contacts": contacts,
            "assets": list(queries.list_assets_for(actor, organization_id=org.pk)),
            "licenses": list(queries.list_licenses_for(actor, organization_id=org.pk)),
            "credentials": list(queries.list_credentials_for(actor, organization_id=org.pk)),
            "recent": _recent_tickets(actor, org.pk, limit=CARD_TICKETS),
        },
    )


@require_GET
@staff_view
def asset(request: HttpRequest, asset_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = queries.get_asset_for(actor, asset_id)
    tickets = list(
        ticket_queries.visible_tickets(actor)
        .filter(asset_id=item.pk)
        .only("id", "number", "subject", "status", "priority", "created_at")
        .order_by("-number")[:50]
    )
    return render(
        request,
        "desk/directory/asset.html",
        {
            "asset": item,
            "tickets": tickets,
            "credentials": list(queries.list_credentials_for(actor, asset_id=item.pk)),
        },
    )


@never_cache
@require_POST
@staff_view
def reveal(request: HttpRequest, credential_id: int) -> HttpResponse:
    """Show one secret (htmx swaps it into the row). A user with TOTP who has not confirmed
    a code in the last minutes gets the "confirm with your code" form instead."""
    actor = actor_of(request)
    credential = queries.get_credential_for(actor, credential_id)
    code = request.POST.get("code", "").strip()
    error = ""
    if code and not mfa.confirm_totp_code(request, code):
        error = "invalid"
    try:
        secret = services.reveal_credential(
            actor=actor,
            credential_id=credential.pk,
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            second_factor_at=mfa.last_second_factor_at(request),
        )
    except services.SecondFactorRequired:
        return render(
            request,
            "desk/directory/_reveal.html",
            {"credential": credential, "needs_code": True, "code_error": error},
            status=403,
        )
    response = render(
        request, "desk/directory/_reveal.html", {"credential": credential, "secret": secret}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@manager_view
def vault_log(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    organization_id = request.GET.get("organization")
    reveals = queries.list_reveals_for(
        actor,
        organization_id=int(organization_id) if organization_id and organization_id.isdigit() else None,
    )
    page = Paginator(reveals, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "desk/directory/vault_log.html", {"page": page, "reveals": list(page.object_list)}
    )
