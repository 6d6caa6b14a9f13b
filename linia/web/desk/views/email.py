"""The e-mail quarantine and inbound log: managers and administrators see what came in, why a
message was not processed, and retry or discard it."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linia.channels.email import ingest, queries
from linia.channels.email.models import Outcome
from linia.core.errors import DomainError

from .base import actor_of, manager_view

PAGE_SIZE = 50


@require_GET
@manager_view
def quarantine(request: HttpRequest) -> HttpResponse:
    outcome = request.GET.get("outcome", Outcome.QUARANTINED)
    if outcome not in Outcome.values:
        outcome = ""
    actor = actor_of(request)
    rows = queries.list_inbound_for(actor, outcome=outcome)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/email/quarantine.html",
        {
            "page": page,
            "rows": list(page.object_list),
            "outcome": outcome,
            "outcomes": Outcome.choices,
            "failing": queries.failing_mailboxes(actor),
        },
    )


@require_GET
@manager_view
def inbound_detail(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = queries.get_inbound_for(actor_of(request), inbound_id)
    parsed = queries.parsed_inbound(inbound)
    return render(
        request,
        "desk/email/detail.html",
        {
            "inbound": inbound,
            "parsed": parsed,
            "html": mark_safe(parsed.html) if parsed.html else "",  # sanitised by nh3 in parse
            "may_retry": inbound.outcome in {Outcome.QUARANTINED, Outcome.DISCARDED},
        },
    )


@require_GET
@manager_view
def inbound_raw(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = queries.get_inbound_for(actor_of(request), inbound_id)
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{inbound.pk}.eml"'
    return response


@require_POST
@manager_view
def inbound_retry(request: HttpRequest, inbound_id: int) -> HttpResponse:
    inbound = queries.get_inbound_for(actor_of(request), inbound_id)
    try:
        result = ingest.retry_inbound(inbound_id=inbound.pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("desk:email_message", inbound_id=inbound.pk)
    if result.outcome == Outcome.QUARANTINED:
        messages.error(request, _("Still quarantined: %(reason)s") % {"reason": result.reason})
    else:
        messages.success(request, _("Processed: %(result)s") % {"result": result.line()})
    return redirect("desk:email_message", inbound_id=inbound.pk)


@require_POST
@manager_view
def inbound_discard(request: HttpRequest, inbound_id: int) -> HttpResponse:
    actor = actor_of(request)
    inbound = queries.get_inbound_for(actor, inbound_id)
    try:
        ingest.discard_inbound(inbound_id=inbound.pk, actor=actor)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("desk:email_message", inbound_id=inbound.pk)
    messages.success(request, _("The message was discarded; its original stays downloadable."))
    return redirect("desk:email_quarantine")
