"""Work log, asset on PATCH, agents reading the directory, portal invitations."""

from __future__ import annotations

import pytest
from django.core import mail

from linia.directory import services as directory_services
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Ticket, TicketEvent, Worklog
from linia.tickets.tests.factories import make_ticket

from .conftest import API

JSON = "application/json"


def _asset(world, organization, name="PC-1"):
    agent = world.agent_a if organization == world.org_a else world.agent_b
    return directory_services.create_asset(
        actor=actor(agent), organization_id=organization.pk, name=name
    )


# --- work log ----------------------------------------------------------------------------------


def test_agent_logs_and_lists_work(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    client = api_as(world.agent_a)
    created = client.post(
        f"{API}/tickets/{ticket.number}/worklogs",
        {"minutes": 30, "note": "Remote session", "billable": False},
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["ticket"], body["minutes"], body["billable"], body["note"]) == (
        ticket.number,
        30,
        False,
        "Remote session",
    )
    assert body["agent"]["id"] == world.agent_a.pk
    listed = client.get(f"{API}/tickets/{ticket.number}/worklogs")
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [body["id"]]
    assert listed.json()["count"] == 1


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"minutes": 0}, "invalid"),
        ({"minutes": 1441}, "invalid"),
        ({"minutes": 10, "work_date": "2999-01-01"}, "work_date_future"),
        ({"minutes": 10, "surprise": 1}, "invalid"),
        ({}, "invalid"),
    ],
)
def test_bad_worklog_input_is_422_with_a_message(world, api_as, payload, code):
    ticket = make_ticket(actor(world.requester_a))
    response = api_as(world.agent_a).post(
        f"{API}/tickets/{ticket.number}/worklogs", payload, content_type=JSON
    )
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert response.json()["message"]
    assert Worklog.objects.count() == 0


@pytest.mark.parametrize(
    "who", ["requester_a", "client_manager_a", "requester_b", "client_manager_b", "agent_b"]
)
def test_worklogs_are_404_for_clients_and_agents_not_serving(world, api_as, who):
    ticket = make_ticket(actor(world.requester_a))
    entry = services.log_work(actor=actor(world.agent_a), number=ticket.number, minutes=5)
    client = api_as(getattr(world, who))
    assert client.get(f"{API}/tickets/{ticket.number}/worklogs").status_code == 404
    response = client.post(
        f"{API}/tickets/{ticket.number}/worklogs", {"minutes": 5}, content_type=JSON
    )
    assert response.status_code == 404
    assert client.delete(f"{API}/tickets/{ticket.number}/worklogs/{entry.pk}").status_code == 404
    assert Worklog.objects.count() == 1


def test_delete_worklog_own_or_manager(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    entry = services.log_work(actor=actor(world.engineer_a), number=ticket.number, minutes=5)
    url = f"{API}/tickets/{ticket.number}/worklogs/{entry.pk}"
    assert api_as(world.agent_a).delete(url).status_code == 403
    other = make_ticket(actor(world.requester_a))
    assert (
        api_as(world.manager)
        .delete(f"{API}/tickets/{other.number}/worklogs/{entry.pk}")
        .status_code
        == 404
    )
    assert api_as(world.manager).delete(url).status_code == 204
    assert Worklog.objects.count() == 0


# --- PATCH asset -------------------------------------------------------------------------------


def test_patch_names_and_clears_the_equipment(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    pc = _asset(world, world.org_a)
    client = api_as(world.agent_a)
    response = client.patch(f"{API}/tickets/{ticket.number}", {"asset": pc.pk}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["asset_id"] == pc.pk
    cleared = client.patch(f"{API}/tickets/{ticket.number}", {"asset": None}, content_type=JSON)
    assert cleared.json()["asset_id"] is None
    assert Ticket.objects.get(pk=ticket.pk).asset_id is None


def test_patch_with_equipment_of_another_organization_is_422(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    foreign = _asset(world, world.org_b)
    before = TicketEvent.objects.count()
    response = api_as(world.manager).patch(
        f"{API}/tickets/{ticket.number}",
        {"asset": foreign.pk, "subject": "Changed"},
        content_type=JSON,
    )
    assert (response.status_code, response.json()["code"]) == (422, "invalid_asset")
    assert "organization" in response.json()["message"]
    assert TicketEvent.objects.count() == before
    ticket.refresh_from_db()
    assert (ticket.asset_id, ticket.subject) == (None, "The printer does not print")


# --- agents read the directory they serve ------------------------------------------------------


def test_agent_reads_served_organizations_and_contacts_only(world, api_as):
    client = api_as(world.agent_a)
    listed = client.get(f"{API}/organizations")
    assert listed.status_code == 200
    assert [o["name"] for o in listed.json()["items"]] == ["Acme"]
    assert client.get(f"{API}/organizations/{world.org_a.pk}").status_code == 200
    assert client.get(f"{API}/organizations/{world.org_b.pk}").status_code == 404
    contacts = client.get(f"{API}/contacts").json()["items"]
    assert {c["organization"]["id"] for c in contacts} == {world.org_a.pk}
    assert client.get(f"{API}/contacts/{world.contact_a.pk}").status_code == 200
    assert client.get(f"{API}/contacts/{world.contact_b.pk}").status_code == 404
    assert client.get(f"{API}/contacts?organization={world.org_b.pk}").json()["count"] == 0


def test_agent_still_cannot_write_the_directory(world, api_as):
    client = api_as(world.agent_a)
    response = client.patch(
        f"{API}/organizations/{world.org_a.pk}", {"notes": "x"}, content_type=JSON
    )
    assert response.status_code == 403


# --- invitations -------------------------------------------------------------------------------


def _contact(world, organization, email="new.person@example.test"):
    return directory_services.create_contact(
        organization_id=organization.pk, full_name="New Person", email=email
    )


def test_staff_invite_a_contact_once(world, api_as, django_capture_on_commit_callbacks):
    contact = _contact(world, world.org_a)
    client = api_as(world.agent_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/contacts/{contact.pk}/invite")
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "requester"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.test"]
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"{API}/contacts/{contact.pk}/invite")
    assert (again.status_code, again.json()["code"]) == (422, "user_has_contact")
    assert len(mail.outbox) == 1


def test_invite_without_email_is_refused_clearly(world, api_as):
    contact = _contact(world, world.org_a, email="")
    response = api_as(world.agent_a).post(f"{API}/contacts/{contact.pk}/invite")
    assert (response.status_code, response.json()["code"]) == (422, "email_required")


def test_invite_as_client_manager(world, api_as):
    contact = _contact(world, world.org_a)
    response = api_as(world.manager).post(
        f"{API}/contacts/{contact.pk}/invite", {"client_manager": True}, content_type=JSON
    )
    assert response.json()["role"] == "client_manager"


@pytest.mark.parametrize(
    "who", ["agent_b", "requester_b", "client_manager_b", "requester_a", "client_manager_a"]
)
def test_invite_is_404_for_clients_and_agents_not_serving(world, api_as, who):
    contact = _contact(world, world.org_a)
    response = api_as(getattr(world, who)).post(f"{API}/contacts/{contact.pk}/invite")
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.user_id is None
    assert len(mail.outbox) == 0
