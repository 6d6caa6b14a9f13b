"""POST /tickets/batch: many tickets in one request, all or nothing, with the single create's
rules, tenancy and a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.tickets import services
from linia.tickets.models import Ticket, TicketEvent

from .conftest import API, event_count

JSON = "application/json"


def batch(client, tickets):
    return client.post(f"{API}/tickets/batch", {"tickets": tickets}, content_type=JSON)


def staff_item(world, index: int, **fields):
    return {"subject": f"Alert {index}", "requester": world.contact_a.pk, **fields}


def test_staff_create_many_in_order_with_the_single_create_rules(world, api_as):
    category = services.create_category(name="Printers")
    response = batch(
        api_as(world.agent_a),
        [
            staff_item(world, 1, impact="high", urgency="high"),
            staff_item(world, 2, category=category.pk, channel="monitoring"),
            {
                "subject": "Phone",
                "requester": "new.person@acme.test",
                "organization": world.org_a.pk,
            },
        ],
    )

    assert response.status_code == 201
    items = response.json()["items"]
    assert [item["subject"] for item in items] == ["Alert 1", "Alert 2", "Phone"]
    numbers = [item["number"] for item in items]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 3
    assert [item["priority"] for item in items] == ["P1", "P3", "P3"]
    assert items[1]["category"] == {"id": category.pk, "name": "Printers"}
    assert items[1]["channel"] == "monitoring"
    assert items[2]["requester"]["email"] == "new.person@acme.test"
    assert all(item["organization"]["id"] == world.org_a.pk for item in items)
    assert all(item["status"] == "new" for item in items)
    kinds = TicketEvent.objects.filter(ticket__number__in=numbers).values_list("kind", flat=True)
    assert list(kinds) == ["ticket.created"] * 3


def test_the_same_new_e_mail_twice_makes_one_contact(world, api_as):
    email = "twice@acme.test"
    item = {"subject": "X", "requester": email, "organization": world.org_a.pk}

    response = batch(api_as(world.agent_a), [item, item])

    assert response.status_code == 201
    requesters = {entry["requester"]["id"] for entry in response.json()["items"]}
    assert len(requesters) == 1


def test_a_bad_item_creates_nothing_and_is_named_by_index(world, api_as):
    before = event_count()

    response = batch(
        api_as(world.agent_a),
        [staff_item(world, 1), staff_item(world, 2, category=999_999), staff_item(world, 3)],
    )

    assert response.status_code == 422
    body = response.json()
    assert (body["code"], body["index"]) == ("invalid_category", 1)
    assert body["message"] == "Item 2: Unknown category."
    assert Ticket.objects.count() == 0
    assert event_count() == before


def test_an_invalid_payload_is_refused_with_its_place(world, api_as):
    client = api_as(world.agent_a)

    missing = batch(client, [staff_item(world, 1), {"description": "no subject"}])
    empty = batch(client, [staff_item(world, 1), {"subject": " ", "requester": 1}])

    assert missing.status_code == 422
    assert "tickets.1.subject" in missing.json()["message"]
    assert empty.status_code == 422
    assert empty.json()["index"] == 1
    assert Ticket.objects.count() == 0


def test_empty_and_oversized_batches_are_refused(world, api_as):
    client = api_as(world.agent_a)

    assert batch(client, []).status_code == 422
    assert batch(client, [staff_item(world, index) for index in range(101)]).status_code == 422
    assert client.post(f"{API}/tickets/batch", "not json", content_type=JSON).status_code in (
        400,
        422,
    )
    assert Ticket.objects.count() == 0


def test_an_agent_cannot_file_for_an_organization_it_does_not_serve(world, api_as):
    response = batch(
        api_as(world.agent_b),
        [{"subject": "Mine", "requester": world.contact_b.pk}, staff_item(world, 2)],
    )

    assert response.status_code == 404
    assert response.json()["index"] == 1
    assert Ticket.objects.count() == 0


def test_a_client_files_for_itself_only(world, api_as):
    client = api_as(world.requester_a)

    refused = batch(client, [{"subject": "A"}, {"subject": "B", "priority": "P1"}])
    created = batch(client, [{"subject": "A"}, {"subject": "B", "organization": world.org_b.pk}])

    assert refused.status_code == 403
    assert created.status_code == 201
    # A client's organization is always its own, whatever the payload names.
    items = created.json()["items"]
    assert {item["organization"]["id"] for item in items} == {world.org_a.pk}
    assert {item["requester"]["id"] for item in items} == {world.contact_a.pk}


def test_queries_do_not_grow_with_the_batch(world, api_as):
    client = api_as(world.agent_a)
    batch(client, [staff_item(world, 0)])  # the token's first use writes last_used_at

    with CaptureQueriesContext(connection) as small:
        assert batch(client, [staff_item(world, 1)]).status_code == 201
    with CaptureQueriesContext(connection) as large:
        assert batch(client, [staff_item(world, i) for i in range(50)]).status_code == 201

    # SQLite splits the one INSERT of ticket rows by its limit on parameters (~20 rows each).
    assert len(statements(large)) == len(statements(small))


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in captured.captured_queries
        if connection.vendor == "postgresql"
        or not query["sql"].startswith('INSERT INTO "tickets_ticket" ')
    ]
