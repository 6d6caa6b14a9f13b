"""The event outbox: rows recorded in the transaction, dispatched after commit, each handler
run once per event, lost dispatches redelivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from linia.core import events as core_events
from linia.core.events import RegisteredHandler
from linia.directory.tests.factories import actor
from linia.tickets import tasks
from linia.tickets.models import EventHandling, TicketEvent
from linia.tickets.tasks import (
    redeliver_events_task,
    run_event_handler_task,
    run_event_handlers_task,
)
from linia.tickets.tests.factories import make_ticket
from linia.tickets.timeline import dispatch_events, record_event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Recorder:
    """A test handler: remembers the ids of the events it was given; can be made to fail."""

    def __init__(self) -> None:
        self.calls: list[int] = []
        self.fail = False

    def __call__(self, event: TicketEvent) -> None:
        if self.fail:
            raise RuntimeError("handler failed")
        self.calls.append(event.pk)


@pytest.fixture
def recorders(monkeypatch) -> dict[str, Recorder]:
    """Two handlers of ticket.created, registered for this test only."""
    found = {}
    for name in ("tests.first", "tests.second"):
        found[name] = Recorder()
        monkeypatch.setitem(
            core_events._HANDLERS,
            name,
            RegisteredHandler(name, frozenset({"ticket.created"}), found[name]),
        )
    return found


def test_record_event_refuses_an_unregistered_kind(shared_world):
    ticket = make_ticket(actor(shared_world.requester_a))

    with pytest.raises(ValueError, match=r"unregistered event kind ticket\.exploded"):
        record_event(ticket, "ticket.exploded", actor=actor(shared_world.agent_a))

    assert TicketEvent.objects.filter(ticket=ticket).count() == 1


def test_nothing_is_dispatched_before_commit(shared_world, recorders):
    ticket = make_ticket(actor(shared_world.requester_a))

    event = ticket.events.get()
    assert event.dispatched_at is None
    assert [r.calls for r in recorders.values()] == [[], []]


def test_dispatch_runs_each_registered_handler_once(
    shared_world, recorders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ticket = make_ticket(actor(shared_world.requester_a))

    event = ticket.events.get()
    assert len(callbacks) == 1
    assert [r.calls for r in recorders.values()] == [[event.pk], [event.pk]]
    handled = set(EventHandling.objects.filter(event=event).values_list("handler", flat=True))
    assert {"tests.first", "tests.second"} <= handled
    assert event.dispatched_at is not None


def test_dispatching_again_runs_no_handler_twice(shared_world, recorders):
    ticket = make_ticket(actor(shared_world.requester_a))
    event = ticket.events.get()

    dispatch_events([(event.pk, event.kind)])
    dispatch_events([(event.pk, event.kind)])

    assert [r.calls for r in recorders.values()] == [[event.pk], [event.pk]]


def test_running_one_handler_twice_for_one_event_is_a_no_op(shared_world, recorders):
    ticket = make_ticket(actor(shared_world.requester_a))
    event = ticket.events.get()

    run_event_handler_task.call_local(event.pk, "tests.first")
    run_event_handler_task.call_local(event.pk, "tests.first")

    assert recorders["tests.first"].calls == [event.pk]
    assert recorders["tests.second"].calls == []
    assert EventHandling.objects.filter(event=event, handler="tests.first").count() == 1


def test_a_failed_handler_leaves_no_marker_and_runs_again(shared_world, recorders):
    ticket = make_ticket(actor(shared_world.requester_a))
    event = ticket.events.get()
    recorders["tests.first"].fail = True

    with pytest.raises(RuntimeError, match="handler failed"):
        run_event_handler_task.call_local(event.pk, "tests.first")
    assert not EventHandling.objects.filter(event=event, handler="tests.first").exists()

    recorders["tests.first"].fail = False
    run_event_handler_task.call_local(event.pk, "tests.first")

    assert recorders["tests.first"].calls == [event.pk]
    assert EventHandling.objects.filter(event=event, handler="tests.first").count() == 1


def test_one_dispatch_is_one_task_for_all_its_handlers(shared_world, recorders, monkeypatch):
    first = make_ticket(actor(shared_world.requester_a)).events.get()
    second = make_ticket(actor(shared_world.requester_a)).events.get()
    enqueued: list[list[tuple[int, str]]] = []
    monkeypatch.setattr(tasks, "run_event_handlers_task", enqueued.append)

    dispatch_events([(first.pk, first.kind), (second.pk, second.kind)])

    assert len(enqueued) == 1
    assert {("tests.first", first.pk), ("tests.second", second.pk)} <= {
        (name, event_id) for event_id, name in enqueued[0]
    }


def test_a_failing_pair_of_a_task_gets_its_own_task_and_the_rest_go_on(
    shared_world, recorders, monkeypatch
):
    first = make_ticket(actor(shared_world.requester_a)).events.get()
    second = make_ticket(actor(shared_world.requester_a)).events.get()
    recorders["tests.first"].fail = True
    retried: list[tuple[int, str]] = []
    monkeypatch.setattr(
        tasks, "run_event_handler_task", lambda event_id, name: retried.append((event_id, name))
    )

    run_event_handlers_task.call_local(
        [(first.pk, "tests.first"), (first.pk, "tests.second"), (second.pk, "tests.second")]
    )

    assert retried == [(first.pk, "tests.first")]
    assert recorders["tests.second"].calls == [first.pk, second.pk]
    assert not EventHandling.objects.filter(event=first, handler="tests.first").exists()


def test_unknown_handler_or_event_is_ignored(shared_world, recorders):
    ticket = make_ticket(actor(shared_world.requester_a))
    event = ticket.events.get()

    run_event_handler_task.call_local(event.pk, "tests.nobody")
    run_event_handler_task.call_local(event.pk + 1000, "tests.first")

    assert recorders["tests.first"].calls == []
    assert EventHandling.objects.count() == 0


def test_redelivery_dispatches_old_undispatched_events_only(shared_world, recorders):
    requester = actor(shared_world.requester_a)
    with time_machine.travel(T0, tick=False):
        old = make_ticket(requester).events.get()
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        done = make_ticket(requester).events.get()
        dispatch_events([(done.pk, done.kind)])
    with time_machine.travel(T0 + timedelta(seconds=90), tick=False):
        recent = make_ticket(requester).events.get()
    recorders["tests.first"].calls.clear()

    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        redeliver_events_task.call_local()

    assert recorders["tests.first"].calls == [old.pk]
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.dispatched_at == T0 + timedelta(minutes=2)
    assert recent.dispatched_at is None

    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        redeliver_events_task.call_local()

    assert recorders["tests.first"].calls == [old.pk, recent.pk]
    assert recorders["tests.second"].calls == [done.pk, old.pk, recent.pk]
