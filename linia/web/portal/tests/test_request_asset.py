"""The portal offers the requester's equipment (their own first) when filing a request."""

from linia.directory import services
from linia.directory.tests.factories import actor
from linia.tickets.models import Ticket

URL = "/requests/new/"


def _data(**overrides):
    return {
        "subject": "Printer jam",
        "description": "Blinks.",
        "type": "incident",
        "category": "",
        "urgency": "medium",
        **overrides,
    }


def _assets(world):
    shared = services.create_asset(
        actor=actor(world.manager), organization_id=world.org_a.pk, name="AAA Printer"
    )
    own = services.create_asset(
        actor=actor(world.manager),
        organization_id=world.org_a.pk,
        name="ZZZ Laptop",
        owner_id=world.contact_a.pk,
    )
    foreign = services.create_asset(
        actor=actor(world.manager), organization_id=world.org_b.pk, name="Globex PC"
    )
    return shared, own, foreign


def test_the_form_lists_own_equipment_first_and_nothing_foreign(client, world):
    _shared, _own, _foreign = _assets(world)
    client.force_login(world.requester_a)
    body = client.get(URL).content.decode()
    assert body.index("ZZZ Laptop") < body.index("AAA Printer")
    assert "Globex PC" not in body


def test_the_form_hides_the_field_without_equipment(client, world):
    client.force_login(world.requester_a)
    assert 'name="asset"' not in client.get(URL).content.decode()


def test_a_request_names_equipment_but_never_anothers(client, world):
    _shared, own, foreign = _assets(world)
    client.force_login(world.requester_a)
    response = client.post(URL, _data(asset=str(own.pk)))
    assert response.status_code == 302
    assert Ticket.objects.get().asset_id == own.pk
    refused = client.post(URL, _data(asset=str(foreign.pk)))
    assert refused.status_code == 422
    assert Ticket.objects.count() == 1
