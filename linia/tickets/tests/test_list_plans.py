"""On PostgreSQL a list page's statement is planned as the index walk it is, for its own
transaction only (tickets.queries.WALK_PLANS). Transactional: the page opens the transaction
itself, as it does in a request (inside a caller's transaction it leaves the planner alone).
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from linia.directory.tests.factories import actor
from linia.tickets.queries import WALK_PLANS, QueueFilters, keyset_page, list_tickets_for
from linia.tickets.tests.factories import make_ticket


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_page_is_planned_as_a_walk_and_the_settings_do_not_outlive_it(request):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…): its planner is tested")
    world = request.getfixturevalue("world")
    tickets = [make_ticket(actor(world.requester_a), subject=f"VPN {n}") for n in range(3)]
    before = (setting("enable_bitmapscan"), setting("max_parallel_workers_per_gather"))
    listed = list_tickets_for(actor(world.agent_a), QueueFilters(text="VPN"))

    with CaptureQueriesContext(connection) as captured:
        page = keyset_page(listed, "-number", size=2)

    assert [ticket.number for ticket in page.items] == [t.number for t in tickets[::-1][:2]]
    statements = [query["sql"] for query in captured]
    assert (
        statements.index(WALK_PLANS)
        == statements.index(
            next(sql for sql in statements if sql.startswith('SELECT "tickets_ticket"'))
        )
        - 1
    )
    assert (setting("enable_bitmapscan"), setting("max_parallel_workers_per_gather")) == before

    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        keyset_page(listed, "-number", size=2)
    assert WALK_PLANS not in [query["sql"] for query in inside]
