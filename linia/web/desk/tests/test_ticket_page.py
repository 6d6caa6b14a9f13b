from __future__ import annotations

from datetime import UTC, datetime

from linia.accounts import services as account_services
from linia.directory import services as directory_services
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket
from linia.web.desk.presenters import timeline_rows

from .conftest import incoming, reply


def url(ticket) -> str:
    return f"/desk/tickets/{ticket.number}/"


def test_ticket_page_shows_thread_requester_classification_and_actions(agent_client, world):
    contact = directory_services.create_contact(
        organization_id=world.org_a.pk,
        full_name="Olga Petrenko",
        email="olga@acme.test",
        phone="+380 44 123 45 67",
    )
    ticket_a = make_ticket(
        actor(world.agent_a), requester=contact.pk, files=[incoming()], channel="phone"
    )
    reply(world, ticket_a, "Public answer")
    reply(world, ticket_a, "Secret note", internal=True)
    response = agent_client.get(url(ticket_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert ticket_a.subject in html
    assert ticket_a.description in html
    assert "Public answer" in html
    assert "Secret note" in html
    assert '<li class="internal"' in html
    assert '<li class="from-staff"' in html
    # requester and organization card
    assert "Olga Petrenko" in html
    assert 'href="mailto:olga@acme.test"' in html
    assert 'href="tel:+380441234567"' in html
    assert "Acme" in html
    # the opening attachment is linked through the desk
    attachment = ticket_a.attachments.get()
    assert f'href="/desk/attachments/{attachment.pk}/"' in html
    # classification
    assert "Incident" in html
    assert 'class="badge priority-P3"' in html
    # actions: buttons come from the workflow (new → accept, start, pend, resolve, cancel)
    actions = [choice.transition.rule.action for choice in response.context["transitions"]]
    # the public reply moved the ticket to in progress
    assert actions == ["pend", "resolve", "cancel"]
    assert 'action="/desk/tickets/1001/transitions/"' in html
    assert 'action="/desk/tickets/1001/messages/"' in html
    assert 'action="/desk/tickets/1001/assign/"' in html
    assert 'action="/desk/tickets/1001/take/"' in html
    assert 'action="/desk/tickets/1001/classify/"' in html
    assert 'action="/desk/tickets/1001/escalate/"' in html
    assert "Take it" in html


def test_ticket_page_timeline_shows_every_event_with_details(agent_client, world, ticket_a):
    agent = actor(world.agent_a)
    services.assign_ticket(actor=agent, number=ticket_a.number, assignee_id=world.agent_a.pk)
    services.change_status(
        actor=agent, number=ticket_a.number, to="pending", note="Waiting for the toner"
    )
    services.change_status(
        actor=agent,
        number=ticket_a.number,
        to="resolved",
        resolution="Replaced the toner",
        training_recommended=True,
    )
    response = agent_client.get(url(ticket_a))
    rows = timeline_rows(ticket_a.events.order_by("created_at", "id"))
    assert [row.label for row in rows] == [
        "Ticket registered",
        "Attachment added",
        "Assignee changed",
        "Status changed",
        "Status changed",
        "Status changed",
    ]
    assert [(row.old, row.new) for row in rows[2:]] == [
        ("nobody", world.agent_a.display_name),
        ("New", "Open"),
        ("Open", "Pending"),
        ("Pending", "Resolved"),
    ]
    assert rows[4].details == [("Reason", "Waiting for the toner")]
    assert rows[5].details == [
        ("Resolution", "Replaced the toner"),
        ("Training recommended", "yes"),
    ]
    html = response.content.decode()
    assert "Waiting for the toner" in html
    assert "Replaced the toner" in html
    # resolved: the only staff transitions left are confirm and reopen
    actions = [choice.transition.rule.action for choice in response.context["transitions"]]
    assert actions == ["confirm", "reopen"]
    assert response.context["can_escalate"] is False
    assert response.context["can_take"] is False


def test_timeline_entries_markup(agent_client, world, ticket_a):
    agent = actor(world.agent_a)
    services.change_status(
        actor=agent, number=ticket_a.number, to="pending", note="Waiting <for> the toner"
    )
    html = agent_client.get(url(ticket_a)).content.decode()
    attachment = ticket_a.attachments.get()

    assert '<li class="event-ticketcreated">' in html
    assert f'· Attachment added: <a href="/desk/attachments/{attachment.pk}/">' in html
    assert (
        '· Status changed: <span class="old">New</span> → <span class="new">Pending</span>' in html
    )
    assert (
        '<dl class="facts small"><dt>Reason</dt>'
        '<dd class="prewrap">Waiting &lt;for&gt; the toner</dd></dl>' in html
    )
    assert f"<strong>{world.agent_a.display_name}</strong>" in html


def test_opening_files_are_linked_and_internal_ones_marked(agent_client, world, ticket_a):
    services.add_attachments(
        actor=actor(world.agent_a),
        number=ticket_a.number,
        files=[incoming("secret.txt")],
        is_internal=True,
    )
    html = agent_client.get(url(ticket_a)).content.decode()
    public, internal = ticket_a.attachments.order_by("id")

    assert (
        f'<li><a href="/desk/attachments/{public.pk}/">{public.filename}</a> '
        f'<span class="muted">7\xa0bytes</span></li>' in html
    )
    assert (
        f'<li><a href="/desk/attachments/{internal.pk}/">secret.txt</a> '
        '<span class="muted">7\xa0bytes</span> <span class="badge internal">internal</span></li>'
        in html
    )


def test_ticket_page_timeline_escalation_and_field_changes(client, world, ticket_a):
    client.force_login(world.manager)
    manager = actor(world.manager)
    services.classify_ticket(actor=manager, number=ticket_a.number, impact="high")
    services.escalate_ticket(actor=manager, number=ticket_a.number, tier=2, reason="Needs L2")
    response = client.get(url(ticket_a))
    rows = timeline_rows(ticket_a.events.order_by("created_at", "id"))[2:]
    assert [(row.label, row.old, row.new) for row in rows] == [
        ("Changed impact", "Medium", "High"),
        ("Changed priority", "P3 · medium", "P2 · high"),
        ("Escalated", "L1", "L2"),
    ]
    assert rows[2].details == [("Reason", "Needs L2"), ("Team", "L1 Service desk → L2 Engineers")]
    html = response.content.decode()
    assert '<span class="old">L1</span> → <span class="new">L2</span>' in html
    assert "L1 Service desk → L2 Engineers" in html
    # at L2 one can still go to L3
    assert response.context["escalate_form"].fields["tier"].choices == [(3, "L3")]


def test_unknown_ticket_is_404(agent_client, db):
    assert agent_client.get("/desk/tickets/999999/").status_code == 404


def test_times_are_shown_in_the_users_time_zone(agent_client, world):
    ticket = make_ticket(
        actor(world.agent_a),
        requester=world.contact_a.pk,
        received_at=datetime(2024, 1, 15, 10, 0, tzinfo=UTC),
    )
    account_services.update_preferences(
        user_id=world.agent_a.pk, language="en", time_zone="Asia/Tokyo"
    )
    html = agent_client.get(url(ticket)).content.decode()
    assert (
        '<time datetime="2024-01-15T10:00:00+00:00" title="2024-01-15 19:00:00 JST">'
        "2024-01-15 19:00</time>"
    ) in html
