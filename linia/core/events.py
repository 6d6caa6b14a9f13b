"""Domain events: what happened, recorded in the same transaction, reacted to after commit.

A service records an event row (see `linia.tickets.timeline.record_event`); on commit the row
is dispatched: its registered handlers run in background tasks (one task for up to a hundred
(event, handler) pairs, see dispatch_events). Handlers are registered here by
event kind, so the domain app that records an event never imports the apps that react to it.

Handlers receive the event row's id, re-read state, and must be idempotent: the dispatcher
marks each (event, handler) pair done in the handler's own transaction, and a periodic task
re-dispatches rows whose dispatch was lost (a crash between commit and enqueue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Handler = Callable[[Any], None]


@dataclass(frozen=True)
class RegisteredHandler:
    name: str
    kinds: frozenset[str]
    func: Handler


_HANDLERS: dict[str, RegisteredHandler] = {}


def on(*kinds: str, name: str | None = None) -> Callable[[Handler], Handler]:
    """Register `func` to run, after commit, for every event whose kind is in `kinds`."""

    def register(func: Handler) -> Handler:
        handler_name = name or f"{func.__module__}.{func.__qualname__}"
        _HANDLERS[handler_name] = RegisteredHandler(handler_name, frozenset(kinds), func)
        return func

    return register


def handlers_for(kind: str) -> list[RegisteredHandler]:
    return [handler for handler in _HANDLERS.values() if kind in handler.kinds]


def get_handler(name: str) -> RegisteredHandler | None:
    return _HANDLERS.get(name)
