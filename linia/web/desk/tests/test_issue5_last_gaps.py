"""Issue 5, last gaps on the desk: the license key's Reveal (audited, second factor), the
vault log names license reveals, a vault entry moves to other equipment, and organization
permissions come from the services."""

from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache

from linia.directory import services
from linia.directory.models import Credential, CredentialReveal, Organization
from linia.directory.tests.factories import actor

KEY = "KAV-KEY-SECRET-31"


def make_license(world, key=KEY):
    return services.create_license(
        actor=actor(world.agent_a), organization_id=world.org_a.pk, product="Kaspersky", key=key
    )


def test_the_card_and_the_edit_page_offer_reveal_but_never_the_key(client, world):
    license_ = make_license(world)
    client.force_login(world.agent_a)
    for url in (f"/desk/organizations/{world.org_a.pk}/", f"/desk/licenses/{license_.pk}/edit/"):
        page = client.get(url).content.decode()
        assert f'hx-post="/desk/licenses/{license_.pk}/reveal/"' in page
        assert f'id="license-key-{license_.pk}"' in page
        assert KEY not in page
    assert CredentialReveal.objects.count() == 0


def test_a_license_without_key_has_no_reveal_button(client, world):
    license_ = make_license(world, key="")
    client.force_login(world.agent_a)
    page = client.get(f"/desk/organizations/{world.org_a.pk}/").content.decode()
    assert f"/desk/licenses/{license_.pk}/reveal/" not in page


def test_revealing_a_license_key_is_audited_and_not_cached(client, world):
    license_ = make_license(world)
    client.force_login(world.agent_a)
    response = client.post(
        f"/desk/licenses/{license_.pk}/reveal/",
        HTTP_HX_REQUEST="true",
        HTTP_USER_AGENT="Firefox",
        REMOTE_ADDR="192.0.2.11",
    )
    assert response.status_code == 200
    assert f'<code class="secret" data-testid="secret">{KEY}</code>' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    row = CredentialReveal.objects.get()
    assert (row.user_id, row.license_id, row.credential_id, row.ip_address) == (
        world.agent_a.pk,
        license_.pk,
        None,
        "192.0.2.11",
    )


def test_others_get_404_for_a_license_key(client, world):
    license_ = make_license(world)
    # An agent not serving the organization: as if it did not exist; clients never get past
    # the desk's door (like for every desk page).
    for who, status in (("agent_b", 404), ("requester_a", 403), ("client_manager_a", 403)):
        client.force_login(getattr(world, who))
        response = client.post(f"/desk/licenses/{license_.pk}/reveal/")
        assert response.status_code == status
        assert KEY not in response.content.decode()
    assert CredentialReveal.objects.count() == 0


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_with_totp_the_license_key_asks_for_a_code_first(client, world):
    cache.clear()
    license_ = make_license(world)
    secret = generate_totp_secret()
    TOTP.activate(world.agent_a, secret)
    client.force_login(world.agent_a)
    url = f"/desk/licenses/{license_.pk}/reveal/"
    asked = client.post(url, HTTP_HX_REQUEST="true")
    assert asked.status_code == 403
    assert "Confirm with your code" in asked.content.decode()
    assert f'hx-post="{url}"' in asked.content.decode()
    wrong = client.post(url, {"code": "000000"})
    assert "The code is not valid." in wrong.content.decode()
    assert CredentialReveal.objects.count() == 0
    right = client.post(url, {"code": _current_code(secret)})
    assert right.status_code == 200
    assert KEY in right.content.decode()
    assert CredentialReveal.objects.count() == 1


def test_the_vault_log_names_the_license(client, world):
    license_ = make_license(world)
    services.reveal_license_key(
        actor=actor(world.agent_a), license_id=license_.pk, ip="192.0.2.1", user_agent="UA"
    )
    client.force_login(world.manager)
    page = client.get("/desk/vault-log/").content.decode()
    assert "License key: Kaspersky" in page
    assert KEY not in page


def test_the_credential_edit_page_moves_the_entry_to_other_equipment(client, world):
    agent = actor(world.agent_a)
    pc = services.create_asset(actor=agent, organization_id=world.org_a.pk, name="ACC-PC-01")
    credential = services.create_credential(
        actor=agent, organization_id=world.org_a.pk, name="Router", secret="pw"
    )
    client.force_login(world.agent_a)
    url = f"/desk/credentials/{credential.pk}/edit/"
    assert "ACC-PC-01" in client.get(url).content.decode()
    saved = client.post(url, {"name": "Router", "asset": pc.pk})
    assert saved.status_code == 302
    assert Credential.objects.get(pk=credential.pk).asset_id == pc.pk
    foreign = services.create_asset(
        actor=actor(world.manager), organization_id=world.org_b.pk, name="Globex PC"
    )
    refused = client.post(url, {"name": "Changed", "asset": foreign.pk})
    assert refused.status_code == 422
    assert Credential.objects.get(pk=credential.pk).name == "Router"


def test_an_agent_edits_the_card_but_not_the_teams(client, world):
    client.force_login(world.agent_a)
    page = client.get(f"/desk/organizations/{world.org_a.pk}/edit/")
    assert page.status_code == 200
    assert 'name="teams"' not in page.content.decode()
    assert client.get(f"/desk/organizations/{world.org_b.pk}/edit/").status_code == 404
    assert client.get("/desk/organizations/new/").status_code == 404
    assert not Organization.objects.filter(name="Initech").exists()
