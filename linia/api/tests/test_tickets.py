import datetime as dt
from typing import get_args

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from linia.api.schemas.tickets import SortKey
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Ticket, TicketEvent
from linia.tickets.queries import QUEUE_SORTS
from linia.tickets.tests.factories import make_ticket

from .conftest import API, event_count

JSON = "application/json"


def numbers(response) -> list[int]:
    return [item["number"] for item in response.json()["items"]]


# --- list ------------------------------------------------------------------------------------


def test_list_returns_every_status_newest_first(world, api_as):
    agent = actor(world.agent_a)
    first = make_ticket(actor(world.requester_a), subject="First")
    second = make_ticket(actor(world.requester_a), subject="Second")
    services.change_status(actor=agent, number=first.number, to="resolved", resolution="Done")
    services.change_status(actor=agent, number=first.number, to="closed")

    response = api_as(world.agent_a).get(f"{API}/tickets")

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert numbers(response) == [second.number, first.number]
    assert response.json()["items"][1]["status"] == "closed"


def test_list_item_shape(world, api_as):
    ticket = make_ticket(actor(world.requester_a), impact="high", urgency="high")
    services.assign_ticket(
        actor=actor(world.agent_a), number=ticket.number, assignee_id=world.agent_a.pk
    )
    ticket.refresh_from_db()

    item = api_as(world.requester_a).get(f"{API}/tickets").json()["items"][0]

    assert item == {
        "number": ticket.number,
        "subject": "The printer does not print",
        "description": "Since this morning, paper jam light blinks.",
        "type": "incident",
        "category": None,
        "impact": "high",
        "urgency": "high",
        "priority": "P1",
        "status": "open",
        "tier": 1,
        "team": {"id": world.l1.pk, "name": "L1 Service desk"},
        "assignee": {"id": world.agent_a.pk, "name": world.agent_a.display_name},
        "organization": {"id": world.org_a.pk, "name": "Acme"},
        "requester": {
            "id": world.contact_a.pk,
            "name": world.contact_a.full_name,
            "email": "anna@example.test",
        },
        "asset_id": None,
        "channel": "portal",
        "received_at": item["received_at"],
        "created_at": item["created_at"],
        "updated_at": item["updated_at"],
        "first_response_at": None,
        "resolved_at": None,
        "closed_at": None,
        "resolution": "",
        "training_recommended": False,
        "is_auto_closed": False,
        "pending_reason": "",
        "message_count": 0,
        "sla": item["sla"],  # test_sla.py checks it
    }
    received = ticket.received_at  # JSON carries milliseconds
    assert dt.datetime.fromisoformat(item["received_at"]) == received.replace(
        microsecond=received.microsecond // 1000 * 1000
    )


def test_list_filters_by_status_list_and_repeats(world, api_as):
    agent = actor(world.agent_a)
    new = make_ticket(actor(world.requester_a))
    pending = make_ticket(actor(world.requester_a))
    services.change_status(actor=agent, number=pending.number, to="pending", note="Waiting")
    third = make_ticket(actor(world.requester_a))
    services.change_status(actor=agent, number=third.number, to="in_progress")
    client = api_as(world.agent_a)

    commas = client.get(f"{API}/tickets", {"status": "new,pending"})
    repeated = client.get(f"{API}/tickets?status=new&status=pending")

    assert numbers(commas) == [pending.number, new.number]
    assert numbers(repeated) == [pending.number, new.number]


