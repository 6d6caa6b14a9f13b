"""The ticket page and its actions: one URL and one view per action.

Every action: find the ticket through `queries.get_ticket_for` (404 when not visible), check a
plain form, call one service. Success: htmx gets the re-rendered workspace, a plain browser is
redirected back (post/redirect/get). Failure: the same page or workspace with the message and
the bound form (nothing typed is lost), answered with the error's status (409, 422 …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linia.core.access import Actor
from linia.core.errors import DomainError, NotFound
from linia.tickets import queries, services, sla_clock, workflow
from linia.tickets.models import Channel, Ticket

from ..forms import (
    AssignForm,
    ClassifyForm,
    EscalateForm,
    ReplyForm,
    TransitionForm,
    incoming_files,
)
from ..history import ticket_history
from .base import HTMX_CONFIG, actor_of, is_htmx, staff_view
from .directory import asset_choices, client_card_context
from .worklogs import worklog_context

TEMPLATE = "desk/ticket.html"
ESCALATION_TIERS = (2, 3)


@dataclass
class TransitionChoice:
    transition: workflow.Transition
    form: TransitionForm
    is_open: bool = False  # the form failed last time: show it unfolded


def _agent_choices(agents: list[Any]) -> list[tuple[int, str]]:
    return [(agent.pk, agent.display_name) for agent in agents]


def workspace_context(
    request: HttpRequest,
    actor: Actor,
    ticket: Ticket,
    *,
    bound: dict[str, forms.Form] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """Everything the ticket workspace shows, in a fixed number of queries."""
    bound = bound or {}
    history = ticket_history(actor, ticket)
    agents = list(
        queries.list_assignable_agents(ticket).only("id", "username", "first_name", "last_name")
    )
    categories = queries.category_choices()
    tiers = [tier for tier in ESCALATION_TIERS if tier > ticket.tier] if ticket.is_active else []
    teams = [team for team in queries.list_teams() if team.tier in tiers] if tiers else []

    posted_transition = bound.get("transition")
    transitions = []
    for transition in workflow.allowed_transitions(ticket.status, actor):
        posted = posted_transition is not None and posted_transition.data.get("to") == transition.to
        form = posted_transition if posted else TransitionForm(initial={"to": transition.to})
        transitions.append(TransitionChoice(transition, form, is_open=posted))  # type: ignore[arg-type]

    classify = bound.get("classify") or ClassifyForm(
        initial={
            "subject": ticket.subject,
            "type": ticket.type,
            "category": ticket.category_id,
            "impact": ticket.impact,
            "urgency": ticket.urgency,
            "priority": "",
            "asset": ticket.asset_id,
        },
        categories=categories,
        assets=asset_choices(actor, ticket.organization_id),
    )
    assign = bound.get("assign") or AssignForm(
        initial={"assignee": ticket.assignee_id}, agents=_agent_choices(agents)
    )
    escalate = bound.get("escalate") or EscalateForm(
        tiers=tiers, teams=[(team.pk, f"L{team.tier} · {team.name}") for team in teams]
    )
    return {
        "ticket": ticket,
        "actor": actor,
        "history": history,
        "opening_html": history.opening_mail,
        "transitions": transitions,
        "reply_form": bound.get("reply") or ReplyForm(),
        "classify_form": classify,
        "assign_form": assign,
        "escalate_form": escalate,
        "can_escalate": bool(tiers),
        "can_take": ticket.assignee_id != actor.user_id
        and any(agent.pk == actor.user_id for agent in agents),
        "errors": errors or {},
        "notice": notice,
        "sla": sla_clock.ticket_sla_status(ticket, timezone.now()),
        "htmx_config": HTMX_CONFIG,
        **worklog_context(actor, ticket),
    }


@require_GET
@staff_view
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    return render(request, TEMPLATE, workspace_context(request, actor, ticket))


@require_GET
@staff_view
def client_card(request: HttpRequest, number: int) -> HttpResponse:
    """The client card beside the ticket, loaded by the page after it is drawn (five queries
    the thread need not wait for)."""
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    context = {"ticket": ticket, **client_card_context(actor, ticket)}
    return render(request, "desk/directory/_client_card.html", context)


# --- the shared shape of every action -----------------------------------------------------


def _act(
    request: HttpRequest,
    number: int,
    *,
    action: str,
    form: forms.Form,
    perform: Callable[[Actor, Ticket, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    if not form.is_valid():
        return _failed(
            request, actor, ticket, action, form, _("Please correct the errors below."), 422
        )
    try:
        perform(actor, ticket, form.cleaned_data)
    except NotFound:
        raise
    except DomainError as error:
        return _failed(request, actor, ticket, action, form, error.message, error.http_status)
    if is_htmx(request):
        fresh = queries.get_ticket_for(actor, ticket.number)
        return render(
            request, f"{TEMPLATE}#workspace", workspace_context(request, actor, fresh, notice=done)
        )
    messages.success(request, done)
    return redirect("desk:ticket", number=ticket.number)


def _failed(
    request: HttpRequest,
    actor: Actor,
    ticket: Ticket,
    action: str,
    form: forms.Form,
    message: str,
    status: int,
) -> HttpResponse:
    # Nothing was written (the service's transaction rolled back): re-read for a true picture.
    fresh = queries.get_ticket_for(actor, ticket.number)
    context = workspace_context(
        request, actor, fresh, bound={action: form}, errors={action: message}
    )
    template = f"{TEMPLATE}#workspace" if is_htmx(request) else TEMPLATE
    return render(request, template, context, status=status)


# --- actions ------------------------------------------------------------------------------


@require_POST
@staff_view
def add_message(request: HttpRequest, number: int) -> HttpResponse:
    form = ReplyForm(request.POST, request.FILES)
    internal = form.data.get("internal") in {"1", "on", "true"}

    def perform(actor: Actor, ticket: Ticket, data: dict[str, Any]) -> object:
        return services.add_message(
            actor=actor,
            number=ticket.number,
            body=data["body"],
            is_internal=data["internal"],
            channel=Channel.DESK,
            files=incoming_files(data["attachments"]),
        )

    return _act(
        request,
        number,
        action="reply",
        form=form,
        perform=perform,
        done=_("Internal note added.") if internal else _("Reply sent."),
    )


@require_POST
@staff_view
def change_status(request: HttpRequest, number: int) -> HttpResponse:
    form = TransitionForm(request.POST)

    def perform(actor: Actor, ticket: Ticket, data: dict[str, Any]) -> object:
        return services.change_status(
            actor=actor,
            number=ticket.number,
            to=data["to"],
            note=data["note"],
            resolution=data["resolution"],
            training_recommended=data["training_recommended"],
        )

    return _act(
        request,
        number,
        action="transition",
        form=form,
        perform=perform,
        done=_("Status changed."),
    )


@require_POST
@staff_view
def assign(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    agents = queries.list_assignable_agents(ticket).only(
        "id", "username", "first_name", "last_name"
    )
    form = AssignForm(request.POST, agents=_agent_choices(list(agents)))

    def perform(actor: Actor, ticket: Ticket, data: dict[str, Any]) -> object:
        return services.assign_ticket(
            actor=actor, number=ticket.number, assignee_id=data["assignee"]
        )

    return _act(
        request,
        number,
        action="assign",
        form=form,
        perform=perform,
        done=_("Assignee changed."),
    )


@require_POST
@staff_view
def take(request: HttpRequest, number: int) -> HttpResponse:
    """The "take it" button: the current agent becomes the assignee."""
    form = forms.Form(request.POST)

    def perform(actor: Actor, ticket: Ticket, data: dict[str, Any]) -> object:
        return services.assign_ticket(actor=actor, number=ticket.number, assignee_id=actor.user_id)

    return _act(
        request,
        number,
        action="take",
        form=form,
        perform=perform,
        done=_("The ticket is yours."),
    )


@require_POST
@staff_view
def escalate(request: HttpRequest, number: int) -> HttpResponse:
    teams = queries.list_teams()
    form = EscalateForm(
        request.POST,
        tiers=ESCALATION_TIERS,
        teams=[(team.pk, f"L{team.tier} · {team.name}") for team in teams],
    )

    def perform(actor: Actor, ticket: Ticket, data: dict[str, Any]) -> object:
        return services.escalate_ticket(
            actor=actor,
            number=ticket.number,
            tier=data["tier"],
            reason=data["reason"],
            team_id=data["team"],
        )

    return _act(
        request,
        number,
        action="escalate",
        form=form,
        perform=perform,
        done=_("Ticket escalated."),
    )


@require_POST
@staff_view
def classify(request: HttpRequest, number: int) -> HttpResponse:
    ticket = queries.get_ticket_for(actor_of(request), number)
    form = ClassifyForm(
        request.POST,
        categories=queries.category_choices(),
        assets=asset_choices(actor_of(request), ticket.organization_id),
    )

    def perform(actor: Actor, ticket: Ticket, data: dict[str, Any]) -> object:
        return services.classify_ticket(
            actor=actor,
            number=ticket.number,
            subject=data["subject"],
            type=data["type"],
            category_id=data["category"],
            impact=data["impact"],
            urgency=data["urgency"],
            priority=data["priority"] or None,
            # Without equipment on the card the form has no such field: leave it alone.
            asset_id=data.get("asset", False),
        )

    return _act(
        request,
        number,
        action="classify",
        form=form,
        perform=perform,
        done=_("Classification saved."),
    )
