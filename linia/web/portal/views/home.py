"""The portal's front door: the log-in form for visitors, a home for clients, the desk for staff."""

from __future__ import annotations

from allauth.account.forms import LoginForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from linia.core.access import Role
from linia.tickets import queries

from .base import DESK_URL, actor_of

HOME_LIST_SIZE = 10


def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if actor is None:
        return render(request, "portal/welcome.html", {"form": LoginForm(request=request)})
    if actor.is_staff:
        return redirect(DESK_URL)
    open_requests = list(queries.list_requests_for(actor, state="open")[: HOME_LIST_SIZE + 1])
    context = {
        "requests": open_requests[:HOME_LIST_SIZE],
        "has_more": len(open_requests) > HOME_LIST_SIZE,
        "show_requester": actor.role == Role.CLIENT_MANAGER,
    }
    return render(request, "portal/home.html", context)