@pytest.mark.parametrize(
    ("_case", "query", "expected"),
    [
        ("assignee me", {"assignee": "me"}, ["assigned"]),
        ("unassigned", {"assignee": "none"}, ["other"]),
        ("priority", {"priority": "P1"}, ["assigned"]),
        ("type", {"type": "question"}, ["other"]),
        ("text", {"text": "vpn"}, ["other"]),
        ("tier", {"tier": "1"}, ["other", "assigned"]),
    ],
)
def test_list_filters(world, api_as, _case, query, expected, django_capture_on_commit_callbacks):
    requester = actor(world.requester_a)
    # The text filter reads the search index, which ticket events fill after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        assigned = make_ticket(requester, subject="Printer", impact="high", urgency="high")
        other = make_ticket(requester, subject="VPN drops", type="question")
    services.assign_ticket(
        actor=actor(world.agent_a), number=assigned.number, assignee_id=world.agent_a.pk
    )
    names = {assigned.number: "assigned", other.number: "other"}

    response = api_as(world.agent_a).get(f"{API}/tickets", query)

    assert response.status_code == 200
    assert [names[number] for number in numbers(response)] == expected


def test_list_filters_by_organization_requester_team(world, api_as):
    mine = make_ticket(actor(world.requester_a))
    make_ticket(actor(world.requester_b))
    manager = api_as(world.manager)

    by_organization = manager.get(f"{API}/tickets", {"organization": world.org_a.pk})
    by_requester = manager.get(f"{API}/tickets", {"requester": world.contact_a.pk})
    by_team = manager.get(f"{API}/tickets", {"team": world.l1.pk})

    assert numbers(by_organization) == [mine.number]
    assert numbers(by_requester) == [mine.number]
    assert numbers(by_team) == [mine.number]


@override_settings(LINIA_API_MAX_PAGE_SIZE=2)
def test_list_pages_are_capped(world, api_as):
    tickets = [make_ticket(actor(world.requester_a)) for _ in range(4)]
    client = api_as(world.agent_a)

    capped = client.get(f"{API}/tickets", {"limit": 50})
    second_page = client.get(f"{API}/tickets", {"limit": 2, "offset": 2})

    assert capped.json()["count"] == 4
    assert numbers(capped) == [tickets[3].number, tickets[2].number]
    assert numbers(second_page) == [tickets[1].number, tickets[0].number]


def test_list_query_count_does_not_grow_with_tickets(
    world, api_as, django_capture_on_commit_callbacks
):
    client = api_as(world.agent_a)
    requester = actor(world.requester_a)
    agent = actor(world.agent_a)

    def make(count: int) -> None:
        for index in range(count):
            ticket = make_ticket(requester, category_id=None)
            if index % 2:
                services.assign_ticket(
                    actor=agent, number=ticket.number, assignee_id=world.agent_a.pk
                )

    make(3)
    client.get(f"{API}/tickets")  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{API}/tickets").json()["count"] == 3
    make(27)
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"{API}/tickets").json()["count"] == 30

    assert len(small.captured_queries) == len(large.captured_queries)


def test_list_sorts_oldest_first_on_request(world, api_as):
    first = make_ticket(actor(world.requester_a))
    second = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).get(f"{API}/tickets", {"sort": "number"})

    assert numbers(response) == [first.number, second.number]


def test_sort_keys_are_the_queues():
    assert set(get_args(SortKey)) == set(QUEUE_SORTS)


# --- create ----------------------------------------------------------------------------------


