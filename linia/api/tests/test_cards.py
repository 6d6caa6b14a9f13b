import pytest
from allauth.mfa.models import Authenticator

from linia.directory import services
from linia.directory.models import Asset, Credential, CredentialReveal, License
from linia.directory.tests.factories import actor

from .conftest import API

JSON = "application/json"


def make_credential(world, secret="Pa55-w0rd-XYZ"):  # noqa: S107
    return services.create_credential(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        name="Mail server",
        login="postmaster",
        url="https://mail.acme.test",
        secret=secret,
    )


def test_an_agent_creates_lists_and_reveals_a_credential(world, api_as):
    client = api_as(world.agent_a)
    created = client.post(
        f"{API}/credentials",
        {
            "organization": world.org_a.pk,
            "name": "Router",
            "login": "admin",
            "secret": "Top-Secret-1",
            "url": "https://10.0.0.1",
        },
        content_type=JSON,
    )
    assert created.status_code == 201
    body = created.json()
    assert "secret" not in body
    assert "Top-Secret-1" not in created.content.decode()
    listed = client.get(f"{API}/credentials")
    one = client.get(f"{API}/credentials/{body['id']}")
    assert [item["name"] for item in listed.json()["items"]] == ["Router"]
    assert "Top-Secret-1" not in listed.content.decode()
    assert "secret" not in one.json()
    revealed = client.post(
        f"{API}/credentials/{body['id']}/reveal",
        HTTP_USER_AGENT="curl/8",
        REMOTE_ADDR="198.51.100.4",
    )
    assert revealed.status_code == 200
    assert revealed.json() == {"secret": "Top-Secret-1"}
    row = CredentialReveal.objects.get()
    assert (row.user_id, row.credential_id, row.ip_address, row.user_agent) == (
        world.agent_a.pk,
        body["id"],
        "198.51.100.4",
        "curl/8",
    )


@pytest.mark.parametrize(
    "who", ["agent_b", "requester_a", "client_manager_a", "requester_b", "client_manager_b"]
)
def test_the_vault_is_404_for_everyone_else(world, api_as, who):
    credential = make_credential(world)
    client = api_as(getattr(world, who))
    assert client.get(f"{API}/credentials/{credential.pk}").status_code == 404
    assert client.post(f"{API}/credentials/{credential.pk}/reveal").status_code == 404
    assert (
        client.patch(
            f"{API}/credentials/{credential.pk}", {"secret": "x"}, content_type=JSON
        ).status_code
        == 404
    )
    assert client.delete(f"{API}/credentials/{credential.pk}").status_code == 404
    created = client.post(
        f"{API}/credentials",
        {"organization": world.org_a.pk, "name": "x", "secret": "y"},
        content_type=JSON,
    )
    assert created.status_code == 404
    listed = client.get(f"{API}/credentials")
    assert listed.status_code in {200, 404}
    if listed.status_code == 200:
        assert listed.json()["items"] == []
    assert CredentialReveal.objects.count() == 0
    assert Credential.objects.count() == 1


def test_reveal_with_totp_needs_a_code(world, api_as, monkeypatch):
    credential = make_credential(world)
    Authenticator.objects.create(user=world.agent_a, type=Authenticator.Type.TOTP, data={})
    client = api_as(world.agent_a)
    refused = client.post(f"{API}/credentials/{credential.pk}/reveal")
    assert refused.status_code == 403
    assert refused.json()["code"] == "second_factor_required"
    monkeypatch.setattr(
        "linia.accounts.mfa.verify_totp_code", lambda user_id, code: code == "123456"
    )
    wrong = client.post(
        f"{API}/credentials/{credential.pk}/reveal", {"code": "000000"}, content_type=JSON
    )
    assert wrong.status_code == 403
    assert CredentialReveal.objects.count() == 0
    right = client.post(
        f"{API}/credentials/{credential.pk}/reveal", {"code": "123456"}, content_type=JSON
    )
    assert right.json() == {"secret": "Pa55-w0rd-XYZ"}
    assert CredentialReveal.objects.count() == 1


