"""update_contact: staff of the organization only; omitted fields stay; bad input changes
nothing."""

from __future__ import annotations

import pytest

from linia.core.errors import Invalid, NotFound
from linia.directory import services
from linia.directory.models import Contact
from linia.directory.tests.factories import actor


def _contact(world):
    return services.create_contact(
        organization_id=world.org_a.pk,
        full_name="Dora",
        email="dora@acme.test",
        phones=["+380441234567"],
        messengers={"telegram": "@dora"},
    )


def test_staff_change_only_what_is_given(world):
    contact = _contact(world)
    services.update_contact(
        actor=actor(world.agent_a), contact_id=contact.pk, position="CFO", is_vip=True
    )
    contact.refresh_from_db()
    assert (contact.full_name, contact.position, contact.is_vip, contact.messengers) == (
        "Dora",
        "CFO",
        True,
        {"telegram": "@dora"},
    )
    assert contact.phone == "+380441234567"


@pytest.mark.parametrize("who", ["agent_b", "requester_a", "client_manager_a", "client_manager_b"])
def test_others_get_not_found(world, who):
    contact = _contact(world)
    with pytest.raises(NotFound):
        services.update_contact(
            actor=actor(getattr(world, who)), contact_id=contact.pk, full_name="X"
        )
    assert Contact.objects.get(pk=contact.pk).full_name == "Dora"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"full_name": " "}, "name_required"),
        ({"language": "xx"}, "invalid_language"),
        ({"email": "not an address"}, "invalid"),
        ({"full_name": "Renamed", "phones": ["12"]}, "invalid_phone"),
    ],
)
def test_bad_input_changes_nothing(world, changes, code):
    contact = _contact(world)
    with pytest.raises(Invalid) as error:
        services.update_contact(actor=actor(world.manager), contact_id=contact.pk, **changes)
    assert error.value.code == code
    contact.refresh_from_db()
    assert (contact.full_name, contact.phone, contact.email) == (
        "Dora",
        "+380441234567",
        "dora@acme.test",
    )
