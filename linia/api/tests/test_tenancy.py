"""Cross-organization matrix: one organization's users never reach another's tickets, their
thread, files or history through the API; "not visible" answers 404 like "does not exist"."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Attachment, Message, Ticket
from linia.tickets.tests.factories import make_ticket

from .conftest import API, client_for, event_count

JSON = "application/json"

# (label, method, path, body, status for a serving agent); {n} is the ticket number, {a} a
# public attachment's id.
ENDPOINTS = [
    ("ticket", "get", "/tickets/{n}", None, 200),
    ("patch", "patch", "/tickets/{n}", {"subject": "Changed"}, 200),
    ("messages", "get", "/tickets/{n}/messages", None, 200),
    ("reply", "post", "/tickets/{n}/messages", {"body": "Hello"}, 201),
    ("events", "get", "/tickets/{n}/events", None, 200),
    ("transitions", "get", "/tickets/{n}/transitions", None, 200),
    ("transition", "post", "/tickets/{n}/transitions", {"to": "cancelled", "note": "No"}, 200),
    ("attachments", "get", "/tickets/{n}/attachments", None, 200),
    ("upload", "post", "/tickets/{n}/attachments", "multipart", 201),
    ("download", "get", "/attachments/{a}", None, 200),
]
DENIED = ["requester_b", "client_manager_b", "agent_b", "colleague_a"]


def _call(client: Client, method: str, path: str, body):
    if body == "multipart":
        files = [SimpleUploadedFile("log.txt", b"log", content_type="text/plain")]
        return client.post(path, {"files": files})
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type=JSON)


@pytest.fixture
def ticket_a(world) -> tuple[Ticket, Attachment]:
    ticket = make_ticket(actor(world.requester_a))
    [attachment] = services.add_attachments(
        actor=actor(world.requester_a),
        number=ticket.number,
        files=[services.IncomingFile(name="photo.jpg", content=ContentFile(b"jpeg"), size=4)],
    )
    return ticket, attachment


@pytest.mark.parametrize(("_case", "method", "path", "body", "success"), ENDPOINTS)
def test_only_those_who_see_the_ticket_reach_it(
    world, ticket_a, _case, method, path, body, success
):
    ticket, attachment = ticket_a
    url = API + path.format(n=ticket.number, a=attachment.pk)
    users = {name: getattr(world, name) for name in DENIED}
    before = (event_count(), Message.objects.count(), Attachment.objects.count())

    statuses = {
        name: _call(client_for(user), method, url, body).status_code for name, user in users.items()
    }
    statuses["anonymous"] = _call(Client(), method, url, body).status_code

    assert statuses == {
        "requester_b": 404,
        "client_manager_b": 404,
        "agent_b": 404,
        "colleague_a": 404,
        "anonymous": 401,
    }
    assert (event_count(), Message.objects.count(), Attachment.objects.count()) == before
    assert Ticket.objects.get(pk=ticket.pk).subject == ticket.subject
    # ... while the agent serving the organization gets through.
    assert _call(client_for(world.agent_a), method, url, body).status_code == success


def test_lists_show_only_the_callers_tickets(world):
    own = make_ticket(actor(world.requester_a), subject="Anna's")
    colleague = make_ticket(actor(world.colleague_a), subject="Boris's")
    other = make_ticket(actor(world.requester_b), subject="Bob's")

    def listed(user, **query) -> list[int]:
        response = client_for(user).get(f"{API}/tickets", query)
        return sorted(item["number"] for item in response.json()["items"])

    assert listed(world.requester_a) == [own.number]
    assert listed(world.client_manager_a) == [own.number, colleague.number]
    assert listed(world.agent_a) == [own.number, colleague.number]
    assert listed(world.agent_b) == [other.number]
    assert listed(world.requester_b) == [other.number]
    assert listed(world.requester_b, organization=world.org_a.pk) == []
    assert listed(world.lead) == [own.number, colleague.number, other.number]


def test_client_manager_sees_the_colleagues_ticket(world):
    colleague = make_ticket(actor(world.colleague_a))

    requester = client_for(world.requester_a).get(f"{API}/tickets/{colleague.number}")
    manager = client_for(world.client_manager_a).get(f"{API}/tickets/{colleague.number}")
    events = client_for(world.client_manager_a).get(f"{API}/tickets/{colleague.number}/events")

    assert requester.status_code == 404
    assert manager.status_code == 200
    assert manager.json()["requester"]["id"] == world.colleague_contact_a.pk
    assert events.status_code == 200


def test_client_never_sees_internal_notes_or_events(world):
    ticket = make_ticket(actor(world.requester_a))
    agent = actor(world.agent_a)
    services.add_message(actor=agent, number=ticket.number, body="Internal", is_internal=True)
    services.escalate_ticket(actor=agent, number=ticket.number, tier=2, reason="Internal")
    client = client_for(world.client_manager_a)

    messages = client.get(f"{API}/tickets/{ticket.number}/messages").json()
    events = client.get(f"{API}/tickets/{ticket.number}/events").json()

    assert messages == {"items": [], "count": 0}
    assert [event["internal"] for event in events["items"]] == [False]
    assert [event["kind"] for event in events["items"]] == ["ticket.created"]


def test_clients_cannot_escalate_even_their_own_ticket(world):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    own = client_for(world.client_manager_a).post(
        f"{API}/tickets/{ticket.number}/escalate",
        {"tier": 2, "reason": "Hurry"},
        content_type=JSON,
    )
    foreign_agent = client_for(world.agent_b).post(
        f"{API}/tickets/{ticket.number}/escalate",
        {"tier": 2, "reason": "Hurry"},
        content_type=JSON,
    )

    assert own.status_code == 403
    assert foreign_agent.status_code == 404
    assert event_count() == before
