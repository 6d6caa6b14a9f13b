from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket


def test_active_request_shows_when_resolution_is_expected(client, world):
    ticket = make_ticket(actor(world.requester_a), subject="VPN drops every hour")
    assert ticket.resolution_due is not None
    client.force_login(world.requester_a)

    response = client.get(reverse("portal:request-detail", args=[ticket.number]))

    content = response.content.decode()
    assert "We aim to solve it by" in content
    local = timezone.localtime(ticket.resolution_due)
    assert f'datetime="{local.isoformat()}"' in content


def test_resolved_request_does_not_show_a_due_date(client, world):
    ticket = make_ticket(actor(world.requester_a), subject="VPN drops every hour")
    services.change_status(
        actor=actor(world.agent_a), number=ticket.number, to="resolved", resolution="Fixed."
    )
    client.force_login(world.requester_a)

    response = client.get(reverse("portal:request-detail", args=[ticket.number]))

    assert "We aim to solve it by" not in response.content.decode()
