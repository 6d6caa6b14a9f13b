"""The client's requests: file one, list them, read one, reply, confirm, reopen or cancel."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from linia.core.access import Actor, Role
from linia.core.errors import DomainError, NotFound
from linia.directory import queries as directory_queries
from linia.tickets import queries, services, workflow
from linia.tickets.models import Channel, Ticket
from linia.tickets.workflow import TicketStatus
from linia.web.ui.mail import attach_mail_html

from ..forms import ReplyForm, RequestForm, TransitionForm
from .base import add_domain_error, client_view, field_for_error

PAGE_SIZE = 25
LIST_STATES = ("open", "closed", "all")

# Service error codes (by prefix) → the form field they concern.
REQUEST_ERROR_FIELDS = {
    "subject": "subject",
    "description": "description",
    "invalid_type": "type",
    "invalid_category": "category",
    "invalid_asset": "asset",
    "invalid_urgency": "urgency",
    "attachment": "attachments",
    "too_many_attachments": "attachments",
}
REPLY_ERROR_FIELDS = {
    "message": "body",
    "attachment": "attachments",
    "too_many_attachments": "attachments",
}
ACTION_STYLES = {"confirm": "primary", "cancel": "danger"}


@dataclass(frozen=True)
class Action:
    """A status change offered to the client, as the template shows it."""

    to: str
    action: str
    label: str
    requires_reason: bool
    style: str
    is_open: bool = False
    note: str = ""


def _request_form(request: HttpRequest, actor: Actor) -> RequestForm:
    requesters = None
    if actor.role == Role.CLIENT_MANAGER and actor.organization_id is not None:
        contacts = directory_queries.list_contacts_for(actor, actor.organization_id)
        requesters = [(contact.pk, contact.full_name) for contact in contacts]
    assets = []
    if actor.organization_id is not None:
        # The requester's own equipment first, then the rest of the organization's.
        assets = [
            (asset.pk, asset.name if asset.owner_id != actor.contact_id else f"{asset.name} ★")
            for asset in directory_queries.assets_for_requester(actor, actor.organization_id)
        ]
    posted = request.method == "POST"
    return RequestForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        categories=queries.category_choices(),
        requesters=requesters,
        assets=assets,
    )


@client_view
def request_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = _request_form(request, actor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                ticket = services.create_ticket(
                    actor=actor,
                    subject=data["subject"],
                    description=data["description"],
                    type=data["type"],
                    category_id=data["category"],
                    urgency=data["urgency"],
                    requester=data.get("requester"),
                    channel=Channel.PORTAL,
                    files=form.files_to_send,
                    asset_id=data.get("asset"),
                )
            except DomainError as error:
                add_domain_error(form, error, REQUEST_ERROR_FIELDS)
                status = error.http_status
            else:
                messages.success(
                    request,
                    _("Your request #%(number)s has been registered. We will keep you posted.")
                    % {"number": ticket.number},
                )
                return redirect("portal:request-detail", number=ticket.number)
        else:
            status = 422
    context = {"form": form, "files_dropped": bool(request.FILES) and status != 200}
    return render(request, "portal/requests/new.html", context, status=status)


@client_view
def request_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    state = request.GET.get("state", "open")
    if state not in LIST_STATES:
        state = "open"
    requests = queries.list_requests_for(actor, state=state)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "state": state,
        "states": [
            # Tabs of the list ("open requests"), not the ticket statuses of the same name.
            ("open", pgettext("requests tab", "Open")),
            ("closed", pgettext("requests tab", "Closed")),
            ("all", pgettext("requests tab", "All")),
        ],
        "show_requester": actor.role == Role.CLIENT_MANAGER,
    }
    return render(request, "portal/requests/list.html", context)


def _get_request(actor: Actor, number: int) -> Ticket:
    try:
        return queries.get_ticket_for(actor, number)
    except NotFound as error:
        raise Http404(error.message) from error


def _actions(ticket: Ticket, actor: Actor, failed: TransitionForm | None) -> list[Action]:
    failed_to = failed.data.get("to") if failed is not None else None
    return [
        Action(
            to=transition.to.value,
            action=transition.rule.action,
            label=str(transition.rule.label),
            requires_reason=transition.rule.requires_reason,
            style=ACTION_STYLES.get(transition.rule.action, ""),
            is_open=failed_to == transition.to.value,
            note=failed.data.get("note", "") if failed is not None else "",
        )
        for transition in workflow.allowed_transitions(ticket.status, actor)
    ]


def _render_detail(
    request: HttpRequest,
    actor: Actor,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    transition_form: TransitionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    thread = list(queries.list_messages_for(ticket, actor))
    request_files = [
        attachment
        for attachment in queries.list_ticket_attachments_for(ticket, actor)
        if attachment.message_id is None
    ]
    actions = _actions(ticket, actor, transition_form)
    on_behalf = actor.role == Role.CLIENT_MANAGER or ticket.requester_id != actor.contact_id
    context = {
        "ticket": ticket,
        "thread": thread,
        "request_files": request_files,
        "opening_html": attach_mail_html(ticket, thread, url_name="portal:attachment"),
        "resolution_actions": [a for a in actions if a.action in {"confirm", "reopen"}],
        "other_actions": [a for a in actions if a.action not in {"confirm", "reopen"}],
        "show_resolution": bool(ticket.resolution)
        and ticket.status in {TicketStatus.RESOLVED, TicketStatus.CLOSED},
        "is_pending": ticket.status == TicketStatus.PENDING,
        "can_reply": ticket.status not in workflow.FINAL_STATUSES,
        "reply_form": reply_form or ReplyForm(),
        "files_dropped": reply_form is not None and bool(request.FILES),
        "error": error,
        "show_requester": on_behalf,
        "max_files": settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE,
    }
    return render(request, "portal/requests/detail.html", context, status=status)


@client_view
def request_detail(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    return _render_detail(request, actor, _get_request(actor, number))


@require_POST
@client_view
def request_reply(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = _get_request(actor, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, actor, ticket, reply_form=form, status=422)
    try:
        services.add_message(
            actor=actor,
            number=ticket.number,
            body=form.cleaned_data["body"],
            channel=Channel.PORTAL,
            files=form.files_to_send,
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        field = field_for_error(form, error, REPLY_ERROR_FIELDS)
        if field is not None:
            form.add_error(field, error.message)
        return _render_detail(
            request,
            actor,
            ticket,
            reply_form=form,
            error="" if field else error.message,
            status=error.http_status,
        )
    messages.success(request, _("Your reply has been sent."))
    return redirect(reverse("portal:request-detail", args=[ticket.number]) + "#thread")


@require_POST
@client_view
def request_transition(request: HttpRequest, actor: Actor, number: int) -> HttpResponse:
    ticket = _get_request(actor, number)
    form = TransitionForm(request.POST)
    try:
        if not form.is_valid():
            raise workflow.TransitionNotAllowed(_("Choose one of the offered actions."))
        ticket = services.change_status(
            actor=actor,
            number=ticket.number,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        return _render_detail(
            request,
            actor,
            ticket,
            transition_form=form,
            error=error.message,
            status=error.http_status,
        )
    messages.success(
        request,
        _("Request #%(number)s is now “%(status)s”.")
        % {"number": ticket.number, "status": TicketStatus(ticket.status).label},
    )
    return redirect("portal:request-detail", number=ticket.number)
