"""One request: the public thread, replies, confirm / reopen / cancel, and tenancy."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Message, Ticket, TicketEvent
from linia.tickets.services import IncomingFile
from linia.tickets.tests.factories import make_ticket


def _url(ticket: Ticket, name: str = "request-detail") -> str:
    return reverse(f"portal:{name}", args=[ticket.number])


def _incoming(name: str, content: bytes) -> IncomingFile:
    return IncomingFile(name=name, content=ContentFile(content, name=name), size=len(content))


@pytest.fixture
def ticket(world) -> Ticket:
    return make_ticket(
        actor(world.requester_a),
        subject="VPN drops every hour",
        files=[_incoming("vpn.log", b"disconnect at 10:00")],
    )


@pytest.fixture
def resolved(world, ticket) -> Ticket:
    agent = actor(world.agent_a)
    services.add_message(actor=agent, number=ticket.number, body="Please update the client.")
    services.change_status(
        actor=agent,
        number=ticket.number,
        to="resolved",
        resolution="Updated the VPN client to 5.2.",
    )
    ticket.refresh_from_db()
    return ticket


def _events(ticket: Ticket) -> int:
    return TicketEvent.objects.filter(ticket=ticket).count()


def test_page_shows_request_and_public_thread_only(client, world, ticket):
    agent = actor(world.agent_a)
    services.add_message(actor=agent, number=ticket.number, body="Which VPN client version?")
    services.add_message(
        actor=agent,
        number=ticket.number,
        body="SECRET internal remark",
        is_internal=True,
        files=[_incoming("internal.txt", b"staff only")],
    )
    client.force_login(world.requester_a)
    response = client.get(_url(ticket))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"#{ticket.number}" in body
    assert "VPN drops every hour" in body
    assert '<span class="badge status-in_progress">In progress</span>' in body
    assert "Which VPN client version?" in body
    assert "vpn.log" in body
    assert "SECRET internal remark" not in body
    assert "internal.txt" not in body
    assert f'action="/requests/{ticket.number}/messages/"' in body
    assert "Created" in body
    assert "Last update" in body


def test_resolved_request_shows_resolution_and_confirm_reopen(client, world, resolved):
    client.force_login(world.requester_a)
    body = client.get(_url(resolved)).content.decode()
    assert "Updated the VPN client to 5.2." in body
    assert "Confirm the fix" in body
    assert "Reopen" in body
    assert 'name="to" value="closed"' in body
    assert 'name="to" value="in_progress"' in body


def test_new_request_offers_cancel_but_not_confirm(client, world, ticket):
    client.force_login(world.requester_a)
    body = client.get(_url(ticket)).content.decode()
    assert 'name="to" value="cancelled"' in body
    assert "Confirm the fix" not in body
    assert "Resolution" not in body


def test_confirm_closes(client, world, resolved):
    client.force_login(world.requester_a)
    response = client.post(_url(resolved, "request-transition"), {"to": "closed"})
    assert response.status_code == 302
    assert response["Location"] == _url(resolved)
    resolved.refresh_from_db()
    assert resolved.status == "closed"
    page = client.get(_url(resolved)).content.decode()
    assert f"Request #{resolved.number} is now “Closed”." in page
    assert "This request is closed." in page
    assert f'action="/requests/{resolved.number}/messages/"' not in page


def test_reopen_needs_a_reason(client, world, resolved):
    client.force_login(world.requester_a)
    before = _events(resolved)
    response = client.post(_url(resolved, "request-transition"), {"to": "in_progress", "note": ""})
    assert response.status_code == 422
    assert "Give a reason for this change." in response.content.decode()
    resolved.refresh_from_db()
    assert resolved.status == "resolved"
    assert _events(resolved) == before


def test_reopen_with_reason(client, world, resolved):
    client.force_login(world.requester_a)
    response = client.post(
        _url(resolved, "request-transition"), {"to": "in_progress", "note": "Still drops."}
    )
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == "in_progress"
    event = TicketEvent.objects.filter(ticket=resolved).latest("id")
    assert (event.kind, event.new_value, event.payload["note"]) == (
        "ticket.status_changed",
        "in_progress",
        "Still drops.",
    )


def test_cancel_with_reason(client, world, ticket):
    client.force_login(world.requester_a)
    response = client.post(
        _url(ticket, "request-transition"), {"to": "cancelled", "note": "It works again."}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"


def test_forbidden_transition_shows_message(client, world, ticket):
    client.force_login(world.requester_a)
    before = _events(ticket)
    response = client.post(_url(ticket, "request-transition"), {"to": "resolved"})
    assert response.status_code == 409
    assert "You may not move a ticket from “New” to “Resolved”." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert _events(ticket) == before


def test_reply_adds_public_message_with_files(client, world, ticket):
    client.force_login(world.requester_a)
    response = client.post(
        _url(ticket, "request-reply"),
        {"body": "Version 5.1", "attachments": [SimpleUploadedFile("shot.png", b"png")]},
    )
    assert response.status_code == 302
    assert response["Location"] == _url(ticket) + "#thread"
    message = Message.objects.get(ticket=ticket)
    assert (message.body, message.is_internal, message.channel) == ("Version 5.1", False, "portal")
    assert [a.filename for a in message.attachments.all()] == ["shot.png"]


def test_reply_to_resolved_request_reopens_it(client, world, resolved):
    client.force_login(world.requester_a)
    client.post(_url(resolved, "request-reply"), {"body": "It is back."})
    resolved.refresh_from_db()
    assert resolved.status == "in_progress"


def test_empty_reply_is_refused(client, world, ticket):
    client.force_login(world.requester_a)
    before = _events(ticket)
    response = client.post(_url(ticket, "request-reply"), {"body": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert _events(ticket) == before


def test_reply_with_blocked_file_keeps_text(client, world, ticket):
    client.force_login(world.requester_a)
    before = _events(ticket)
    response = client.post(
        _url(ticket, "request-reply"),
        {"body": "My long explanation", "attachments": [SimpleUploadedFile("x.bat", b"@echo")]},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Files of type .bat are not accepted." in body
    assert "My long explanation" in body
    assert _events(ticket) == before


def test_reply_to_closed_request_is_refused(client, world, resolved):
    requester = actor(world.requester_a)
    services.change_status(actor=requester, number=resolved.number, to="closed")
    client.force_login(world.requester_a)
    before = _events(resolved)
    response = client.post(_url(resolved, "request-reply"), {"body": "One more thing"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "This request is closed. Please submit a new request." in body
    assert _events(resolved) == before


# --- tenancy: what another organization's people and colleagues get --------------------------

OUTSIDERS = ["requester_b", "client_manager_b", "colleague_a"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_the_page(client, world, ticket, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(ticket)).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_a_reply(client, world, ticket, who):
    client.force_login(getattr(world, who))
    before = _events(ticket)
    response = client.post(_url(ticket, "request-reply"), {"body": "Intrusion"})
    assert response.status_code == 404
    assert _events(ticket) == before
    assert Message.objects.filter(ticket=ticket).count() == 0


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_for_a_transition(client, world, ticket, who):
    client.force_login(getattr(world, who))
    before = _events(ticket)
    response = client.post(
        _url(ticket, "request-transition"), {"to": "cancelled", "note": "Intrusion"}
    )
    assert response.status_code == 404
    assert _events(ticket) == before
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_unknown_number_is_404(client, world):
    client.force_login(world.requester_a)
    assert client.get("/requests/999999/").status_code == 404


def test_client_manager_of_the_organization_may_act(client, world, resolved):
    client.force_login(world.client_manager_a)
    assert client.get(_url(resolved)).status_code == 200
    response = client.post(_url(resolved, "request-transition"), {"to": "closed"})
    assert response.status_code == 302
    resolved.refresh_from_db()
    assert resolved.status == "closed"


def test_query_count_is_flat_as_the_thread_grows(client, world, ticket, django_assert_num_queries):
    requester = actor(world.requester_a)
    agent = actor(world.agent_a)
    services.add_message(actor=agent, number=ticket.number, body="First")
    services.add_message(
        actor=requester, number=ticket.number, body="Second", files=[_incoming("a.txt", b"a")]
    )
    client.force_login(world.requester_a)
    with CaptureQueriesContext(connection) as small:
        client.get(_url(ticket))
    for i in range(8):
        services.add_message(
            actor=agent if i % 2 else requester,
            number=ticket.number,
            body=f"Message {i}",
            files=[_incoming(f"f{i}.txt", b"x")],
        )
    with django_assert_num_queries(len(small)):
        assert client.get(_url(ticket)).status_code == 200
