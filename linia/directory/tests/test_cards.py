import datetime as dt
from decimal import Decimal

import pytest

from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Invalid, NotFound
from linia.directory import queries, services
from linia.directory.models import Asset, Contact, License, LicenseReminder
from linia.directory.phones import format_phone, normalize_phone
from linia.directory.tests.factories import actor


@pytest.mark.parametrize(
    "raw", ["+380 44 123 45 67", "+380441234567", "00380441234567", "+38 (044) 123-45-67"]
)
def test_phones_are_normalized_to_e164(raw):
    assert normalize_phone(raw) == "+380441234567"


def test_a_bad_number_is_invalid():
    with pytest.raises(Invalid):
        normalize_phone("call me")
    assert format_phone("+380441234567") == "+380 44 123 4567"


def test_a_callers_number_finds_the_contact_within_tenancy(world):
    contact = services.create_contact(
        organization_id=world.org_a.pk,
        full_name="Olga",
        phone="+380 44 123 45 67",
        phones=["+48 22 123 45 67", "+380441234567"],
        messengers={"telegram": "@olga"},
        is_client_manager=True,
    )
    assert contact.phone == "+380441234567"
    assert list(contact.phones.values_list("number", flat=True)) == [
        "+380441234567",
        "+48221234567",
    ]
    assert queries.find_contact_by_phone(actor(world.agent_a), "0048 22 123-45-67") == contact
    assert queries.find_contact_by_phone(actor(world.agent_b), "+48221234567") is None
    assert queries.find_contact_by_phone(actor(world.agent_a), "garbage") is None


def test_a_bad_phone_creates_no_contact(world):
    before = Contact.objects.count()
    with pytest.raises(Invalid):
        services.create_contact(organization_id=world.org_a.pk, full_name="X", phones=["nope"])
    assert Contact.objects.count() == before


def test_the_organization_card_fields(world):
    organization = services.update_organization(
        actor=SYSTEM_ACTOR,
        organization_id=world.org_a.pk,
        card={
            "tax_id": "12345678",
            "support_hours": "Mon-Fri 9-18",
            "included_hours_per_month": Decimal(20),
            "hourly_rate": Decimal("45.50"),
            "covered_workstations": 42,
            "status": "active",
        },
    )
    organization.refresh_from_db()
    assert organization.covered_workstations == 42
    assert organization.hourly_rate == Decimal("45.50")
    with pytest.raises(Invalid):
        services.update_organization(
            actor=SYSTEM_ACTOR, organization_id=world.org_a.pk, card={"status": "bogus"}
        )
    with pytest.raises(Invalid):
        services.update_organization(
            actor=SYSTEM_ACTOR, organization_id=world.org_a.pk, card={"is_staff": True}
        )


def test_equipment_with_remote_access_links(world):
    asset = services.create_asset(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        name="ACC-PC-01",
        type="workstation",
        ip_address="10.0.0.5",
        mac_address="aa-bb-cc-dd-ee-ff",
        anydesk_id="123 456 789",
        teamviewer_id="987654321",
        rdp_host="acc-pc-01.acme.local",
        owner_id=world.contact_a.pk,
        custom_fields={"cpu": "i5"},
    )
    assert asset.mac_address == "AA:BB:CC:DD:EE:FF"
    assert asset.remote_links == [
        ("AnyDesk", "anydesk:123456789"),
        ("TeamViewer", "teamviewer10://control?device=987654321"),
        ("RDP", "rdp://full%20address=s:acc-pc-01.acme.local"),
    ]
    assert queries.assets_for_requester(actor(world.requester_a), world.org_a.pk) == [asset]
    assert list(queries.list_assets_for(actor(world.agent_b))) == []
    with pytest.raises(NotFound):
        queries.get_asset_for(actor(world.requester_b), asset.pk)


@pytest.mark.parametrize("who", ["agent_b", "requester_a", "client_manager_b"])
def test_equipment_and_licenses_are_written_by_serving_staff_only(world, who):
    with pytest.raises(NotFound):
        services.create_asset(
            actor=actor(getattr(world, who)), organization_id=world.org_a.pk, name="x"
        )
    with pytest.raises(NotFound):
        services.create_license(
            actor=actor(getattr(world, who)), organization_id=world.org_a.pk, product="x"
        )
    assert Asset.objects.count() == 0
    assert License.objects.count() == 0