def test_managers_read_the_reveal_log(world, api_as):
    credential = make_credential(world)
    api_as(world.agent_a).post(f"{API}/credentials/{credential.pk}/reveal")
    log = api_as(world.manager).get(f"{API}/credential-reveals")
    assert log.status_code == 200
    items = log.json()["items"]
    assert [(i["credential"], i["user"]["id"]) for i in items] == [
        ("Mail server", world.agent_a.pk)
    ]
    assert "Pa55" not in log.content.decode()
    assert api_as(world.agent_a).get(f"{API}/credential-reveals").status_code == 403
    assert api_as(world.requester_a).get(f"{API}/credential-reveals").status_code == 403


def test_assets_and_licenses_for_serving_staff(world, api_as):
    client = api_as(world.agent_a)
    asset = client.post(
        f"{API}/assets",
        {
            "organization": world.org_a.pk,
            "name": "SRV-01",
            "type": "server",
            "anydesk_id": "111222333",
            "owner": world.contact_a.pk,
        },
        content_type=JSON,
    )
    assert asset.status_code == 201
    assert asset.json()["remote_links"] == [{"label": "AnyDesk", "url": "anydesk:111222333"}]
    patched = client.patch(
        f"{API}/assets/{asset.json()['id']}", {"location": "Rack 2"}, content_type=JSON
    )
    assert patched.json()["location"] == "Rack 2"
    license_ = client.post(
        f"{API}/licenses",
        {
            "organization": world.org_a.pk,
            "product": "Veeam",
            "key": "KEY-SECRET-9",
            "assets": [asset.json()["id"]],
            "ends_on": "2027-05-01",
        },
        content_type=JSON,
    )
    assert license_.status_code == 201
    assert license_.json()["has_key"] is True
    assert "KEY-SECRET-9" not in license_.content.decode()
    listed = client.get(f"{API}/licenses")
    assert [item["product"] for item in listed.json()["items"]] == ["Veeam"]
    assert "KEY-SECRET-9" not in listed.content.decode()


@pytest.mark.parametrize("who", ["agent_b", "requester_a", "client_manager_b"])
def test_assets_and_licenses_are_404_across_tenancy(world, api_as, who):
    asset = services.create_asset(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="PC"
    )
    license_ = services.create_license(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, product="Office"
    )
    client = api_as(getattr(world, who))
    assert client.get(f"{API}/assets/{asset.pk}").status_code == 404
    assert (
        client.patch(f"{API}/assets/{asset.pk}", {"name": "x"}, content_type=JSON).status_code
        == 404
    )
    assert client.get(f"{API}/licenses/{license_.pk}").status_code == 404
    assert (
        client.post(
            f"{API}/assets", {"organization": world.org_a.pk, "name": "x"}, content_type=JSON
        ).status_code
        == 404
    )
    assert Asset.objects.get().name == "PC"
    assert License.objects.count() == 1


def test_organization_card_and_contact_phones_through_the_api(world, api_as):
    client = api_as(world.admin)
    patched = client.patch(
        f"{API}/organizations/{world.org_a.pk}",
        {"covered_workstations": 25, "hourly_rate": "40.00", "support_hours": "24/7"},
        content_type=JSON,
    )
    assert patched.status_code == 200
    assert (patched.json()["covered_workstations"], patched.json()["support_hours"]) == (25, "24/7")
    contact = client.post(
        f"{API}/contacts",
        {
            "organization": world.org_a.pk,
            "full_name": "Ivan",
            "phone": "+380 67 000 11 22",
            "phones": ["+48 601 000 111"],
            "messengers": {"telegram": "@ivan"},
        },
        content_type=JSON,
    )
    assert contact.status_code == 201
    assert contact.json()["phones"] == ["+380670001122", "+48601000111"]
    assert contact.json()["phone"] == "+380670001122"


def test_a_ticket_names_its_equipment_through_the_api(world, api_as):
    asset = services.create_asset(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, name="PC-9"
    )
    foreign = services.create_asset(
        actor=actor(world.agent_b), organization_id=world.org_b.pk, name="PC-B"
    )
    client = api_as(world.requester_a)
    created = client.post(
        f"{API}/tickets", {"subject": "Broken", "asset": asset.pk}, content_type=JSON
    )
    assert created.status_code == 201
    assert created.json()["asset_id"] == asset.pk
    refused = client.post(
        f"{API}/tickets", {"subject": "Broken", "asset": foreign.pk}, content_type=JSON
    )
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_asset"
