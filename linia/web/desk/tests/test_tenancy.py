"""agent_b serves only Globex: every Acme page, action and file is a 404 and writes nothing."""

from __future__ import annotations

import pytest

from linia.tickets.models import Message, TicketEvent
from linia.tickets.search import index_ticket

ACTIONS = {
    "messages": {"body": "Hi", "internal": "0"},
    "transitions": {"to": "open"},
    "assign": {"assignee": ""},
    "take": {},
    "escalate": {"tier": "2", "reason": "x"},
    "classify": {"subject": "x", "type": "incident", "impact": "high", "urgency": "high"},
}


def test_agent_of_another_client_gets_404_for_the_ticket_page(client, world, ticket_a):
    client.force_login(world.agent_b)
    assert client.get(f"/desk/tickets/{ticket_a.number}/").status_code == 404


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_agent_of_another_client_gets_404_for_every_action(client, world, ticket_a, action):
    before = TicketEvent.objects.count()
    client.force_login(world.agent_b)
    response = client.post(f"/desk/tickets/{ticket_a.number}/{action}/", ACTIONS[action])
    assert response.status_code == 404
    assert TicketEvent.objects.count() == before
    ticket_a.refresh_from_db()
    assert (ticket_a.status, ticket_a.assignee, ticket_a.tier, ticket_a.priority) == (
        "new",
        None,
        1,
        "P3",
    )


def test_agent_of_another_client_gets_404_for_the_attachment(client, world, ticket_a):
    client.force_login(world.agent_b)
    attachment = ticket_a.attachments.get()
    assert client.get(f"/desk/attachments/{attachment.pk}/").status_code == 404


def test_agent_of_another_client_does_not_see_it_in_the_queue(client, world, ticket_a):
    client.force_login(world.agent_b)
    response = client.get("/desk/?status=any&text=printer")
    assert response.context["tickets"] == []
    assert "does not print" not in response.content.decode()


def test_agent_of_another_client_does_not_count_it(client, world, ticket_a):
    index_ticket(ticket_a.pk)
    client.force_login(world.agent_b)
    response = client.get("/desk/queue/count/?status=any&text=printer")
    assert response.status_code == 200
    assert response.content.decode().strip() == '<span class="muted queue-count">0 tickets</span>'
    client.force_login(world.agent_a)
    assert "1 ticket<" in client.get("/desk/queue/count/?status=any&text=printer").content.decode()


@pytest.mark.parametrize("username", ["requester_a", "client_manager_a"])
def test_clients_have_no_desk_access(client, world, ticket_a, username):
    client.force_login(getattr(world, username))
    before = TicketEvent.objects.count()
    attachment = ticket_a.attachments.get()
    for path in (
        "/desk/",
        f"/desk/tickets/{ticket_a.number}/",
        "/desk/tickets/new/",
        f"/desk/attachments/{attachment.pk}/",
        "/desk/outbox/",
        "/desk/queue/count/?text=printer",
    ):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/")
    for action, data in ACTIONS.items():
        response = client.post(f"/desk/tickets/{ticket_a.number}/{action}/", data)
        assert response.status_code == 403
    assert client.post("/desk/tickets/new/", {"subject": "x"}).status_code == 403
    assert TicketEvent.objects.count() == before
    assert Message.objects.count() == 0


def test_anonymous_is_sent_to_log_in(client, world, ticket_a):
    response = client.get(f"/desk/tickets/{ticket_a.number}/")
    assert response["Location"] == f"/accounts/login/?next=/desk/tickets/{ticket_a.number}/"
    response = client.post(f"/desk/tickets/{ticket_a.number}/messages/", ACTIONS["messages"])
    assert response.status_code == 302
    assert Message.objects.count() == 0
