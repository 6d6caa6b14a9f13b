"""What every desk view shares: who may enter, the acting party, and error mapping."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseForbidden
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django_htmx.http import HttpResponseClientRedirect

from linia.core.access import Actor
from linia.core.errors import NotFound

View = Callable[..., HttpResponseBase]

# htmx swaps only 2xx answers by default; the desk answers a refused action with 403/409/413/422
# and the re-rendered form, which must be swapped in too. Put into <head> of desk pages.
HTMX_CONFIG = (
    '{"responseHandling": ['
    '{"code": "204", "swap": false}, {"code": "[23]..", "swap": true}, '
    '{"code": "(403|409|413|422)", "swap": true, "error": false}, '
    '{"code": "[45]..", "swap": false, "error": true}]}'
)


def actor_of(request: HttpRequest) -> Actor:
    """The signed-in actor (the views below are only reached with one)."""
    return cast(Actor, request.actor)  # type: ignore[attr-defined]


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def staff_view(view: View) -> View:
    """Desk pages: sign-in required, desk staff only. A client is sent to the portal (or told
    no, for anything but a page view); a missing or invisible object is a 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            if is_htmx(request):
                return HttpResponseClientRedirect(resolve_url(settings.LOGIN_URL))
            return redirect_to_login(request.get_full_path())
        actor = request.actor  # type: ignore[attr-defined]
        if not actor or not actor.is_staff:
            if request.method in {"GET", "HEAD"}:
                return redirect("portal:home")
            return HttpResponseForbidden()
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error

    return wrapper


def manager_view(view: View) -> View:
    """Managers and administrators only; for everyone else the page does not exist."""

    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not actor_of(request).is_manager:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper
