"""The work log on the ticket page: the list of entries and the "Log time" form (htmx swaps
the `desk/_worklog.html` partial; a plain browser is redirected back to the ticket)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linia.core.access import Actor
from linia.core.errors import DomainError, NotFound
from linia.tickets import queries, services
from linia.tickets.models import Ticket

from .base import actor_of, is_htmx, staff_view

PARTIAL = "desk/_worklog.html"


class WorklogForm(forms.Form):
    minutes = forms.IntegerField(
        label=gettext_lazy("Minutes"),
        min_value=1,
        max_value=24 * 60,
        widget=forms.NumberInput(attrs={"step": 5, "inputmode": "numeric"}),
    )
    work_date = forms.DateField(
        label=gettext_lazy("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    billable = forms.BooleanField(label=gettext_lazy("Billable"), required=False, initial=True)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


def worklog_context(
    actor: Actor, ticket: Ticket, *, form: WorklogForm | None = None, error: str = ""
) -> dict[str, Any]:
    """What the work log partial shows (one query: the entries with their agents)."""
    entries = list(queries.list_worklogs_for(ticket, actor))
    return {
        "worklogs": [
            (entry, entry.agent_id == actor.user_id or actor.is_manager) for entry in entries
        ],
        "worklog_minutes": sum(entry.minutes for entry in entries),
        "worklog_form": form
        or WorklogForm(initial={"work_date": timezone.localdate(), "billable": True}),
        "worklog_error": error,
    }


def _answer(
    request: HttpRequest,
    actor: Actor,
    ticket: Ticket,
    *,
    form: WorklogForm | None = None,
    error: str = "",
    done: str = "",
    status: int = 200,
) -> HttpResponse:
    if not is_htmx(request) and not error:
        messages.success(request, done)
        return redirect("desk:ticket", number=ticket.number)
    context = {
        "ticket": ticket,
        "actor": actor,
        "worklog_notice": done,
        **worklog_context(actor, ticket, form=form, error=error),
    }
    return render(request, PARTIAL, context, status=status)


@require_POST
@staff_view
def log_work(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    form = WorklogForm(request.POST)
    if not form.is_valid():
        message = _("Please correct the errors below.")
        return _answer(request, actor, ticket, form=form, error=message, status=422)
    data = form.cleaned_data
    try:
        services.log_work(
            actor=actor,
            number=ticket.number,
            minutes=data["minutes"],
            work_date=data["work_date"],
            billable=data["billable"],
            note=data["note"],
        )
    except NotFound:
        raise
    except DomainError as error:
        return _answer(
            request, actor, ticket, form=form, error=error.message, status=error.http_status
        )
    return _answer(request, actor, ticket, done=_("Time logged."))


@require_POST
@staff_view
def delete_worklog(request: HttpRequest, number: int, worklog_id: int) -> HttpResponse:
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    if queries.get_worklog_for(actor, worklog_id).ticket_id != ticket.pk:
        raise NotFound(_("Work log entry not found."))
    try:
        services.delete_worklog(actor=actor, worklog_id=worklog_id)
    except NotFound:
        raise
    except DomainError as error:
        return _answer(request, actor, ticket, error=error.message, status=error.http_status)
    return _answer(request, actor, ticket, done=_("Time entry removed."))
