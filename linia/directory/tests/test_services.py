"""Directory services: organizations and contacts."""

from __future__ import annotations

from typing import Any

import pytest

from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Invalid, NotFound
from linia.directory import services
from linia.directory.models import Contact, Organization
from linia.directory.tests.factories import make_organization, make_team, make_user


def test_create_organization(db):
    team = make_team()

    organization = services.create_organization(
        actor=SYSTEM_ACTOR, name="  Initech ", legal_name="Initech LLC", team_ids=[team.pk]
    )

    assert (organization.name, organization.legal_name, organization.is_active) == (
        "Initech",
        "Initech LLC",
        True,
    )
    assert list(organization.teams.all()) == [team]


@pytest.mark.parametrize(("name", "code"), [(" ", "name_required"), ("ACME", "name_taken")])
def test_organization_name_is_required_and_unique(db, name, code):
    make_organization("Acme")

    with pytest.raises(Invalid) as caught:
        services.create_organization(actor=SYSTEM_ACTOR, name=name)

    assert caught.value.code == code
    assert Organization.objects.count() == 1


def test_organization_with_an_unknown_team_is_invalid(db):
    with pytest.raises(Invalid) as caught:
        services.create_organization(actor=SYSTEM_ACTOR, name="Initech", team_ids=[999_999])

    assert caught.value.code == "invalid_team"
    assert Organization.objects.count() == 0


def test_update_organization(db):
    organization = make_organization("Acme")
    make_organization("Globex")

    services.update_organization(
        actor=SYSTEM_ACTOR, organization_id=organization.pk, name="Acme Corp", is_active=False
    )
    with pytest.raises(Invalid) as caught:
        services.update_organization(
            actor=SYSTEM_ACTOR, organization_id=organization.pk, name="globex"
        )

    organization.refresh_from_db()
    assert (organization.name, organization.is_active) == ("Acme Corp", False)
    assert caught.value.code == "name_taken"


def test_update_missing_organization(db):
    with pytest.raises(NotFound):
        services.update_organization(actor=SYSTEM_ACTOR, organization_id=999_999, name="Nobody")


def test_create_contact(db):
    organization = make_organization()
    user = make_user("requester")

    contact = services.create_contact(
        organization_id=organization.pk,
        full_name=" Iryna Bondar ",
        email=" Iryna@Acme.TEST ",
        language="uk",
        is_vip=True,
        user_id=user.pk,
    )

    assert (contact.full_name, contact.email, contact.language, contact.is_vip, contact.user) == (
        "Iryna Bondar",
        "iryna@acme.test",
        "uk",
        True,
        user,
    )


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no_name", "name_required"),
        ("staff_user", "invalid"),
        ("missing_user", "invalid_user"),
        ("linked_user", "user_has_contact"),
        ("bad_language", "invalid_language"),
    ],
)
def test_contact_validation(db, case, code):
    organization = make_organization()
    linked = make_user("requester")
    services.create_contact(organization_id=organization.pk, full_name="First", user_id=linked.pk)
    cases: dict[str, dict[str, Any]] = {
        "no_name": {"full_name": "  "},
        "staff_user": {"user_id": make_user("agent").pk},
        "missing_user": {"user_id": 999_999},
        "linked_user": {"user_id": linked.pk},
        "bad_language": {"language": "xx"},
    }
    kwargs = cases[case]

    with pytest.raises(Invalid) as caught:
        services.create_contact(organization_id=organization.pk, **({"full_name": "X"} | kwargs))

    assert caught.value.code == code
    assert Contact.objects.count() == 1


def test_contact_of_a_missing_organization(db):
    with pytest.raises(NotFound):
        services.create_contact(organization_id=999_999, full_name="Nobody")

    assert Contact.objects.count() == 0
