"""Editing the client cards from the desk: organizations, contacts (and portal invitations),
equipment, licenses and vault entries. Secrets are write-only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from linia.core import crypto
from linia.directory import services
from linia.directory.models import (
    CREDENTIAL_PURPOSE,
    LICENSE_KEY_PURPOSE,
    Asset,
    Contact,
    Credential,
    License,
    Organization,
)
from linia.directory.tests.factories import actor

ORG_FORM = {"name": "Initech", "status": "active", "legal_name": "Initech LLC"}


def _login(client, user):
    client.force_login(user)
    return client


# --- organizations -----------------------------------------------------------------------------


def test_manager_creates_an_organization_with_its_contract(client, world):
    _login(client, world.manager)
    assert client.get("/desk/organizations/new/").status_code == 200
    response = client.post(
        "/desk/organizations/new/",
        {
            **ORG_FORM,
            "included_hours_per_month": "12.5",
            "hourly_rate": "40",
            "covered_workstations": "25",
            "support_hours": "Mon-Fri 9-18",
            "license_reminder_tickets": "yes",
            "teams": [str(world.l1.pk)],
        },
    )
    org = Organization.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/organizations/{org.pk}/"
    assert (org.legal_name, org.included_hours_per_month, org.covered_workstations) == (
        "Initech LLC",
        Decimal("12.50"),
        25,
    )
    assert org.license_reminder_tickets is True
    assert list(org.teams.all()) == [world.l1]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**ORG_FORM, "name": "Acme"}, "An organization with this name already exists."),
        ({**ORG_FORM, "name": ""}, "Please correct the errors below."),
        ({**ORG_FORM, "hourly_rate": "-1"}, "Please correct the errors below."),
    ],
)
def test_bad_organization_input_keeps_the_form(client, world, data, message):
    _login(client, world.manager)
    response = client.post("/desk/organizations/new/", {**data, "tax_id": "TX-77"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'value="TX-77"' in response.content.decode()
    assert Organization.objects.count() == 2


def test_agents_edit_the_card_of_organizations_they_serve_but_not_teams(client, world):
    _login(client, world.agent_a)
    assert client.get("/desk/organizations/new/").status_code == 404
    page = client.get(f"/desk/organizations/{world.org_a.pk}/edit/")
    assert page.status_code == 200
    assert 'name="teams"' not in page.content.decode()
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/edit/",
        {"name": "Acme", "status": "active", "support_hours": "24/7", "teams": [world.l3.pk]},
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.support_hours == "24/7"
    assert sorted(t.pk for t in world.org_a.teams.all()) == [world.l1.pk, world.l2.pk]


def test_manager_changes_the_serving_teams(client, world):
    _login(client, world.manager)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/edit/",
        {"name": "Acme", "status": "active", "teams": [world.l3.pk], "is_active": "on"},
    )
    assert response.status_code == 302
    assert [t.pk for t in world.org_a.teams.all()] == [world.l3.pk]


# --- the tenancy matrix of every edit page -----------------------------------------------------


def _card(world):
    contact = services.create_contact(
        organization_id=world.org_a.pk, full_name="Dora", email="dora@acme.test"
    )
    asset = services.create_asset(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="PC-1"
    )
    license_ = services.create_license(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, product="Office", key="K-1"
    )
    credential = services.create_credential(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="NAS", secret="S-1"
    )
    return contact, asset, license_, credential


def _pages(world, contact, asset, license_, credential):
    org = world.org_a.pk
    return [
        f"/desk/organizations/{org}/edit/",
        f"/desk/organizations/{org}/contacts/new/",
        f"/desk/contacts/{contact.pk}/edit/",
        f"/desk/organizations/{org}/assets/new/",
        f"/desk/assets/{asset.pk}/edit/",
        f"/desk/organizations/{org}/licenses/new/",
        f"/desk/licenses/{license_.pk}/edit/",
        f"/desk/credentials/{credential.pk}/edit/",
    ]


def _snapshot():
    return (
        list(Organization.objects.values_list("name", "support_hours")),
        Contact.objects.count(),
        list(Asset.objects.values_list("name", flat=True)),
        list(License.objects.values_list("product", flat=True)),
        list(Credential.objects.values_list("name", flat=True)),
    )


def test_an_agent_not_serving_gets_404_everywhere(client, world):
    items = _card(world)
    before = _snapshot()
    _login(client, world.agent_b)
    for path in _pages(world, *items):
        assert client.get(path).status_code == 404, path
        assert client.post(path, {"name": "Hacked", "full_name": "X"}).status_code == 404, path
    assert client.post(f"/desk/contacts/{items[0].pk}/invite/").status_code == 404
    assert _snapshot() == before
    assert len(mail.outbox) == 0


@pytest.mark.parametrize(
    "who", ["requester_a", "client_manager_a", "requester_b", "client_manager_b"]
)
def test_clients_never_reach_the_edit_pages(client, world, who):
    items = _card(world)
    before = _snapshot()
    _login(client, getattr(world, who))
    for path in [*_pages(world, *items), "/desk/organizations/new/"]:
        assert client.get(path).status_code == 302, path
        assert client.post(path, {"name": "Hacked"}).status_code == 403, path
    assert client.post(f"/desk/contacts/{items[0].pk}/invite/").status_code == 403
    assert _snapshot() == before


# --- contacts and invitations ------------------------------------------------------------------


def test_add_and_edit_a_contact(client, world):
    _login(client, world.agent_a)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/contacts/new/",
        {
            "full_name": "Eva Kovalenko",
            "email": "Eva@Acme.test",
            "phones": "+380 44 123-45-67\n+48 22 123 45 67",
            "extra_emails": "eva.home@example.test",
            "telegram": "@eva",
            "language": "uk",
            "is_vip": "on",
            "is_client_manager": "on",
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(full_name="Eva Kovalenko")
    assert (contact.email, contact.phone, contact.is_vip, contact.is_client_manager) == (
        "eva@acme.test",
        "+380441234567",
        True,
        True,
    )
    assert [p.number for p in contact.phones.all()] == ["+380441234567", "+48221234567"]
    assert contact.messengers == {"telegram": "@eva"}
    edited = client.post(
        f"/desk/contacts/{contact.pk}/edit/",
        {"full_name": "Eva K.", "language": "uk", "phones": "+48 22 123 45 67", "viber": "+48221"},
    )
    assert edited.status_code == 302
    contact.refresh_from_db()
    assert (contact.full_name, contact.phone, contact.is_vip, contact.messengers) == (
        "Eva K.",
        "+48221234567",
        False,
        {"viber": "+48221"},
    )


def test_a_bad_phone_is_refused_and_nothing_changes(client, world):
    contact = services.create_contact(
        organization_id=world.org_a.pk, full_name="Dora", phones=["+380441234567"]
    )
    _login(client, world.agent_a)
    response = client.post(
        f"/desk/contacts/{contact.pk}/edit/",
        {"full_name": "Dora Renamed", "language": "en", "phones": "12"},
    )
    assert response.status_code == 422
    assert "12" in response.content.decode()
    contact.refresh_from_db()
    assert (contact.full_name, contact.phone) == ("Dora", "+380441234567")


def test_invite_to_the_portal_once(client, world, django_capture_on_commit_callbacks):
    contact = services.create_contact(
        organization_id=world.org_a.pk, full_name="Dora", email="dora@acme.test"
    )
    _login(client, world.agent_a)
    card = client.get(f"/desk/organizations/{world.org_a.pk}/").content.decode()
    assert f"/desk/contacts/{contact.pk}/invite/" in card
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/desk/contacts/{contact.pk}/invite/", follow=True)
    assert "Invitation sent to dora@acme.test." in response.content.decode()
    assert len(mail.outbox) == 1
    contact.refresh_from_db()
    assert contact.user is not None
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/desk/contacts/{contact.pk}/invite/", follow=True)
    assert "This contact already has a portal account." in again.content.decode()
    assert len(mail.outbox) == 1


# --- equipment ---------------------------------------------------------------------------------


def test_add_equipment_with_custom_fields_and_remote_ids(client, world):
    _login(client, world.agent_a)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/assets/new/",
        {
            "type": "server",
            "name": "SRV-01",
            "ip_address": "10.0.0.5",
            "mac_address": "aa-bb-cc-dd-ee-ff",
            "owner": str(world.contact_a.pk),
            "anydesk_id": "123 456 789",
            "rdp_host": "srv-01.acme.local",
            "custom_fields": "os: Windows Server 2022\nram: 64 GB",
            "is_active": "on",
        },
    )
    asset = Asset.objects.get(name="SRV-01")
    assert response.status_code == 302
    assert (asset.type, asset.ip_address, asset.mac_address, asset.owner_id) == (
        "server",
        "10.0.0.5",
        "AA:BB:CC:DD:EE:FF",
        world.contact_a.pk,
    )
    assert asset.custom_fields == {"os": "Windows Server 2022", "ram": "64 GB"}
    page = client.get(f"/desk/assets/{asset.pk}/edit/").content.decode()
    assert "os: Windows Server 2022" in page
    edited = client.post(
        f"/desk/assets/{asset.pk}/edit/",
        {"type": "server", "name": "SRV-01", "custom_fields": "os: Debian 12", "is_active": "on"},
    )
    assert edited.status_code == 302
    asset.refresh_from_db()
    assert (asset.custom_fields, asset.anydesk_id, asset.owner_id) == (
        {"os": "Debian 12"},
        "",
        None,
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"custom_fields": "no colon here"}, "Line 1: write “name: value”."),
        ({"ip_address": "999.1.1.1"}, "Please correct the errors below."),
        ({"owner": "424242"}, "Please correct the errors below."),
    ],
)
def test_bad_equipment_input_is_refused(client, world, data, message):
    _login(client, world.agent_a)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/assets/new/",
        {"type": "server", "name": "SRV-01", "location": "Room 5", **data},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert 'value="Room 5"' in response.content.decode()
    assert Asset.objects.count() == 0


def test_the_owner_must_be_of_the_same_organization(client, world):
    _login(client, world.manager)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/assets/new/",
        {"type": "server", "name": "SRV-01", "owner": str(world.contact_b.pk)},
    )
    assert response.status_code == 422
    assert Asset.objects.count() == 0


# --- licenses: the key is write-only -----------------------------------------------------------


def test_license_key_is_never_shown_back(client, world):
    asset = services.create_asset(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="PC-1"
    )
    _login(client, world.agent_a)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/licenses/new/",
        {
            "product": "Office",
            "edition": "Business",
            "key": "SECRET-KEY-123",
            "seats": "5",
            "starts_on": "2027-01-01",
            "ends_on": "2027-12-31",
            "assets": [str(asset.pk)],
            "contacts": [str(world.contact_a.pk)],
        },
    )
    assert response.status_code == 302
    license_ = License.objects.get()
    assert license_.key is not None
    assert crypto.decrypt(license_.key, purpose=LICENSE_KEY_PURPOSE) == "SECRET-KEY-123"
    assert [a.pk for a in license_.assets.all()] == [asset.pk]
    page = client.get(f"/desk/licenses/{license_.pk}/edit/").content.decode()
    assert "SECRET-KEY-123" not in page
    assert "A key is stored." in page
    kept = client.post(
        f"/desk/licenses/{license_.pk}/edit/",
        {"product": "Office", "edition": "E3", "key": "", "ends_on": "2028-01-31"},
    )
    assert kept.status_code == 302
    license_.refresh_from_db()
    assert (license_.edition, license_.ends_on) == ("E3", dt.date(2028, 1, 31))
    assert crypto.decrypt(license_.key, purpose=LICENSE_KEY_PURPOSE) == "SECRET-KEY-123"
    assert list(license_.assets.all()) == []
    assert license_.key is not None
    client.post(f"/desk/licenses/{license_.pk}/edit/", {"product": "Office", "remove_key": "on"})
    license_.refresh_from_db()
    assert license_.key is None


def test_a_license_cannot_end_before_it_starts(client, world):
    _login(client, world.agent_a)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/licenses/new/",
        {"product": "Office", "key": "K-9", "starts_on": "2027-02-01", "ends_on": "2027-01-01"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "A license cannot end before it starts." in html
    assert "K-9" not in html
    assert License.objects.count() == 0


# --- vault entries: the secret is write-only ---------------------------------------------------


def test_edit_a_vault_entry_without_seeing_its_secret(client, world):
    credential = services.create_credential(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="NAS", secret="S-OLD"
    )
    _login(client, world.agent_a)
    page = client.get(f"/desk/credentials/{credential.pk}/edit/").content.decode()
    assert "S-OLD" not in page
    response = client.post(
        f"/desk/credentials/{credential.pk}/edit/",
        {"name": "NAS 2", "login": "root", "secret": ""},
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert (credential.name, credential.login) == ("NAS 2", "root")
    assert crypto.decrypt(credential.secret, purpose=CREDENTIAL_PURPOSE) == "S-OLD"
    client.post(f"/desk/credentials/{credential.pk}/edit/", {"name": "NAS 2", "secret": "S-NEW"})
    credential.refresh_from_db()
    assert crypto.decrypt(credential.secret, purpose=CREDENTIAL_PURPOSE) == "S-NEW"
    refused = client.post(
        f"/desk/credentials/{credential.pk}/edit/", {"name": "", "secret": "Typed-Secret-42"}
    )
    assert refused.status_code == 422
    assert "Typed-Secret-42" not in refused.content.decode()
    credential.refresh_from_db()
    assert crypto.decrypt(credential.secret, purpose=CREDENTIAL_PURPOSE) == "S-NEW"
