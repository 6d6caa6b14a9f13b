"""Two schedulers ticking at once never fire a rule twice for the same condition.

On PostgreSQL each thread has its own connection: the ticket row lock and the firings'
unique key are what is tested. (Its own module: transactional tests cannot share a module with
tests that use `shared_world`.)
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, connections

from linia.directory.tests.factories import actor
from linia.escalation.models import Condition, EscalationFiring, EscalationRule
from linia.escalation.services import FiringResult, fire_escalations
from linia.escalation.tests.factories import make_rule
from linia.tickets.models import Message, Ticket, TicketEvent
from linia.tickets.tests.factories import make_ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _run_in_threads(threads: int, work: Callable[[], list[FiringResult]]):
    results: list[list[FiringResult]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def target() -> None:
        try:
            barrier.wait(timeout=30)
            results.append(work())
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=target) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in pool), "a thread did not finish"
    return results, errors


@pytest.mark.postgres
@pytest.mark.slow  # 4 schedulers, 2 rules, 15 tickets: 30 firings of one transaction each
@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_never_double_fire_on_postgresql(request):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…): row locks are tested")
    world = request.getfixturevalue("world")
    EscalationRule.objects.all().delete()
    with time_machine.travel(T0, tick=False):
        escalate = make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, escalate_to_tier=2)
        notify = make_rule(Condition.RESOLUTION_BREACH, notify_role="manager", note="Breached")
        tickets = [make_ticket(actor(world.requester_a), subject=f"Ticket {n}") for n in range(15)]
    Ticket.objects.update(resolution_due=T0 + timedelta(minutes=10))

    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        results, errors = _run_in_threads(4, fire_escalations)

    assert errors == []
    fired = [r for batch in results for r in batch]
    assert [r.error for r in fired if r.error] == []
    assert Counter((r.rule_id, r.ticket_number) for r in fired) == Counter(
        {(rule.pk, t.number): 1 for rule in (escalate, notify) for t in tickets}
    )
    assert EscalationFiring.objects.count() == 30
    assert TicketEvent.objects.filter(kind="ticket.escalation_rule_fired").count() == 30
    assert TicketEvent.objects.filter(kind="ticket.escalated").count() == 15
    assert Message.objects.filter(body="Breached", is_internal=True).count() == 15
    assert set(Ticket.objects.values_list("tier", flat=True)) == {2}
