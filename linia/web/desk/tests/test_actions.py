from __future__ import annotations

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Message, Ticket, TicketEvent

from .conftest import HTMX, upload


def post(client, ticket, action: str, data: dict, **extra):
    return client.post(f"/desk/tickets/{ticket.number}/{action}/", data, **extra)


def events_of(ticket) -> list[str]:
    return list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


# --- reply / note ---------------------------------------------------------------------------


def test_public_reply_with_files_redirects_back(agent_client, world, ticket_a):
    response = post(
        agent_client,
        ticket_a,
        "messages",
        {
            "body": "Please restart it.",
            "internal": "0",
            "attachments": [upload(), upload("b.txt", b"x", "text/plain")],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket_a.number}/"
    message = Message.objects.get(ticket=ticket_a)
    assert (message.body, message.is_internal, message.is_from_staff, message.channel) == (
        "Please restart it.",
        False,
        True,
        "desk",
    )
    assert sorted(message.attachments.values_list("filename", flat=True)) == [
        "b.txt",
        "screenshot.png",
    ]
    ticket_a.refresh_from_db()
    assert ticket_a.status == "in_progress"
    page = agent_client.get(response["Location"])
    assert "Reply sent." in page.content.decode()


def test_internal_note_via_htmx_returns_the_workspace(agent_client, world, ticket_a):
    response = post(
        agent_client, ticket_a, "messages", {"body": "Check the cable", "internal": "1"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ticket-workspace"')
    assert "<html" not in html
    assert "Internal note added." in html
    assert "Check the cable" in html
    message = Message.objects.get(ticket=ticket_a)
    assert message.is_internal is True
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new"  # a note is not a response


def test_empty_reply_is_refused_and_nothing_is_written(agent_client, world, ticket_a):
    before = events_of(ticket_a)
    response = post(agent_client, ticket_a, "messages", {"body": "   ", "internal": "0"}, **HTMX)
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert Message.objects.filter(ticket=ticket_a).count() == 0
    assert events_of(ticket_a) == before


def test_blocked_file_type_keeps_the_typed_text(agent_client, world, ticket_a):
    before = events_of(ticket_a)
    response = post(
        agent_client,
        ticket_a,
        "messages",
        {
            "body": "Run this tool",
            "internal": "0",
            "attachments": [upload("tool.exe", b"MZ", "application/octet-stream")],
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Files of type .exe are not accepted." in html
    assert "Run this tool</textarea>" in html
    assert Message.objects.filter(ticket=ticket_a).count() == 0
    assert events_of(ticket_a) == before


# --- status ---------------------------------------------------------------------------------


def test_accept_then_resolve_with_resolution(agent_client, world, ticket_a):
    assert post(agent_client, ticket_a, "transitions", {"to": "open"}).status_code == 302
    ticket_a.refresh_from_db()
    assert ticket_a.status == "open"
    response = post(
        agent_client,
        ticket_a,
        "transitions",
        {"to": "resolved", "resolution": "Cleaned the rollers", "training_recommended": "on"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Status changed." in response.content.decode()
    ticket_a.refresh_from_db()
    assert (ticket_a.status, ticket_a.resolution, ticket_a.training_recommended) == (
        "resolved",
        "Cleaned the rollers",
        True,
    )


def test_resolve_without_resolution_is_422_and_the_ticket_is_unchanged(
    agent_client, world, ticket_a
):
    before = events_of(ticket_a)
    response = post(
        agent_client, ticket_a, "transitions", {"to": "resolved", "resolution": ""}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "The resolution is required." in html
    assert "<details open>" in html  # the failed form stays unfolded
    ticket_a.refresh_from_db()
    assert (ticket_a.status, ticket_a.resolution) == ("new", "")
    assert events_of(ticket_a) == before


def test_resolve_without_resolution_without_htmx_renders_the_page_with_the_error(
    agent_client, world, ticket_a
):
    response = post(
        agent_client,
        ticket_a,
        "transitions",
        {"to": "resolved", "resolution": "", "training_recommended": "on"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert "The resolution is required." in html
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new"


def test_pending_needs_a_reason(agent_client, world, ticket_a):
    response = post(agent_client, ticket_a, "transitions", {"to": "pending", "note": ""}, **HTMX)
    assert response.status_code == 422
    assert "Give a reason for this change." in response.content.decode()
    response = post(
        agent_client,
        ticket_a,
        "transitions",
        {"to": "pending", "note": "Waiting for parts"},
        **HTMX,
    )
    assert response.status_code == 200
    ticket_a.refresh_from_db()
    assert (ticket_a.status, ticket_a.pending_reason) == ("pending", "Waiting for parts")


def test_forbidden_transition_is_409(agent_client, world, ticket_a):
    before = events_of(ticket_a)
    response = post(agent_client, ticket_a, "transitions", {"to": "closed"}, **HTMX)
    assert response.status_code == 409
    assert "A ticket cannot go from “New” to “Closed”." in response.content.decode()
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new"
    assert events_of(ticket_a) == before


def test_unknown_status_value_is_422(agent_client, world, ticket_a):
    response = post(agent_client, ticket_a, "transitions", {"to": "deleted"})
    assert response.status_code == 422
    ticket_a.refresh_from_db()
    assert ticket_a.status == "new"


# --- assignment -----------------------------------------------------------------------------


def test_assign_to_an_agent_and_unassign(agent_client, world, ticket_a):
    response = post(agent_client, ticket_a, "assign", {"assignee": world.engineer_a.pk}, **HTMX)
    assert response.status_code == 200
    ticket_a.refresh_from_db()
    assert (ticket_a.assignee, ticket_a.status) == (world.engineer_a, "open")
    assert post(agent_client, ticket_a, "assign", {"assignee": ""}).status_code == 302
    ticket_a.refresh_from_db()
    assert ticket_a.assignee is None


def test_assign_to_someone_who_does_not_serve_the_organization_is_refused(
    agent_client, world, ticket_a
):
    before = events_of(ticket_a)
    response = post(agent_client, ticket_a, "assign", {"assignee": world.agent_b.pk}, **HTMX)
    assert response.status_code == 422
    ticket_a.refresh_from_db()
    assert ticket_a.assignee is None
    assert events_of(ticket_a) == before


def test_take_it(agent_client, world, ticket_a):
    response = post(agent_client, ticket_a, "take", {}, **HTMX)
    assert response.status_code == 200
    assert "The ticket is yours." in response.content.decode()
    ticket_a.refresh_from_db()
    assert ticket_a.assignee == world.agent_a


# --- escalation -----------------------------------------------------------------------------


def test_escalate_to_l2_with_reason(agent_client, world, ticket_a):
    services.assign_ticket(
        actor=actor(world.agent_a), number=ticket_a.number, assignee_id=world.agent_a.pk
    )
    response = post(agent_client, ticket_a, "escalate", {"tier": "2", "reason": "Server side"})
    assert response.status_code == 302
    ticket_a.refresh_from_db()
    assert (ticket_a.tier, ticket_a.team, ticket_a.assignee) == (2, world.l2, None)
    event = TicketEvent.objects.filter(ticket=ticket_a, kind="ticket.escalated").get()
    assert event.payload["reason"] == "Server side"


def test_escalate_to_a_chosen_team(client, world, ticket_a):
    client.force_login(world.manager)
    response = post(
        client,
        ticket_a,
        "escalate",
        {"tier": "3", "team": world.l3.pk, "reason": "Vendor bug"},
        **HTMX,
    )
    assert response.status_code == 200
    ticket_a.refresh_from_db()
    assert (ticket_a.tier, ticket_a.team) == (3, world.l3)


def test_escalate_without_reason_or_downwards_is_refused(agent_client, world, ticket_a):
    before = events_of(ticket_a)
    response = post(agent_client, ticket_a, "escalate", {"tier": "2", "reason": ""}, **HTMX)
    assert response.status_code == 422
    services.escalate_ticket(actor=actor(world.agent_a), number=ticket_a.number, tier=3, reason="x")
    before = events_of(ticket_a)
    response = post(
        agent_client, ticket_a, "escalate", {"tier": "2", "reason": "Back down"}, **HTMX
    )
    assert response.status_code == 409
    assert "already at L3" in response.content.decode()
    assert events_of(ticket_a) == before


# --- classification -------------------------------------------------------------------------


def classification(ticket: Ticket, **changes) -> dict:
    data = {
        "subject": ticket.subject,
        "type": ticket.type,
        "category": "",
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "priority": "",
    }
    data.update(changes)
    return data


def test_classify_by_matrix(agent_client, world, ticket_a):
    response = post(
        agent_client,
        ticket_a,
        "classify",
        classification(ticket_a, impact="high", urgency="high", type="problem"),
        **HTMX,
    )
    assert response.status_code == 200
    ticket_a.refresh_from_db()
    assert (ticket_a.type, ticket_a.impact, ticket_a.urgency, ticket_a.priority) == (
        "problem",
        "high",
        "high",
        "P1",
    )
    changed = TicketEvent.objects.filter(ticket=ticket_a, kind="ticket.field_changed")
    assert sorted(changed.values_list("field", flat=True)) == [
        "impact",
        "priority",
        "type",
        "urgency",
    ]


def test_classify_sets_priority_directly(agent_client, world, ticket_a):
    assert (
        post(
            agent_client, ticket_a, "classify", classification(ticket_a, priority="P4")
        ).status_code
        == 302
    )
    ticket_a.refresh_from_db()
    assert ticket_a.priority == "P4"


def test_classify_with_bad_values_changes_nothing(agent_client, world, ticket_a):
    before = events_of(ticket_a)
    response = post(
        agent_client,
        ticket_a,
        "classify",
        classification(ticket_a, subject="", impact="enormous"),
        **HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Select a valid choice. enormous is not one of the available choices." in html
    ticket_a.refresh_from_db()
    assert (ticket_a.subject, ticket_a.impact) == ("The printer does not print", "medium")
    assert events_of(ticket_a) == before


def test_actions_only_accept_post(agent_client, world, ticket_a):
    for action in ("messages", "transitions", "assign", "take", "escalate", "classify"):
        assert agent_client.get(f"/desk/tickets/{ticket_a.number}/{action}/").status_code == 405