def test_an_owner_from_another_organization_is_refused(world):
    with pytest.raises(Invalid):
        services.create_asset(
            actor=actor(world.manager),
            organization_id=world.org_a.pk,
            name="x",
            owner_id=world.contact_b.pk,
        )
    assert Asset.objects.count() == 0


def test_license_key_is_sealed_and_hidden(world):
    license_ = services.create_license(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        product="Windows Server",
        edition="Standard",
        key="ABCDE-12345",
        seats=5,
        ends_on=dt.date(2027, 1, 1),
        contact_ids=[world.contact_a.pk],
    )
    license_.refresh_from_db()
    assert license_.key is not None
    assert b"ABCDE" not in bytes(license_.key)
    assert "ABCDE" not in repr(license_)
    listed = queries.list_licenses_for(actor(world.agent_a))
    assert "key" in listed[0].get_deferred_fields()
    assert list(queries.list_licenses_for(actor(world.requester_a))) == []


def test_license_reminders_once_per_threshold(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.contact_a.is_client_manager = True
    world.contact_a.save()
    license_ = services.create_license(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        product="Office",
        ends_on=dt.date(2027, 3, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_license_reminders(today=dt.date(2027, 2, 1)) == 0
        assert services.send_license_reminders(today=dt.date(2027, 3, 1)) == 1
        assert services.send_license_reminders(today=dt.date(2027, 3, 2)) == 0
        assert services.send_license_reminders(today=dt.date(2027, 3, 25)) == 1
        assert services.send_license_reminders(today=dt.date(2027, 3, 30)) == 1
        assert services.send_license_reminders(today=dt.date(2027, 3, 30)) == 0
    assert list(
        LicenseReminder.objects.filter(license=license_)
        .order_by("-days")
        .values_list("days", flat=True)
    ) == [30, 7, 1]
    assert len(mailoutbox) == 3
    assert world.contact_a.email in mailoutbox[0].to
    assert world.agent_a.email in mailoutbox[0].to
    assert world.agent_b.email not in mailoutbox[0].to
    assert "Office" in mailoutbox[0].subject


def test_a_ticket_names_equipment_of_its_own_organization(world):
    from linia.tickets import services as ticket_services
    from linia.tickets.tests.factories import make_ticket

    asset = services.create_asset(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="PC-1"
    )
    other = services.create_asset(
        actor=actor(world.agent_b), organization_id=world.org_b.pk, name="PC-B"
    )
    ticket = make_ticket(actor(world.requester_a), asset_id=asset.pk)
    assert ticket.asset_id == asset.pk
    with pytest.raises(Invalid):
        make_ticket(actor(world.requester_a), asset_id=other.pk)
    ticket = ticket_services.classify_ticket(
        actor=actor(world.agent_a), number=ticket.number, asset_id=None
    )
    assert ticket.asset_id is None
    with pytest.raises(Invalid):
        ticket_services.classify_ticket(
            actor=actor(world.agent_a), number=ticket.number, asset_id=other.pk
        )
    ticket.refresh_from_db()
    assert ticket.asset_id is None
    assert list(asset.tickets.values_list("number", flat=True)) == []


def test_staff_invite_a_contact_to_the_portal(
    world, client, mailoutbox, django_capture_on_commit_callbacks
):
    contact = services.create_contact(
        organization_id=world.org_a.pk,
        full_name="Olga Petrenko",
        email="olga@acme.test",
        language="uk",
    )
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_contact(actor=actor(world.agent_a), contact_id=contact.pk)
    contact.refresh_from_db()
    assert (contact.user_id, user.role, user.has_usable_password()) == (user.pk, "requester", False)
    assert mailoutbox[0].to == ["olga@acme.test"]
    link = next(
        line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/key/" in line
    )
    path = link.strip().split("http://127.0.0.1:8000", 1)[-1]
    page = client.get(path, follow=True)
    assert page.status_code == 200
    assert 'name="password1"' in page.content.decode()


@pytest.mark.parametrize("who", ["agent_b", "requester_a", "client_manager_a"])
def test_others_cannot_invite(world, who):
    contact = services.create_contact(
        organization_id=world.org_a.pk, full_name="X", email="x@acme.test"
    )
    with pytest.raises(NotFound):
        services.invite_contact(actor=actor(getattr(world, who)), contact_id=contact.pk)
    contact.refresh_from_db()
    assert contact.user_id is None
