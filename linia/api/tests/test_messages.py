from django.core.files.base import ContentFile

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Message
from linia.tickets.tests.factories import make_ticket

from .conftest import API, event_count

JSON = "application/json"


def test_staff_reply(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/messages",
        {"body": "Please restart the printer."},
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["body"], body["internal"], body["is_from_staff"], body["channel"]) == (
        "Please restart the printer.",
        False,
        True,
        "api",
    )
    assert body["author"] == {"id": world.agent_a.pk, "name": world.agent_a.display_name}
    assert body["attachments"] == []
    ticket.refresh_from_db()
    assert (ticket.status, ticket.message_count) == ("in_progress", 1)
    assert ticket.first_response_at is not None


def test_staff_internal_note(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/messages",
        {"body": "Probably the fuser.", "internal": True},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["internal"] is True
    assert Message.objects.get(pk=response.json()["id"]).is_internal is True


def test_client_reply(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/messages",
        {"body": "It still blinks."},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["is_from_staff"] is False


def test_client_cannot_add_internal_note(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/messages",
        {"body": "Secret", "internal": True},
        content_type=JSON,
    )

    assert response.status_code == 403
    assert response.json() == {
        "code": "forbidden",
        "message": "Only service desk staff can add internal notes.",
    }
    assert Message.objects.count() == 0
    assert event_count() == before


def test_empty_message_is_422(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    before = event_count()

    response = api_as(world.requester_a).post(
        f"{API}/tickets/{ticket.number}/messages", {"body": "   "}, content_type=JSON
    )

    assert response.status_code == 422
    assert response.json()["code"] == "message_required"
    assert event_count() == before


def test_client_thread_hides_internal_notes_and_their_files(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    agent = actor(world.agent_a)
    services.add_message(
        actor=agent, number=ticket.number, body="Public answer", files=[_file("answer.txt")]
    )
    services.add_message(
        actor=agent,
        number=ticket.number,
        body="Internal note",
        is_internal=True,
        files=[_file("secret.txt")],
    )

    staff = api_as(world.agent_a).get(f"{API}/tickets/{ticket.number}/messages")
    client = api_as(world.requester_a).get(f"{API}/tickets/{ticket.number}/messages")

    assert [(m["body"], m["internal"]) for m in staff.json()["items"]] == [
        ("Public answer", False),
        ("Internal note", True),
    ]
    assert staff.json()["count"] == 2
    assert [m["body"] for m in client.json()["items"]] == ["Public answer"]
    assert client.json()["count"] == 1
    assert [a["filename"] for a in client.json()["items"][0]["attachments"]] == ["answer.txt"]


def _file(name: str) -> services.IncomingFile:
    content = b"hello"
    return services.IncomingFile(
        name=name,
        content=ContentFile(content, name=name),
        size=len(content),
        content_type="text/plain",
    )