def test_client_creates_a_ticket_for_itself(world, api_as):
    response = api_as(world.requester_a).post(
        f"{API}/tickets",
        {
            "subject": "Outlook asks for a password",
            "description": "Every hour.",
            "impact": "low",
            "urgency": "high",
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["subject"], body["priority"], body["channel"], body["status"]) == (
        "Outlook asks for a password",
        "P3",
        "api",
        "new",
    )
    assert body["requester"]["id"] == world.contact_a.pk
    assert body["organization"] == {"id": world.org_a.pk, "name": "Acme"}
    ticket = Ticket.objects.get(number=body["number"])
    assert list(ticket.events.values_list("kind", flat=True)) == ["ticket.created"]


def test_staff_creates_a_ticket_for_a_requester_by_email(world, api_as):
    response = api_as(world.agent_a).post(
        f"{API}/tickets",
        {
            "subject": "Phone call: scanner",
            "requester": "anna@example.test",
            "organization": world.org_a.pk,
            "channel": "phone",
            "priority": "P2",
            "type": "service_request",
            "received_at": "2024-01-01T08:30:00+02:00",
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["requester"]["id"], body["channel"], body["priority"], body["type"]) == (
        world.contact_a.pk,
        "phone",
        "P2",
        "service_request",
    )
    assert dt.datetime.fromisoformat(body["received_at"]) == dt.datetime(
        2024, 1, 1, 6, 30, tzinfo=dt.UTC
    )


def test_staff_must_name_the_requester(world, api_as):
    before = event_count()

    response = api_as(world.agent_a).post(f"{API}/tickets", {"subject": "Who?"}, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["code"] == "requester_required"
    assert event_count() == before


def test_client_cannot_set_priority(world, api_as):
    response = api_as(world.requester_a).post(
        f"{API}/tickets", {"subject": "Urgent!", "priority": "P1"}, content_type=JSON
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Ticket.objects.count() == 0
    assert event_count() == 0


def test_agent_cannot_create_for_an_organization_it_does_not_serve(world, api_as):
    response = api_as(world.agent_b).post(
        f"{API}/tickets",
        {"subject": "Hello", "requester": world.contact_a.pk},
        content_type=JSON,
    )

    assert response.status_code == 404
    assert Ticket.objects.count() == 0
    assert event_count() == 0


# --- one ticket ------------------------------------------------------------------------------


def test_get_ticket(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.requester_a).get(f"{API}/tickets/{ticket.number}")

    assert response.status_code == 200
    assert response.json()["number"] == ticket.number


def test_get_missing_ticket_is_404(world, api_as):
    response = api_as(world.manager).get(f"{API}/tickets/99999")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Ticket not found."}
    assert event_count() == 0


def test_patch_classifies_and_assigns(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    category = services.create_category(name="Printers")
    before = event_count()

    response = api_as(world.agent_a).patch(
        f"{API}/tickets/{ticket.number}",
        {
            "subject": "Printer on floor 2",
            "category": category.pk,
            "impact": "high",
            "assignee": world.agent_a.pk,
        },
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["subject"], body["category"], body["impact"], body["priority"]) == (
        "Printer on floor 2",
        {"id": category.pk, "name": "Printers"},
        "high",
        "P2",
    )
    assert body["assignee"] == {"id": world.agent_a.pk, "name": world.agent_a.display_name}
    assert body["status"] == "open"
    kinds = list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("kind", "field")
    )
    assert kinds[1:] == [
        ("ticket.field_changed", "subject"),
        ("ticket.field_changed", "category"),
        ("ticket.field_changed", "impact"),
        ("ticket.field_changed", "priority"),
        ("ticket.assigned", "assignee"),
        ("ticket.status_changed", "status"),
    ]
    assert event_count() == before + 6


def test_patch_null_assignee_unassigns_and_absent_keeps(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    services.assign_ticket(
        actor=actor(world.agent_a), number=ticket.number, assignee_id=world.agent_a.pk
    )
    client = api_as(world.agent_a)

    kept = client.patch(f"{API}/tickets/{ticket.number}", {"type": "question"}, content_type=JSON)
    cleared = client.patch(f"{API}/tickets/{ticket.number}", {"assignee": None}, content_type=JSON)

    assert kept.json()["assignee"]["id"] == world.agent_a.pk
    assert kept.json()["type"] == "question"
    assert cleared.json()["assignee"] is None


def test_patch_is_all_or_nothing(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.agent_a).patch(
        f"{API}/tickets/{ticket.number}",
        {"subject": "Renamed", "assignee": world.agent_b.pk},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_assignee"
    ticket.refresh_from_db()
    assert ticket.subject == "The printer does not print"
    assert event_count() == before


def test_client_cannot_patch(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).patch(
        f"{API}/tickets/{ticket.number}", {"subject": "Mine"}, content_type=JSON
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert event_count() == before


def test_client_patching_an_invisible_ticket_gets_404(world, api_as):
    ticket = make_ticket(actor(world.requester_b))
    before = event_count()

    response = api_as(world.requester_a).patch(
        f"{API}/tickets/{ticket.number}", {"subject": "Mine"}, content_type=JSON
    )

    assert response.status_code == 404
    assert event_count() == before


# --- escalation ------------------------------------------------------------------------------


def test_escalate(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/escalate",
        {"tier": 2, "reason": "Needs an engineer"},
        content_type=JSON,
    )

    assert response.status_code == 200
    assert (response.json()["tier"], response.json()["team"]) == (
        2,
        {"id": world.l2.pk, "name": "L2 Engineers"},
    )
    event = TicketEvent.objects.filter(ticket=ticket).latest("id")
    assert (event.kind, event.payload["reason"], event.is_internal) == (
        "ticket.escalated",
        "Needs an engineer",
        True,
    )


def test_escalate_to_a_team_of_another_tier_is_invalid(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/escalate",
        {"tier": 3, "reason": "Lead", "team": world.l2.pk},
        content_type=JSON,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_team"
    assert event_count() == before


def test_client_cannot_escalate(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/escalate",
        {"tier": 2, "reason": "Faster please"},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert event_count() == before


# --- transitions -----------------------------------------------------------------------------


def test_allowed_transitions_depend_on_the_caller(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    staff = api_as(world.agent_a).get(f"{API}/tickets/{ticket.number}/transitions")
    client = api_as(world.requester_a).get(f"{API}/tickets/{ticket.number}/transitions")

    assert [(t["to"], t["action"]) for t in staff.json()] == [
        ("open", "accept"),
        ("in_progress", "start"),
        ("pending", "pend"),
        ("resolved", "resolve"),
        ("cancelled", "cancel"),
    ]
    assert client.json() == [
        {
            "to": "cancelled",
            "action": "cancel",
            "label": "Cancel",
            "requires_resolution": False,
            "requires_reason": True,
        },
    ]


def test_resolve_then_client_confirms(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    resolved = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/transitions",
        {"to": "resolved", "resolution": "Replaced the toner", "training_recommended": True},
        content_type=JSON,
    )
    closed = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/transitions", {"to": "closed"}, content_type=JSON
    )

    assert resolved.status_code == 200
    assert (
        resolved.json()["status"],
        resolved.json()["resolution"],
        resolved.json()["training_recommended"],
    ) == ("resolved", "Replaced the toner", True)
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] is not None


def test_forbidden_transition_is_409(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/transitions",
        {"to": "resolved", "resolution": "I fixed it myself"},
        content_type=JSON,
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "transition_not_allowed",
        "message": "You may not move a ticket from “New” to “Resolved”.",
    }
    assert event_count() == before


def test_resolve_without_resolution_is_422(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/transitions", {"to": "resolved"}, content_type=JSON
    )

    assert response.status_code == 422
    assert response.json()["code"] == "resolution_required"
    assert event_count() == before


# --- events ----------------------------------------------------------------------------------


def test_events_for_staff_include_internal_ones(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    services.escalate_ticket(
        actor=actor(world.agent_a), number=ticket.number, tier=2, reason="Engineer"
    )

    staff = api_as(world.agent_a).get(f"{API}/tickets/{ticket.number}/events")
    client = api_as(world.requester_a).get(f"{API}/tickets/{ticket.number}/events")

    assert [e["kind"] for e in staff.json()["items"]] == ["ticket.created", "ticket.escalated"]
    assert staff.json()["items"][1]["actor"] == {
        "id": world.agent_a.pk,
        "name": world.agent_a.display_name,
    }
    assert staff.json()["items"][1]["label"] == "Escalated"
    assert [e["kind"] for e in client.json()["items"]] == ["ticket.created"]
    assert client.json()["count"] == 1
