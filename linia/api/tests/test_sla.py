"""The `sla` object on every ticket the API returns."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.directory.tests.factories import actor
from linia.sla import services as sla_services
from linia.sla.services import TargetSpec
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket

from .conftest import API

KYIV = ZoneInfo("Europe/Kyiv")


def test_a_phone_ticket_starts_its_clocks_when_the_call_came_in(world, api_as):
    policy = sla_services.create_policy(
        name="Gold", targets={"P1": TargetSpec(first_response=30, next_update=60, resolution=240)}
    )
    calendar = sla_services.create_calendar(
        name="Kyiv", timezone="Europe/Kyiv", hours={day: [("09:00", "18:00")] for day in range(5)}
    )
    sla_services.bind_organization(
        organization_id=world.org_a.pk, policy_id=policy.pk, calendar_id=calendar.pk
    )

    with time_machine.travel(datetime(2026, 6, 1, 9, 10, tzinfo=KYIV), tick=False):
        response = api_as(world.agent_a).post(
            f"{API}/tickets",
            {
                "subject": "Call: the server room is hot",
                "organization": world.org_a.pk,
                "requester": world.contact_a.pk,
                "priority": "P1",
                "channel": "phone",
                "received_at": "2026-06-01T08:45:00+03:00",
            },
            content_type="application/json",
        )

    assert response.status_code == 201, response.content
    assert response.json()["sla"] == {
        "policy": "Gold",
        "first_response_due": "2026-06-01T06:30:00Z",  # 09:30 in Kyiv: the day starts at 09:00
        "resolution_due": "2026-06-01T10:00:00Z",  # 13:00 in Kyiv
        "next_update_due": None,
        "paused": False,
        "state": "ok",
    }
    assert datetime.fromisoformat(response.json()["sla"]["resolution_due"]) == datetime(
        2026, 6, 1, 13, 0, tzinfo=KYIV
    )


def test_every_ticket_carries_its_sla_state(world, api_as):
    with time_machine.travel(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), tick=False):
        ticket = make_ticket(actor(world.requester_a))
        services.change_status(
            actor=actor(world.agent_a), number=ticket.number, to="pending", note="Waiting"
        )
    client = api_as(world.agent_a)

    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=UTC), tick=False):
        one = client.get(f"{API}/tickets/{ticket.number}").json()["sla"]
        listed = client.get(f"{API}/tickets").json()["items"][0]["sla"]
    with time_machine.travel(datetime(2026, 6, 9, 8, 0, tzinfo=UTC), tick=False):
        later = client.get(f"{API}/tickets/{ticket.number}").json()["sla"]

    assert (
        one
        == listed
        == {
            "policy": "Standard",
            "first_response_due": None,
            "resolution_due": None,
            "next_update_due": None,
            "paused": True,
            "state": "ok",
        }
    )
    assert later == one  # paused clocks never breach


def test_the_list_sorts_by_sla_due_and_stays_flat(world, api_as):
    requester = actor(world.requester_a)
    with time_machine.travel(datetime(2026, 6, 1, 7, 0, tzinfo=UTC), tick=False):
        slow = make_ticket(requester, impact="low", urgency="low")  # P4
        urgent = make_ticket(requester, impact="high", urgency="high")  # P1
        done = make_ticket(requester)
        services.change_status(
            actor=actor(world.agent_a), number=done.number, to="resolved", resolution="Fixed"
        )
    client = api_as(world.agent_a)
    client.get(f"{API}/tickets")  # the token's first use writes last_used_at

    with CaptureQueriesContext(connection) as plain:
        client.get(f"{API}/tickets")
    with CaptureQueriesContext(connection) as context:
        response = client.get(f"{API}/tickets", {"sort": "sla"})

    assert [item["number"] for item in response.json()["items"]] == [
        urgent.number,
        slow.number,
        done.number,
    ]
    assert [item["sla"]["state"] for item in response.json()["items"]] == ["breached"] * 2 + ["met"]
    # The policy comes with the tickets: no query per ticket, none more than a plain list.
    assert len(context.captured_queries) == len(plain.captured_queries)
