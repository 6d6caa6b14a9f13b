"""The queue and the ticket page cost the same number of queries however much data there is."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket

from .conftest import incoming

# Teams, categories and SLA policies of the listed tickets are read by id after the page
# (one query each, when any ticket has one) rather than joined: see list_tickets_for.
QUEUE_LIMIT = 12
# The ticket's calendar is read on its own when the SLA card needs it (get_ticket_for); the
# thread, history and the request's own files are read only when the ticket changed since they
# were last drawn (its latest event: linia/web/desk/history.py), four queries fewer then.
TICKET_LIMIT = 16
KEPT_HISTORY_SAVES = 4
# The client card, loaded by the page after it is drawn: the ticket, then phones, vault
# entries, recent tickets, this month's hours (the named equipment one more) and whether the
# requester's address bounces (the e-mail channel's FailingAddress).
CARD_LIMIT = 11


def count_queries(client, path: str, **extra) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return len(context.captured_queries)


def make_tickets(world, count: int) -> None:
    agent = actor(world.agent_a)
    for number in range(count):
        ticket = make_ticket(actor(world.requester_a), subject=f"Case {number}")
        if number % 2:
            services.assign_ticket(actor=agent, number=ticket.number, assignee_id=world.agent_a.pk)


def test_queue_queries_do_not_grow_with_tickets(agent_client, world):
    make_tickets(world, 2)
    few = count_queries(agent_client, "/desk/")
    few_partial = count_queries(agent_client, "/desk/", HTTP_HX_REQUEST="true")
    make_tickets(world, 18)
    assert count_queries(agent_client, "/desk/") == few
    assert count_queries(agent_client, "/desk/", HTTP_HX_REQUEST="true") == few_partial
    assert few <= QUEUE_LIMIT
    assert few_partial < few


def test_queue_queries_for_a_manager(client, world):
    client.force_login(world.manager)
    make_tickets(world, 2)
    few = count_queries(client, "/desk/?status=any")
    make_tickets(world, 18)
    assert count_queries(client, "/desk/?status=any") == few <= QUEUE_LIMIT


def add_messages(world, ticket, count: int) -> None:
    for number in range(count):
        services.add_message(
            actor=actor(world.agent_a if number % 2 else world.requester_a),
            number=ticket.number,
            body=f"Message {number}",
            is_internal=number % 3 == 0 and number % 2 == 1,
            files=[incoming(f"file{number}.txt")],
        )


def test_ticket_page_queries_do_not_grow_with_messages_and_events(agent_client, world, ticket_a):
    add_messages(world, ticket_a, 2)
    path = f"/desk/tickets/{ticket_a.number}/"
    few = count_queries(agent_client, path)
    add_messages(world, ticket_a, 28)
    agent = actor(world.agent_a)
    services.assign_ticket(actor=agent, number=ticket_a.number, assignee_id=world.agent_a.pk)
    services.classify_ticket(actor=agent, number=ticket_a.number, impact="high", urgency="low")
    services.add_attachments(actor=agent, number=ticket_a.number, files=[incoming("more.txt")])
    many = count_queries(agent_client, path)
    assert many == few <= TICKET_LIMIT
    assert count_queries(agent_client, path) == many - KEPT_HISTORY_SAVES


def test_client_card_queries_do_not_grow(agent_client, world, ticket_a):
    path = f"/desk/tickets/{ticket_a.number}/client-card/"
    few = count_queries(agent_client, path)
    make_tickets(world, 12)
    add_messages(world, ticket_a, 4)
    assert count_queries(agent_client, path) == few <= CARD_LIMIT


def test_queue_count_queries_do_not_grow_with_tickets(agent_client, world):
    make_tickets(world, 2)
    few = count_queries(agent_client, "/desk/queue/count/?text=case")
    make_tickets(world, 18)
    assert count_queries(agent_client, "/desk/queue/count/?text=case") == few <= 6
