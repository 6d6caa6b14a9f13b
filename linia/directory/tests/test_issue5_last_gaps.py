"""Issue 5, last gaps: revealing a license key is audited like a vault entry; organization
permissions live in the services; a vault entry moves between pieces of equipment."""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.db import IntegrityError, connection, transaction

from linia.core import crypto
from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Forbidden, Invalid, NotFound
from linia.directory import queries, services, transfer
from linia.directory.models import LICENSE_KEY_PURPOSE, CredentialReveal, License, Organization
from linia.directory.services import SecondFactorRequired
from linia.directory.tests.factories import actor

KEY = "XXXX-LICENSE-KEY-4242"


def make_license(world, *, key=KEY, organization=None):
    return services.create_license(
        actor=actor(world.agent_a),
        organization_id=(organization or world.org_a).pk,
        product="Windows Server",
        edition="Standard",
        key=key,
    )


def reveal_key(user, license_, **kwargs):
    return services.reveal_license_key(
        actor=actor(user), license_id=license_.pk, ip="203.0.113.9", user_agent="pytest", **kwargs
    )


# --- license keys -----------------------------------------------------------------------------


def test_serving_staff_reveal_a_license_key_and_each_reveal_is_audited(world):
    license_ = make_license(world)
    assert reveal_key(world.agent_a, license_) == KEY
    assert reveal_key(world.manager, license_) == KEY
    rows = list(
        CredentialReveal.objects.order_by("id").values_list(
            "user_id", "license_id", "credential_id", "organization_id", "ip_address", "user_agent"
        )
    )
    assert rows == [
        (world.agent_a.pk, license_.pk, None, world.org_a.pk, "203.0.113.9", "pytest"),
        (world.manager.pk, license_.pk, None, world.org_a.pk, "203.0.113.9", "pytest"),
    ]


@pytest.mark.parametrize(
    "who", ["agent_b", "requester_a", "client_manager_a", "requester_b", "client_manager_b"]
)
def test_others_get_not_found_for_a_license_key_and_nothing_is_logged(world, who):
    license_ = make_license(world)
    with pytest.raises(NotFound):
        reveal_key(getattr(world, who), license_)
    assert CredentialReveal.objects.count() == 0


def test_a_missing_license_is_not_found(world):
    with pytest.raises(NotFound):
        services.reveal_license_key(
            actor=actor(world.manager), license_id=999_999, ip=None, user_agent=""
        )


def test_a_license_without_a_key_reveals_nothing(world):
    license_ = make_license(world, key="")
    with pytest.raises(Invalid) as caught:
        reveal_key(world.agent_a, license_)
    assert caught.value.code == "no_key"
    assert CredentialReveal.objects.count() == 0


def test_a_license_key_needs_a_recent_second_factor_with_totp(world):
    license_ = make_license(world)
    Authenticator.objects.create(user=world.agent_a, type=Authenticator.Type.TOTP, data={})
    with pytest.raises(SecondFactorRequired):
        reveal_key(world.agent_a, license_)
    with pytest.raises(SecondFactorRequired):
        reveal_key(world.agent_a, license_, second_factor_at=time.time() - 10 * 60)
    assert CredentialReveal.objects.count() == 0
    assert reveal_key(world.agent_a, license_, second_factor_at=time.time() - 60) == KEY
    assert CredentialReveal.objects.count() == 1


def test_the_database_holds_no_plaintext_license_key(world):
    license_ = make_license(world)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM directory_license WHERE id = %s", [license_.pk])
        (raw,) = cursor.fetchone()
    assert KEY.encode() not in bytes(raw)
    assert crypto.decrypt(raw, purpose=LICENSE_KEY_PURPOSE) == KEY
    reveal_key(world.agent_a, license_)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directory_credentialreveal")
        rows = cursor.fetchall()
    assert rows
    assert KEY not in repr(rows)


def test_the_key_stays_out_of_lists_exports_and_logs(world, caplog):
    license_ = make_license(world)
    caplog.set_level("DEBUG")
    listed = list(queries.list_licenses_for(actor(world.agent_a)))
    assert "key" in listed[0].get_deferred_fields()
    assert KEY not in repr(license_)
    reveal_key(world.agent_a, license_)
    assert KEY not in caplog.text
    assert KEY.encode() not in transfer.export_csv(actor=actor(world.manager), kind="licenses")
    log = list(queries.list_reveals_for(actor(world.manager)))
    assert [(row.license_id, row.credential_id) for row in log] == [(license_.pk, None)]
    revealed = log[0].license
    assert revealed is not None
    assert "key" in revealed.get_deferred_fields()
    assert list(queries.list_reveals_for(actor(world.manager), license_id=license_.pk)) == log
    assert list(queries.list_reveals_for(actor(world.agent_a))) == []


