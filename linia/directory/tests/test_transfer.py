import io

import pytest
from openpyxl import Workbook, load_workbook

from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Forbidden
from linia.directory import services, transfer
from linia.directory.models import Asset, Contact, License, Organization
from linia.directory.tests.factories import actor


def _csv(text: str) -> list[dict[str, str]]:
    return transfer.read_table(text.encode("utf-8"), "data.csv")


def test_organizations_import_in_one_go(world):
    rows = _csv(
        "name,legal_name,support_hours,covered_workstations,hourly_rate\n"
        'Initech,Initech LLC,Mon-Fri 9-18,30,"45,5"\n'
        "Acme,Acme Corp,24/7,12,\n"
    )
    preview = transfer.import_rows(
        actor=actor(world.manager), kind="organizations", rows=rows, commit=False
    )
    assert [(r.line, r.action, r.label, r.error) for r in preview.rows] == [
        (2, "create", "Initech", ""),
        (3, "update", "Acme", ""),
    ]
    assert preview.committed is False
    assert not Organization.objects.filter(name="Initech").exists()
    report = transfer.import_rows(
        actor=actor(world.manager), kind="organizations", rows=rows, commit=True
    )
    assert report.committed is True
    initech = Organization.objects.get(name="Initech")
    assert (initech.covered_workstations, str(initech.hourly_rate)) == (30, "45.50")
    assert Organization.objects.get(name="Acme").support_hours == "24/7"


def test_a_bad_row_never_half_imports(world):
    rows = _csv(
        "organization;full_name;email;phones\n"
        "Acme;Olga;olga@acme.test;+380 44 123 45 67\n"
        "Acme;Petro;petro@acme.test;not a phone\n"
        "Nowhere Inc;Ivan;ivan@x.test;\n"
    )
    before = Contact.objects.count()
    report = transfer.import_rows(
        actor=actor(world.manager), kind="contacts", rows=rows, commit=True
    )
    assert report.committed is False
    assert [(r.line, bool(r.error)) for r in report.rows] == [(2, False), (3, True), (4, True)]
    assert "not a phone" in report.rows[1].error
    assert "Nowhere Inc" in report.rows[2].error
    assert Contact.objects.count() == before


def test_assets_and_licenses_from_xlsx(world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "organization",
            "name",
            "type",
            "inventory_number",
            "owner_email",
            "anydesk_id",
            "warranty_end",
        ]
    )
    sheet.append(
        [
            "Acme",
            "ACC-PC-01",
            "workstation",
            "INV-001",
            world.contact_a.email,
            "123456789",
            "2027-12-31",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = transfer.read_table(buffer.getvalue(), "assets.xlsx")
    report = transfer.import_rows(actor=actor(world.manager), kind="assets", rows=rows, commit=True)
    assert report.errors == []
    asset = Asset.objects.get()
    assert (asset.inventory_number, asset.owner_id, str(asset.warranty_end)) == (
        "INV-001",
        world.contact_a.pk,
        "2027-12-31",
    )
    again = transfer.import_rows(actor=actor(world.manager), kind="assets", rows=rows, commit=True)
    assert [r.action for r in again.rows] == ["update"]
    assert Asset.objects.count() == 1
    licenses = _csv(
        "organization,product,edition,seats,ends_on\nAcme,Office,365 E3,10,31.03.2027\n"
    )
    report = transfer.import_rows(
        actor=actor(world.manager), kind="licenses", rows=licenses, commit=True
    )
    assert report.errors == []
    assert str(License.objects.get().ends_on) == "2027-03-31"


def test_only_managers_import(world):
    with pytest.raises(Forbidden):
        transfer.import_rows(actor=actor(world.agent_a), kind="organizations", rows=[], commit=True)


def test_export_round_trips_and_never_has_secrets(world):
    services.create_contact(
        organization_id=world.org_a.pk,
        full_name="Olga",
        email="olga@acme.test",
        phones=["+380441234567"],
        messengers={"telegram": "@olga"},
    )
    services.create_license(
        actor=actor(world.manager),
        organization_id=world.org_a.pk,
        product="Office",
        key="SECRET-KEY-42",
    )
    services.create_credential(
        actor=actor(world.manager), organization_id=world.org_a.pk, name="x", secret="VaultSecret"
    )
    csv_bytes = transfer.export_csv(actor=actor(world.agent_a), kind="contacts")
    text = csv_bytes.decode("utf-8-sig")
    assert "Olga,olga@acme.test,+380441234567" in text
    assert "@olga" in text
    assert "Globex" not in text  # agent_a does not serve it
    for kind in transfer.KINDS:
        data = transfer.export_xlsx(actor=actor(world.manager), kind=kind)
        cells = [
            str(c)
            for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)
            for c in row
        ]
        assert "SECRET-KEY-42" not in cells
        assert "VaultSecret" not in cells
    rows = transfer.read_table(csv_bytes, "contacts.csv")
    report = transfer.import_rows(
        actor=actor(world.manager), kind="contacts", rows=rows, commit=False
    )
    assert report.errors == []


def test_exported_formulas_are_neutralized(world):
    services.create_organization(actor=SYSTEM_ACTOR, name='=HYPERLINK("http://x")')
    text = transfer.export_csv(actor=actor(world.manager), kind="organizations").decode("utf-8-sig")
    assert "'=HYPERLINK" in text
