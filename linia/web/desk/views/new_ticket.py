"""A ticket registered by an agent, e.g. while on the phone with the requester."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linia.core.access import Actor
from linia.core.errors import DomainError
from linia.directory import queries as directory_queries
from linia.tickets import queries, services

from ..forms import NewTicketForm, incoming_files
from .base import actor_of, staff_view

TEMPLATE = "desk/new_ticket.html"


def _contact_choices(actor: Actor, organization: str | int | None) -> list[tuple[int, str]]:
    try:
        organization_id = int(organization or 0)
    except (TypeError, ValueError):
        return []
    if organization_id <= 0:
        return []
    return [
        (
            contact.pk,
            f"{contact.full_name} <{contact.email}>" if contact.email else contact.full_name,
        )
        for contact in directory_queries.list_contacts_for(actor, organization_id)
    ]


def _form(request: HttpRequest, actor: Actor) -> NewTicketForm:
    organizations = [
        (organization.pk, organization.name)
        for organization in directory_queries.list_organizations_for(actor)
    ]
    categories = queries.category_choices()
    if request.method == "POST":
        return NewTicketForm(
            request.POST,
            request.FILES,
            organizations=organizations,
            contacts=_contact_choices(actor, request.POST.get("organization")),
            categories=categories,
        )
    organization = request.GET.get("organization")
    return NewTicketForm(
        initial={"organization": organization} if organization else None,
        organizations=organizations,
        contacts=_contact_choices(actor, organization),
        categories=categories,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view
def new_ticket(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = _form(request, actor)
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": form})
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form}, status=422)
    data = form.cleaned_data
    try:
        ticket = services.create_ticket(
            actor=actor,
            subject=data["subject"],
            description=data["description"],
            type=data["type"],
            category_id=data["category"],
            impact=data["impact"],
            urgency=data["urgency"],
            priority=data["priority"] or None,
            organization_id=data["organization"],
            requester=form.requester_key(),
            channel=data["channel"],
            received_at=data["received_at"],
            files=incoming_files(data["attachments"]),
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return render(request, TEMPLATE, {"form": form}, status=error.http_status)
    messages.success(request, _("Ticket #%(number)s registered.") % {"number": ticket.number})
    return redirect("desk:ticket", number=ticket.number)


@require_GET
@staff_view
def requester_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of the requester select for the chosen organization (htmx)."""
    actor = actor_of(request)
    return render(
        request,
        "desk/new_ticket.html#requester-options",
        {"contacts": [("", "—"), *_contact_choices(actor, request.GET.get("organization"))]},
    )
