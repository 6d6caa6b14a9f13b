from __future__ import annotations

from datetime import UTC, datetime

from linia.directory.models import Contact
from linia.tickets.models import Ticket, TicketEvent

from .conftest import HTMX, upload

URL = "/desk/tickets/new/"


def form_data(world, **changes) -> dict:
    data = {
        "organization": world.org_a.pk,
        "requester": world.contact_a.pk,
        "requester_email": "",
        "subject": "Phone: monitor flickers",
        "description": "Called at 9:30.",
        "type": "incident",
        "category": "",
        "impact": "medium",
        "urgency": "high",
        "priority": "",
        "channel": "phone",
        "received_at": "",
    }
    data.update(changes)
    return data


def test_form_page(agent_client, world):
    response = agent_client.get(URL + f"?organization={world.org_a.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{world.org_a.pk}" selected>Acme</option>' in html
    assert "Globex" not in html
    assert (
        f'<option value="{world.contact_a.pk}">{world.contact_a.full_name} &lt;{world.contact_a.email}&gt;</option>'
        in html
    )
    assert '<option value="phone" selected>Phone</option>' in html
    assert 'type="datetime-local"' in html


def test_register_a_phone_call(agent_client, world):
    response = agent_client.post(
        URL, {**form_data(world, received_at="2024-05-01T09:30"), "attachments": [upload()]}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert (ticket.subject, ticket.requester, ticket.organization, ticket.channel) == (
        "Phone: monitor flickers",
        world.contact_a,
        world.org_a,
        "phone",
    )
    assert (ticket.impact, ticket.urgency, ticket.priority, ticket.created_by) == (
        "medium",
        "high",
        "P2",
        world.agent_a,
    )
    # 09:30 in the agent's zone (Europe/Kyiv, UTC+3 in May)
    assert ticket.received_at == datetime(2024, 5, 1, 6, 30, tzinfo=UTC)
    assert list(ticket.attachments.values_list("filename", flat=True)) == ["screenshot.png"]
    assert (
        f"Ticket #{ticket.number} registered."
        in agent_client.get(response["Location"]).content.decode()
    )


def test_register_for_a_new_contact_by_email_with_a_direct_priority(agent_client, world):
    response = agent_client.post(
        URL, form_data(world, requester="", requester_email="New.Person@acme.test", priority="P1")
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    contact = Contact.objects.get(email="new.person@acme.test")
    assert (ticket.requester, contact.organization, ticket.priority) == (contact, world.org_a, "P1")


def test_missing_requester_and_subject_show_errors_and_keep_the_input(agent_client, world):
    response = agent_client.post(URL, form_data(world, requester="", subject=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose a contact or enter the e-mail address of a new one." in html
    assert "This field is required." in html
    assert "Called at 9:30.</textarea>" in html
    assert Ticket.objects.count() == 0
    assert TicketEvent.objects.count() == 0


def test_future_received_time_is_refused(agent_client, world):
    response = agent_client.post(URL, form_data(world, received_at="2999-01-01T10:00"))
    assert response.status_code == 422
    assert "The time received cannot be in the future." in response.content.decode()
    assert Ticket.objects.count() == 0


def test_agent_cannot_file_for_an_organization_they_do_not_serve(client, world):
    client.force_login(world.agent_b)
    response = client.post(URL, form_data(world))
    assert response.status_code == 422  # Acme is not among agent_b's choices
    assert Ticket.objects.count() == 0
    # even by e-mail of an Acme contact
    response = client.post(
        URL,
        form_data(
            world, organization=world.org_b.pk, requester="", requester_email=world.contact_a.email
        ),
    )
    assert Ticket.objects.filter(organization=world.org_a).count() == 0


def test_requester_options_for_the_chosen_organization(agent_client, world):
    response = agent_client.get(
        f"/desk/tickets/new/requesters/?organization={world.org_a.pk}", **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<option value="">—</option>')
    assert f'<option value="{world.contact_a.pk}">' in html
    assert world.contact_b.full_name not in html
    hidden = agent_client.get(
        f"/desk/tickets/new/requesters/?organization={world.org_b.pk}", **HTMX
    )
    assert hidden.content.decode() == '<option value="">—</option>'
