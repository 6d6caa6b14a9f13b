"""The work log on the ticket page and the included hours on the client card."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.core.access import SYSTEM_ACTOR
from linia.directory import services as directory_services
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import TicketEvent, Worklog

from .conftest import HTMX


def _hours(world, hours=2):
    directory_services.update_organization(
        actor=SYSTEM_ACTOR,
        organization_id=world.org_a.pk,
        card={"included_hours_per_month": Decimal(hours)},
    )


def test_log_time_from_the_ticket_page(agent_client, world, ticket_a):
    url = f"/desk/tickets/{ticket_a.number}/worklogs/"
    response = agent_client.post(
        url, {"minutes": "90", "billable": "on", "note": "On site"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ticket-worklog"' in html
    assert "On site" in html
    assert "1 h 30 min" in html
    entry = Worklog.objects.get()
    assert (entry.minutes, entry.billable, entry.agent_id) == (90, True, world.agent_a.pk)
    page = agent_client.get(f"/desk/tickets/{ticket_a.number}/").content.decode()
    assert "On site" in page
    assert "Time logged" in page  # the internal timeline row


def test_plain_post_redirects_back(agent_client, ticket_a):
    response = agent_client.post(f"/desk/tickets/{ticket_a.number}/worklogs/", {"minutes": "5"})
    assert response.status_code == 302
    assert Worklog.objects.get().billable is False  # an unticked box is not billable


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": "0"}, "Please correct the errors below."),
        ({"minutes": "abc"}, "Please correct the errors below."),
        ({"minutes": "30", "work_date": "2999-01-01"}, "Work cannot be logged for a future day."),
    ],
)
def test_bad_input_keeps_what_was_typed(agent_client, ticket_a, data, message):
    response = agent_client.post(
        f"/desk/tickets/{ticket_a.number}/worklogs/", {**data, "note": "kept note"}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'value="kept note"' in html
    assert Worklog.objects.count() == 0


@pytest.mark.parametrize("who", ["agent_b"])
def test_agent_not_serving_gets_404(client, world, ticket_a, who):
    entry = services.log_work(actor=actor(world.agent_a), number=ticket_a.number, minutes=5)
    before = TicketEvent.objects.count()
    client.force_login(getattr(world, who))
    url = f"/desk/tickets/{ticket_a.number}/worklogs/"
    assert client.post(url, {"minutes": "5"}).status_code == 404
    assert client.post(f"{url}{entry.pk}/delete/").status_code == 404
    assert Worklog.objects.count() == 1
    assert TicketEvent.objects.count() == before


@pytest.mark.parametrize(
    "who", ["requester_a", "client_manager_a", "requester_b", "client_manager_b"]
)
def test_clients_never_reach_the_work_log(client, world, ticket_a, who):
    entry = services.log_work(actor=actor(world.agent_a), number=ticket_a.number, minutes=5)
    client.force_login(getattr(world, who))
    url = f"/desk/tickets/{ticket_a.number}/worklogs/"
    assert client.post(url, {"minutes": "5"}).status_code == 403
    assert client.post(f"{url}{entry.pk}/delete/").status_code == 403
    assert Worklog.objects.count() == 1
    # ... and the portal's ticket page does not show it.
    portal = client.get(f"/requests/{ticket_a.number}/")
    assert b"Work log" not in portal.content


def test_remove_own_entry_but_not_a_colleagues(agent_client, world, ticket_a):
    mine = services.log_work(actor=actor(world.agent_a), number=ticket_a.number, minutes=5)
    theirs = services.log_work(actor=actor(world.engineer_a), number=ticket_a.number, minutes=7)
    page = agent_client.get(f"/desk/tickets/{ticket_a.number}/").content.decode()
    assert f"/worklogs/{mine.pk}/delete/" in page
    assert f"/worklogs/{theirs.pk}/delete/" not in page
    refused = agent_client.post(
        f"/desk/tickets/{ticket_a.number}/worklogs/{theirs.pk}/delete/", **HTMX
    )
    assert refused.status_code == 403
    assert "Only the author or a manager" in refused.content.decode()
    done = agent_client.post(f"/desk/tickets/{ticket_a.number}/worklogs/{mine.pk}/delete/", **HTMX)
    assert done.status_code == 200
    assert list(Worklog.objects.values_list("pk", flat=True)) == [theirs.pk]


def test_an_entry_of_another_ticket_is_404(agent_client, world, ticket_a):
    from linia.tickets.tests.factories import make_ticket

    other = make_ticket(actor(world.requester_a))
    entry = services.log_work(actor=actor(world.agent_a), number=other.number, minutes=5)
    response = agent_client.post(f"/desk/tickets/{ticket_a.number}/worklogs/{entry.pk}/delete/")
    assert response.status_code == 404
    assert Worklog.objects.count() == 1


def test_card_and_organization_page_show_the_hours_left(agent_client, world, ticket_a):
    _hours(world, 2)
    services.log_work(actor=actor(world.agent_a), number=ticket_a.number, minutes=45)
    card = agent_client.get(f"/desk/tickets/{ticket_a.number}/client-card/").content.decode()
    assert "1.25 of 2 h left this month (0.75 h used)" in card
    services.log_work(actor=actor(world.agent_a), number=ticket_a.number, minutes=120)
    page = agent_client.get(f"/desk/organizations/{world.org_a.pk}/").content.decode()
    assert "0 of 2 h left this month (2.75 h used)" in page
    assert "0.75 h extra" in page


def _count(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_ticket_page_queries_do_not_grow_with_worklogs(agent_client, world, ticket_a):
    _hours(world)
    path = f"/desk/tickets/{ticket_a.number}/"
    services.log_work(actor=actor(world.agent_a), number=ticket_a.number, minutes=5)
    few = _count(agent_client, path)
    for minutes in range(10, 30):
        services.log_work(actor=actor(world.engineer_a), number=ticket_a.number, minutes=minutes)
    assert _count(agent_client, path) == few
