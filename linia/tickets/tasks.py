"""Background tasks of the tickets app: event handlers, redelivery, auto-close."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from linia.core.events import get_handler

from .models import EventHandling, TicketEvent

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=10)
def run_event_handler_task(event_id: int, handler_name: str) -> None:
    """Run one handler for one event, exactly once: the marker row and the handler's own
    writes commit together, so a redelivered event finds the marker and does nothing."""
    _run_handler_once(event_id, handler_name)


@db_task()
def run_event_handlers_task(items: list[tuple[int, str]]) -> None:
    """Run many (event id, handler name) pairs, each as run_event_handler_task would: one task
    for all the handlers of a dispatch costs one enqueue instead of one each. A pair that
    fails is handed to its own run_event_handler_task (with its retries); the rest go on."""
    for event_id, handler_name in items:
        try:
            _run_handler_once(event_id, handler_name)
        except Exception:
            logger.exception(
                "Handler %s failed on event %s; it is retried on its own", handler_name, event_id
            )
            run_event_handler_task(event_id, handler_name)


def _run_handler_once(event_id: int, handler_name: str) -> None:
    handler = get_handler(handler_name)
    if handler is None:
        logger.warning("No handler named %s (event %s)", handler_name, event_id)
        return
    with transaction.atomic():
        event = TicketEvent.objects.select_related("ticket").filter(pk=event_id).first()
        if event is None:
            return
        _marker, created = EventHandling.objects.get_or_create(event=event, handler=handler_name)
        if not created:
            return
        handler.func(event)


@db_periodic_task(crontab(minute="*"))
@lock_task("redeliver-events")
def redeliver_events_task() -> None:
    """Dispatch events whose after-commit dispatch never happened (e.g. a crash)."""
    from .timeline import dispatch_events

    cutoff = timezone.now() - timedelta(minutes=1)
    pairs = list(
        TicketEvent.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("id", "kind")[:500]
    )
    if pairs:
        dispatch_events(pairs)


@db_periodic_task(crontab(minute="*/10"))
@lock_task("auto-close-resolved")
def auto_close_resolved_task() -> None:
    from .services import close_unconfirmed_tickets

    closed = close_unconfirmed_tickets(now=timezone.now())
    if closed:
        logger.info("Closed %d resolved tickets nobody confirmed", closed)


@db_periodic_task(crontab(minute="15", hour="7"))
@lock_task("license-reminders")
def send_license_reminders_task() -> None:
    """Once a day: reminders of licenses ending in 30, 7 and 1 day(s), by e-mail or as
    tickets (linia.directory.services.reminders; it lives here because it opens tickets)."""
    from linia.directory.services import send_license_reminders

    from .services import open_license_reminder_ticket

    send_license_reminders(today=timezone.localdate(), open_ticket=open_license_reminder_ticket)
