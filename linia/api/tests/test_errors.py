"""Bad input gets a clear 4xx error in one JSON shape, never a 500, and writes nothing."""

import pytest

from linia.directory.tests.factories import actor
from linia.tickets.models import Ticket
from linia.tickets.tests.factories import make_ticket

from .conftest import API, event_count

JSON = "application/json"


@pytest.mark.parametrize(
    ("_case", "payload", "where"),
    [
        ("missing subject", {"description": "No subject"}, "subject"),
        ("subject not a string", {"subject": 42}, "subject"),
        ("subject too long", {"subject": "x" * 251}, "subject"),
        ("description too long", {"subject": "ok", "description": "x" * 100_001}, "description"),
        ("unknown type", {"subject": "ok", "type": "disaster"}, "type"),
        ("unknown impact", {"subject": "ok", "impact": "enormous"}, "impact"),
        ("unknown channel", {"subject": "ok", "channel": "pigeon"}, "channel"),
        ("category not an id", {"subject": "ok", "category": "printers"}, "category"),
        ("category id too big", {"subject": "ok", "category": 2**70}, "category"),
        ("bad datetime", {"subject": "ok", "received_at": "yesterday"}, "received_at"),
        ("naive datetime", {"subject": "ok", "received_at": "2024-01-01T10:00:00"}, "received_at"),
        ("unknown field", {"subject": "ok", "colour": "red"}, "colour"),
        ("NUL character", {"subject": "ok\x00"}, "subject"),
        ("requester too long", {"subject": "ok", "requester": "a" * 255}, "requester"),
    ],
)
def test_invalid_ticket_payload_is_422(world, api_as, _case, payload, where):
    response = api_as(world.requester_a).post(f"{API}/tickets", payload, content_type=JSON)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"].startswith(f"Invalid input: {where}")
    assert body["errors"][0]["loc"][-1] == where
    assert Ticket.objects.count() == 0
    assert event_count() == 0


def test_validation_message_is_readable(world, api_as):
    response = api_as(world.requester_a).post(
        f"{API}/tickets", {"subject": "ok", "impact": "enormous"}, content_type=JSON
    )

    assert response.json()["message"] == (
        "Invalid input: impact: Input should be 'high', 'medium' or 'low'."
    )


@pytest.mark.parametrize(
    ("_case", "body"),
    [
        ("not json", b"subject=hello"),
        ("truncated json", b'{"subject": "x"'),
        ("bytes", b"\xff\xfe"),
    ],
)
def test_malformed_json_is_400(world, api_as, _case, body):
    response = api_as(world.requester_a).post(f"{API}/tickets", body, content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert response.json()["message"].startswith("The request body is not valid JSON (")
    assert Ticket.objects.count() == 0
    assert event_count() == 0


def test_json_that_is_not_an_object_is_422(world, api_as):
    response = api_as(world.requester_a).post(f"{API}/tickets", [1, 2], content_type=JSON)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert event_count() == 0


def test_empty_body_is_422(world, api_as):
    response = api_as(world.requester_a).post(f"{API}/tickets", b"", content_type=JSON)

    assert response.status_code == 422
    assert response.json()["message"] == "Invalid input: body: Field required."
    assert event_count() == 0


@pytest.mark.parametrize(
    ("_case", "path", "status"),
    [
        ("number not a number", "/tickets/abc", 422),
        ("number too large", f"/tickets/{2**64}", 422),
        ("number zero", "/tickets/0", 422),
        ("status unknown", "/tickets?status=new,lost", 422),
        ("assignee nonsense", "/tickets?assignee=someone", 422),
        ("tier out of range", "/tickets?tier=7", 422),
        ("limit zero", "/tickets?limit=0", 422),
        ("offset negative", "/tickets?offset=-1", 422),
        ("organization huge", f"/tickets?organization={2**80}", 422),
        ("text too long", "/tickets?text=" + "x" * 201, 422),
        ("text with NUL", "/tickets?text=a%00b", 422),
        ("attachment id not a number", "/attachments/x", 422),
    ],
)
def test_invalid_path_and_query_are_4xx(world, api_as, _case, path, status):
    response = api_as(world.agent_a).get(API + path)

    assert response.status_code == status
    assert response.json()["code"] == "invalid"
    assert event_count() == 0


@pytest.mark.parametrize(
    ("_case", "payload"),
    [
        ("unknown status", {"to": "done"}),
        ("missing status", {"resolution": "x"}),
        ("note too long", {"to": "pending", "note": "x" * 2001}),
        ("flag not a boolean", {"to": "pending", "note": "x", "training_recommended": "maybe"}),
    ],
)
def test_invalid_transition_payload_is_422(world, api_as, _case, payload):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/transitions", payload, content_type=JSON
    )

    assert response.status_code == 422
    assert event_count() == before


@pytest.mark.parametrize(
    ("_case", "payload"),
    [
        ("tier 1", {"tier": 1, "reason": "x"}),
        ("no reason", {"tier": 2}),
        ("team not an id", {"tier": 2, "reason": "x", "team": "L2"}),
    ],
)
def test_invalid_escalation_is_422(world, api_as, _case, payload):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/escalate", payload, content_type=JSON
    )

    assert response.status_code == 422
    assert event_count() == before


@pytest.mark.parametrize(
    ("_case", "payload"),
    [
        ("body missing", {}),
        ("body not a string", {"body": ["a"]}),
        ("body too long", {"body": "x" * 100_001}),
        ("internal not a boolean", {"body": "x", "internal": "sure"}),
    ],
)
def test_invalid_message_is_422(world, api_as, _case, payload):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/messages", payload, content_type=JSON
    )

    assert response.status_code == 422
    assert event_count() == before


def test_too_large_json_body_is_413(world, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_as(world.requester_a).post(
        f"{API}/tickets", {"subject": "x", "description": "y" * 2000}, content_type=JSON
    )

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert event_count() == 0


def test_patch_with_unknown_assignee_is_422(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).patch(
        f"{API}/tickets/{ticket.number}", {"assignee": 999_999}, content_type=JSON
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_assignee"
    assert event_count() == 1  # only the ticket's own creation


def test_unknown_endpoint_is_a_json_404(world, api_as):
    response = api_as(world.agent_a).get(f"{API}/tickets/1001/comments")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "There is no such API endpoint."}
