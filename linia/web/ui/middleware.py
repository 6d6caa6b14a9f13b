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
        # None for anonymous visitors, so `request.actor is None` is a real test; the Actor
        # itself is built on first use (its queries are skipped by pages that never ask).
        actor: Actor | None = None
        if request.user.is_authenticated:
            actor = SimpleLazyObject(lambda: actor_for_user(request.user))  # type: ignore[assignment,arg-type]
        request.actor = actor  # type: ignore[attr-defined]
        return self.get_response(request)
