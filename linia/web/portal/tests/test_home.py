from __future__ import annotations

import pytest
from django.urls import reverse

from linia.directory.tests.factories import actor
from linia.tickets.tests.factories import make_ticket


def test_client_home_shows_actions_and_open_requests(client, world):
    ticket = make_ticket(actor(world.requester_a), subject="Scanner is offline")
    client.force_login(world.requester_a)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="{reverse("portal:request-create")}"' in body
    assert "Scanner is offline" in body
    assert f'href="{reverse("portal:request-detail", args=[ticket.number])}"' in body


@pytest.mark.parametrize("who", ["agent_a", "manager", "admin"])
def test_staff_are_sent_to_the_desk(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/"


@pytest.mark.parametrize(
    "url", ["/requests/", "/requests/new/", "/requests/1001/", "/preferences/"]
)
def test_anonymous_visitors_are_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={url}"


def test_staff_opening_a_portal_request_go_to_the_desk_ticket(client, world):
    ticket = make_ticket(actor(world.requester_a))
    client.force_login(world.agent_a)
    response = client.get(reverse("portal:request-detail", args=[ticket.number]))
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
