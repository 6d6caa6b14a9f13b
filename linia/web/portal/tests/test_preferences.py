"""Language and time zone for every signed-in user."""

from __future__ import annotations

import pytest
from django.conf import settings

URL = "/preferences/"


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a", "agent_a", "admin"])
def test_every_signed_in_user_sees_the_form(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="uk">Українська</option>' in body
    assert '<option value="pl">Polski</option>' in body
    assert '<option value="Europe/Kyiv" selected>' in body
    assert '<optgroup label="Europe">' in body


def test_saving_switches_language_at_once(client, world):
    client.force_login(world.requester_a)
    response = client.post(URL, {"language": "uk", "time_zone": "Europe/Warsaw"})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "uk"
    world.requester_a.refresh_from_db()
    assert (world.requester_a.language, world.requester_a.time_zone) == ("uk", "Europe/Warsaw")
    page = client.get(URL)
    assert page["Content-Language"] == "uk"
    body = page.content.decode()
    assert '<html lang="uk">' in body
    assert '<option value="uk" selected>' in body
    assert '<option value="Europe/Warsaw" selected>' in body


def test_staff_can_save_too(client, world):
    client.force_login(world.agent_a)
    assert client.post(URL, {"language": "pl", "time_zone": "UTC"}).status_code == 302
    world.agent_a.refresh_from_db()
    assert (world.agent_a.language, world.agent_a.time_zone) == ("pl", "UTC")


@pytest.mark.parametrize(
    ("_case", "data"),
    [
        ("unknown language", {"language": "de", "time_zone": "Europe/Kyiv"}),
        ("unknown zone", {"language": "en", "time_zone": "Mars/Olympus"}),
    ],
)
def test_invalid_choices_are_refused(client, world, _case, data):
    client.force_login(world.requester_a)
    response = client.post(URL, data)
    assert response.status_code == 422
    world.requester_a.refresh_from_db()
    assert (world.requester_a.language, world.requester_a.time_zone) == ("en", "Europe/Kyiv")


def test_dates_follow_the_chosen_time_zone(client, world):
    from linia.directory.tests.factories import actor
    from linia.tickets.tests.factories import make_ticket

    ticket = make_ticket(actor(world.requester_a))
    client.force_login(world.requester_a)
    client.post(URL, {"language": "en", "time_zone": "Asia/Tokyo"})
    body = client.get(f"/requests/{ticket.number}/").content.decode()
    assert ticket.created_at.astimezone().isoformat() != ""  # sanity
    assert "+09:00" in body  # the <time datetime> is rendered in Tokyo time
