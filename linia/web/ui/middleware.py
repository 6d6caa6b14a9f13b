"""Puts the acting party on every request as `request.actor` (built lazily, once)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from linia.core.access import Actor
from linia.directory.access import actor_for_user


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: _actor(request))  # type: ignore[attr-defined]
        return self.get_response(request)


def _actor(request: HttpRequest) -> Actor | None:
    user = request.user
    if not user.is_authenticated:
        return None
    return actor_for_user(user)  # type: ignore[arg-type]
