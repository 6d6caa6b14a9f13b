"""Recording ticket events: the timeline row is written in the caller's transaction and
dispatched to its handlers only after that transaction commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from linia.core.access import Actor
from linia.core.events import handlers_for

from .events import EVENT_LABELS
from .models import Ticket, TicketEvent


def record_event(
    ticket: Ticket,
    kind: str,
    *,
    actor: Actor,
    field: str = "",
    old: object = "",
    new: object = "",
    payload: dict[str, Any] | None = None,
    is_internal: bool = False,
) -> TicketEvent:
    """Append one event row and schedule its dispatch for after commit.

    Must run inside the service's transaction: an event without one is a bug.
    """
    row = event_row(
        ticket,
        kind,
        actor=actor,
        field=field,
        old=old,
        new=new,
        payload=payload,
        is_internal=is_internal,
    )
    return record_events([row])[0]


def event_row(
    ticket: Ticket,
    kind: str,
    *,
    actor: Actor,
    field: str = "",
    old: object = "",
    new: object = "",
    payload: dict[str, Any] | None = None,
    is_internal: bool = False,
) -> TicketEvent:
    """The unsaved row record_event writes (bulk services collect them for record_events)."""
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor_id=actor.user_id,
        actor_name=actor.name,
        field=field,
        old_value=_text(old),
        new_value=_text(new),
        payload=payload or {},
        is_internal=is_internal,
    )


# (event, handler) pairs run by one background task (see dispatch_events).
HANDLERS_PER_TASK = 100


def record_events(rows: list[TicketEvent]) -> list[TicketEvent]:
    """Write unsaved event rows (event_row) in one INSERT and schedule one dispatch of them
    all for after commit. Must run inside the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must run inside a transaction")
    for row in rows:
        if row.kind not in EVENT_LABELS:
            raise ValueError(f"unregistered event kind {row.kind}")
    if not rows:
        return []
    saved = TicketEvent.objects.bulk_create(rows)
    pairs = [(row.pk, row.kind) for row in saved]
    transaction.on_commit(partial(dispatch_events, pairs), robust=True)
    return saved


def dispatch_events(pairs: list[tuple[int, str]]) -> None:
    """Enqueue the handlers of each (event id, kind), HANDLERS_PER_TASK (event, handler)
    pairs to a task (an enqueue is a round trip to the queue: one per handler was a quarter
    of a batch create's time), then mark the rows dispatched in one UPDATE."""
    from .tasks import run_event_handlers_task

    items = [(event_id, handler.name) for event_id, kind in pairs for handler in handlers_for(kind)]
    for start in range(0, len(items), HANDLERS_PER_TASK):
        run_event_handlers_task(items[start : start + HANDLERS_PER_TASK])
    TicketEvent.objects.filter(
        pk__in=[event_id for event_id, _kind in pairs], dispatched_at__isnull=True
    ).update(dispatched_at=timezone.now())


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value)
