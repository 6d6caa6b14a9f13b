"""Issue 5, last gaps through the API: license keys are revealed (audited) by
POST /licenses/{id}/reveal, a vault entry moves between pieces of equipment, and clients
reach no directory endpoint (404, the same for their own organization as for another)."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client

from linia.directory import services
from linia.directory.models import CredentialReveal, Organization
from linia.directory.tests.factories import actor

from .conftest import API, client_for

JSON = "application/json"
KEY = "VEEAM-KEY-SECRET-77"


def make_license(world, key=KEY):
    return services.create_license(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, product="Veeam", key=key
    )


def test_an_agent_reveals_a_license_key_and_it_is_audited(world, api_as):
    license_ = make_license(world)
    client = api_as(world.agent_a)
    listed = client.get(f"{API}/licenses")
    one = client.get(f"{API}/licenses/{license_.pk}")
    assert KEY not in listed.content.decode() + one.content.decode()
    assert one.json()["has_key"] is True
    revealed = client.post(
        f"{API}/licenses/{license_.pk}/reveal", HTTP_USER_AGENT="curl/8", REMOTE_ADDR="198.51.100.7"
    )
    assert (revealed.status_code, revealed.json()) == (200, {"secret": KEY})
    row = CredentialReveal.objects.get()
    assert (row.user_id, row.license_id, row.credential_id, row.ip_address, row.user_agent) == (
        world.agent_a.pk,
        license_.pk,
        None,
        "198.51.100.7",
        "curl/8",
    )


@pytest.mark.parametrize(
    "who", ["agent_b", "requester_a", "client_manager_a", "requester_b", "client_manager_b"]
)
def test_a_license_key_is_404_for_everyone_else(world, api_as, who):
    license_ = make_license(world)
    response = api_as(getattr(world, who)).post(f"{API}/licenses/{license_.pk}/reveal")
    assert response.status_code == 404
    assert KEY not in response.content.decode()
    assert CredentialReveal.objects.count() == 0
    assert Client().post(f"{API}/licenses/{license_.pk}/reveal").status_code == 401


def test_a_license_without_a_key_answers_422(world, api_as):
    license_ = make_license(world, key="")
    response = api_as(world.agent_a).post(f"{API}/licenses/{license_.pk}/reveal")
    assert (response.status_code, response.json()["code"]) == (422, "no_key")
    assert CredentialReveal.objects.count() == 0


def test_a_license_key_with_totp_needs_a_code(world, api_as, monkeypatch):
    license_ = make_license(world)
    Authenticator.objects.create(user=world.agent_a, type=Authenticator.Type.TOTP, data={})
    client = api_as(world.agent_a)
    refused = client.post(f"{API}/licenses/{license_.pk}/reveal")
    assert (refused.status_code, refused.json()["code"]) == (403, "second_factor_required")
    monkeypatch.setattr(
        "linia.accounts.mfa.verify_totp_code", lambda user_id, code: code == "123456"
    )
    wrong = client.post(
        f"{API}/licenses/{license_.pk}/reveal", {"code": "000000"}, content_type=JSON
    )
    assert (wrong.status_code, wrong.json()["code"]) == (403, "invalid_code")
    # A code for a license one may not see is not even checked: no code oracle.
    other = services.create_license(
        actor=actor(world.manager), organization_id=world.org_b.pk, product="X", key="k"
    )
    assert (
        client.post(
            f"{API}/licenses/{other.pk}/reveal", {"code": "123456"}, content_type=JSON
        ).status_code
        == 404
    )
    assert CredentialReveal.objects.count() == 0
    right = client.post(
        f"{API}/licenses/{license_.pk}/reveal", {"code": "123456"}, content_type=JSON
    )
    assert right.json() == {"secret": KEY}
    assert CredentialReveal.objects.count() == 1


def test_the_reveal_log_names_the_license(world, api_as):
    license_ = make_license(world)
    credential = services.create_credential(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="Router", secret="pw"
    )
    api_as(world.agent_a).post(f"{API}/licenses/{license_.pk}/reveal")
    api_as(world.agent_a).post(f"{API}/credentials/{credential.pk}/reveal")
    client = api_as(world.manager)
    log = client.get(f"{API}/credential-reveals")
    assert log.status_code == 200
    items = log.json()["items"]
    assert [
        (i["credential_id"], i["credential"], i["license_id"], i["license"]) for i in items
    ] == [
        (credential.pk, "Router", None, None),
        (None, None, license_.pk, "Veeam"),
    ]
    assert KEY not in log.content.decode()
    only = client.get(f"{API}/credential-reveals", {"license": license_.pk}).json()["items"]
    assert [i["license_id"] for i in only] == [license_.pk]


def test_patch_moves_a_credential_to_other_equipment(world, api_as):
    agent = actor(world.agent_a)
    pc = services.create_asset(actor=agent, organization_id=world.org_a.pk, name="PC")
    foreign = services.create_asset(
        actor=actor(world.manager), organization_id=world.org_b.pk, name="Globex PC"
    )
    credential = services.create_credential(
        actor=agent, organization_id=world.org_a.pk, name="Router", secret="pw"
    )
    client = api_as(world.agent_a)
    url = f"{API}/credentials/{credential.pk}"
    moved = client.patch(url, {"asset": pc.pk}, content_type=JSON)
    assert (moved.status_code, moved.json()["asset"]) == (200, {"id": pc.pk, "name": "PC"})
    refused = client.patch(url, {"asset": foreign.pk, "name": "X"}, content_type=JSON)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_asset")
    credential.refresh_from_db()
    assert (credential.asset_id, credential.name) == (pc.pk, "Router")
    assert client.patch(url, {"name": "Router 2"}, content_type=JSON).status_code == 200
    credential.refresh_from_db()
    assert credential.asset_id == pc.pk
    assert client.patch(url, {"asset": None}, content_type=JSON).status_code == 200
    credential.refresh_from_db()
    assert credential.asset_id is None


# --- the directory's tenancy matrix -----------------------------------------------------------

READS = [
    "/organizations",
    "/organizations/{org_a}",
    "/organizations/{org_b}",
    "/contacts",
    "/contacts/{contact_a}",
    "/contacts/{contact_b}",
    "/contacts?organization={org_b}",
    "/assets",
    "/assets/{asset_b}",
    "/licenses",
    "/licenses/{license_b}",
    "/credentials",
    "/credentials/{credential_b}",
]


@pytest.fixture
def cards_b(world):
    manager = actor(world.manager)
    return {
        "org_a": world.org_a.pk,
        "org_b": world.org_b.pk,
        "contact_a": world.contact_a.pk,
        "contact_b": world.contact_b.pk,
        "asset_b": services.create_asset(
            actor=manager, organization_id=world.org_b.pk, name="Globex-SRV"
        ).pk,
        "license_b": services.create_license(
            actor=manager, organization_id=world.org_b.pk, product="Globex-Office", key="k"
        ).pk,
        "credential_b": services.create_credential(
            actor=manager, organization_id=world.org_b.pk, name="Globex-VPN", secret="s"
        ).pk,
    }


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a"])
@pytest.mark.parametrize("path", READS)
def test_clients_reach_no_directory_endpoint(world, cards_b, who, path):
    response = client_for(getattr(world, who)).get(API + path.format(**cards_b))
    assert response.status_code == 404
    body = response.content.decode()
    for foreign in ("Globex", world.contact_b.full_name):
        assert foreign not in body


@pytest.mark.parametrize("path", READS)
def test_an_agent_never_gets_another_organizations_data(world, cards_b, path):
    response = client_for(world.agent_a).get(API + path.format(**cards_b))
    assert response.status_code in {200, 404}
    body = response.content.decode()
    for foreign in ("Globex", world.contact_b.full_name):
        assert foreign not in body


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a", "agent_a"])
def test_writes_to_organizations_are_refused_and_change_nothing(world, who):
    client = client_for(getattr(world, who))
    patched = client.patch(
        f"{API}/organizations/{world.org_b.pk}", {"notes": "hacked"}, content_type=JSON
    )
    created = client.post(f"{API}/organizations", {"name": "Initech"}, content_type=JSON)
    assert patched.status_code in {403, 404}
    assert created.status_code in {403, 404}
    assert Organization.objects.get(pk=world.org_b.pk).notes != "hacked"
    assert not Organization.objects.filter(name="Initech").exists()
