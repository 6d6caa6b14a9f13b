"""record_event needs the service's transaction. (Its own module: a transactional test cannot
share a module with tests that use `shared_world`.)"""

from __future__ import annotations

import pytest

from linia.directory.tests.factories import actor
from linia.tickets.models import TicketEvent
from linia.tickets.tests.factories import make_ticket
from linia.tickets.timeline import record_event


@pytest.mark.django_db(transaction=True)
def test_record_event_outside_a_transaction_raises(world):
    ticket = make_ticket(actor(world.requester_a))

    with pytest.raises(RuntimeError, match="inside a transaction"):
        record_event(ticket, "ticket.field_changed", actor=actor(world.agent_a))

    assert TicketEvent.objects.filter(ticket=ticket).count() == 1
