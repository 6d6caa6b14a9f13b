"""What every portal view shares: who is acting, and how domain errors reach a form."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from linia.core.access import Actor
from linia.core.errors import DomainError

# The agent workspace (linia.web.desk); staff who open a portal page are sent there.
DESK_URL = "/desk/"

ClientView = Callable[..., HttpResponse]


def actor_of(request: HttpRequest) -> Actor | None:
    """The acting party of the request (linia.web.ui.middleware.ActorMiddleware), None when
    anonymous."""
    return request.actor  # type: ignore[attr-defined]


def client_view(view: ClientView) -> Callable[..., HttpResponse]:
    """Signed-in clients only: anonymous visitors go to the log-in page, staff to the desk.
    The view receives the actor as its second argument."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        if actor is None or actor.is_staff:
            number = kwargs.get("number")
            return redirect(f"{DESK_URL}tickets/{number}/" if number else DESK_URL)
        return view(request, actor, *args, **kwargs)

    return wrapper


def field_for_error(form: forms.Form, error: DomainError, fields: dict[str, str]) -> str | None:
    """The form field a service's error concerns (by the start of its code), if any."""
    field = next((name for prefix, name in fields.items() if error.code.startswith(prefix)), None)
    return field if field in form.fields else None


def add_domain_error(form: forms.Form, error: DomainError, fields: dict[str, str]) -> None:
    """Show a service's error beside the field it concerns, or above the form."""
    form.add_error(field_for_error(form, error, fields), error.message)