def test_a_reveal_row_names_exactly_one_secret(world):
    license_ = make_license(world)
    credential = services.create_credential(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="Router", secret="x"
    )
    for target in ({}, {"license": license_, "credential": credential}):
        with pytest.raises(IntegrityError), transaction.atomic():
            CredentialReveal.objects.create(organization=world.org_a, user=world.agent_a, **target)
    assert CredentialReveal.objects.count() == 0


def test_deleting_a_license_removes_its_reveal_log(world):
    license_ = make_license(world)
    reveal_key(world.agent_a, license_)
    License.objects.filter(pk=license_.pk).delete()
    assert CredentialReveal.objects.count() == 0


# --- organizations: who may do what -----------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_create_organizations_and_choose_the_teams(world, who):
    organization = services.create_organization(
        actor=actor(getattr(world, who)), name="Initech", team_ids=[world.l1.pk]
    )
    services.update_organization(
        actor=actor(getattr(world, who)),
        organization_id=organization.pk,
        is_active=False,
        team_ids=[world.l2.pk],
    )
    organization.refresh_from_db()
    assert organization.is_active is False
    assert list(organization.teams.values_list("pk", flat=True)) == [world.l2.pk]


def test_the_system_actor_creates_organizations(world):
    organization = services.create_organization(actor=SYSTEM_ACTOR, name="Unknown senders")
    assert organization.name == "Unknown senders"


def test_agents_cannot_create_organizations(world):
    before = Organization.objects.count()
    with pytest.raises(Forbidden):
        services.create_organization(actor=actor(world.agent_a), name="Initech")
    for who in ("requester_a", "client_manager_a"):
        with pytest.raises(NotFound):
            services.create_organization(actor=actor(getattr(world, who)), name="Initech")
    assert Organization.objects.count() == before


def test_agents_edit_the_card_of_served_organizations_only(world):
    agent = actor(world.agent_a)
    services.update_organization(
        actor=agent, organization_id=world.org_a.pk, notes="Front door code at reception"
    )
    assert Organization.objects.get(pk=world.org_a.pk).notes == "Front door code at reception"
    with pytest.raises(NotFound):
        services.update_organization(actor=agent, organization_id=world.org_b.pk, notes="x")
    for change in ({"is_active": False}, {"team_ids": [world.l3.pk]}):
        with pytest.raises(Forbidden):
            services.update_organization(actor=agent, organization_id=world.org_a.pk, **change)
    org_a = Organization.objects.get(pk=world.org_a.pk)
    assert org_a.is_active is True
    assert world.l3.pk not in set(org_a.teams.values_list("pk", flat=True))
    assert Organization.objects.get(pk=world.org_b.pk).notes != "x"


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a", "client_manager_b"])
def test_clients_cannot_update_organizations(world, who):
    with pytest.raises(NotFound):
        services.update_organization(
            actor=actor(getattr(world, who)), organization_id=world.org_a.pk, notes="hacked"
        )
    assert Organization.objects.get(pk=world.org_a.pk).notes != "hacked"


def test_an_agent_cannot_import_organizations(world):
    rows = [{"name": "Initech"}]
    with pytest.raises((Forbidden, NotFound)):
        transfer.import_rows(
            actor=actor(world.agent_a), kind="organizations", rows=rows, commit=True
        )
    assert not Organization.objects.filter(name="Initech").exists()


# --- moving a vault entry between pieces of equipment -----------------------------------------


def test_a_vault_entry_moves_to_other_equipment_of_the_organization(world):
    agent = actor(world.agent_a)
    first = services.create_asset(actor=agent, organization_id=world.org_a.pk, name="PC-1")
    second = services.create_asset(actor=agent, organization_id=world.org_a.pk, name="PC-2")
    credential = services.create_credential(
        actor=agent,
        organization_id=world.org_a.pk,
        name="Local admin",
        secret="s",
        asset_id=first.pk,
    )
    services.update_credential(actor=agent, credential_id=credential.pk, asset_id=second.pk)
    credential.refresh_from_db()
    assert credential.asset_id == second.pk
    services.update_credential(actor=agent, credential_id=credential.pk, name="Admin")
    credential.refresh_from_db()
    assert (credential.asset_id, credential.name) == (second.pk, "Admin")
    services.update_credential(actor=agent, credential_id=credential.pk, asset_id=None)
    credential.refresh_from_db()
    assert credential.asset_id is None


def test_a_vault_entry_cannot_move_to_another_organizations_equipment(world):
    agent = actor(world.agent_a)
    foreign = services.create_asset(
        actor=actor(world.manager), organization_id=world.org_b.pk, name="Globex PC"
    )
    credential = services.create_credential(
        actor=agent, organization_id=world.org_a.pk, name="Router", secret="s"
    )
    for asset_id in (foreign.pk, 999_999):
        with pytest.raises(Invalid) as caught:
            services.update_credential(
                actor=agent, credential_id=credential.pk, asset_id=asset_id, name="Changed"
            )
        assert caught.value.code == "invalid_asset"
        assert "organization" in caught.value.message
    credential.refresh_from_db()
    assert (credential.asset_id, credential.name) == (None, "Router")
