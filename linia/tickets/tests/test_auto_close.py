"""close_unconfirmed_tickets: resolved tickets nobody confirmed close themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Ticket, TicketEvent
from linia.tickets.tasks import auto_close_resolved_task
from linia.tickets.tests.factories import make_ticket, move_ticket

RESOLVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def resolved(shared_world) -> Ticket:
    with time_machine.travel(RESOLVED, tick=False):
        ticket = make_ticket(actor(shared_world.requester_a))
        return move_ticket(ticket, "resolved", by=actor(shared_world.manager))


def days_later(days: float) -> datetime:
    return RESOLVED + timedelta(days=days)


def test_resolved_ticket_closes_after_the_waiting_days(
    shared_world, resolved, django_capture_on_commit_callbacks
):
    later = days_later(settings.LINIA_AUTO_CLOSE_DAYS) + timedelta(minutes=1)

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        closed = services.close_unconfirmed_tickets(now=timezone.now())

    assert closed == 1
    resolved.refresh_from_db()
    assert (resolved.status, resolved.is_auto_closed, resolved.closed_at, resolved.resolved_at) == (
        "closed",
        True,
        later,
        RESOLVED,
    )
    event = resolved.events.order_by("id").last()
    assert (event.kind, event.old_value, event.new_value, event.actor_id, event.actor_name) == (
        "ticket.status_changed",
        "resolved",
        "closed",
        None,
        "Linia",
    )
    assert event.payload["auto"] is True
    assert event.payload["note"] == "Closed automatically: no answer from the requester."
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [shared_world.requester_a.email]
    assert message.subject == f"[#{resolved.number}] Closed: {resolved.subject}"
    assert "The request was closed automatically" in message.body


def test_resolved_ticket_waits_before_the_days_are_over(resolved):
    count = resolved.events.count()
    later = days_later(settings.LINIA_AUTO_CLOSE_DAYS) - timedelta(minutes=1)

    with time_machine.travel(later, tick=False):
        closed = services.close_unconfirmed_tickets(now=timezone.now())

    assert closed == 0
    resolved.refresh_from_db()
    assert (resolved.status, resolved.closed_at, resolved.is_auto_closed) == (
        "resolved",
        None,
        False,
    )
    assert resolved.events.count() == count


def test_days_may_be_given(resolved):
    with time_machine.travel(days_later(1.5), tick=False):
        closed = services.close_unconfirmed_tickets(now=timezone.now(), days=1)

    assert closed == 1


def test_ticket_reopened_meanwhile_is_not_closed(shared_world, resolved):
    with time_machine.travel(days_later(1), tick=False):
        services.add_message(
            actor=actor(shared_world.requester_a), number=resolved.number, body="It broke again"
        )
    count = resolved.events.count()

    with time_machine.travel(days_later(30), tick=False):
        closed = services.close_unconfirmed_tickets(now=timezone.now())

    assert closed == 0
    resolved.refresh_from_db()
    assert (resolved.status, resolved.closed_at) == ("in_progress", None)
    assert resolved.events.count() == count


def test_ticket_resolved_again_waits_from_the_new_resolution(shared_world, resolved):
    manager = actor(shared_world.manager)
    with time_machine.travel(days_later(2), tick=False):
        services.change_status(
            actor=manager, number=resolved.number, to="in_progress", note="Not fixed"
        )
        services.change_status(
            actor=manager, number=resolved.number, to="resolved", resolution="Fixed for real"
        )

    with time_machine.travel(days_later(4), tick=False):
        assert services.close_unconfirmed_tickets(now=timezone.now()) == 0
    with time_machine.travel(days_later(5.1), tick=False):
        assert services.close_unconfirmed_tickets(now=timezone.now()) == 1


def test_confirmed_and_other_tickets_are_left_alone(shared_world, resolved):
    requester = actor(shared_world.requester_a)
    services.change_status(actor=requester, number=resolved.number, to="closed")
    with time_machine.travel(RESOLVED, tick=False):
        pending = move_ticket(make_ticket(requester), "pending", by=actor(shared_world.manager))
    events = TicketEvent.objects.count()

    with time_machine.travel(days_later(30), tick=False):
        closed = services.close_unconfirmed_tickets(now=timezone.now())

    assert closed == 0
    resolved.refresh_from_db()
    pending.refresh_from_db()
    assert (resolved.status, resolved.is_auto_closed) == ("closed", False)
    assert pending.status == "pending"
    assert TicketEvent.objects.count() == events


def test_the_periodic_task_closes_them(resolved):
    with time_machine.travel(days_later(10), tick=False):
        auto_close_resolved_task.call_local()

    resolved.refresh_from_db()
    assert (resolved.status, resolved.is_auto_closed) == ("closed", True)


def test_reopen_of_an_auto_closed_ticket_clears_the_mark(shared_world, resolved):
    with time_machine.travel(days_later(10), tick=False):
        services.close_unconfirmed_tickets(now=timezone.now())

    services.change_status(
        actor=actor(shared_world.manager),
        number=resolved.number,
        to="in_progress",
        note="Came back",
    )

    resolved.refresh_from_db()
    assert (resolved.status, resolved.is_auto_closed, resolved.closed_at, resolved.resolved_at) == (
        "in_progress",
        False,
        None,
        None,
    )
