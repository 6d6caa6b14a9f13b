"""The outbox: every e-mail Linia sent or kept, for managers and administrators."""

from __future__ import annotations

import nh3
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from linia.notifications import queries

from .base import actor_of, manager_view

PAGE_SIZE = 50
# Sanitised HTML is shown without images, so reading a message never fetches anything.
HTML_TAGS = nh3.ALLOWED_TAGS - {"img"}


@require_GET
@manager_view
def outbox(request: HttpRequest) -> HttpResponse:
    emails = queries.list_outbound_emails_for(actor_of(request))
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/outbox.html", {"page": page, "emails": list(page.object_list)})


@require_GET
@manager_view
def outbox_detail(request: HttpRequest, email_id: int) -> HttpResponse:
    email = queries.get_outbound_email_for(actor_of(request), email_id)
    html = mark_safe(nh3.clean(email.body_html, tags=HTML_TAGS)) if email.body_html else ""
    return render(request, "desk/outbox_detail.html", {"email": email, "html": html})
