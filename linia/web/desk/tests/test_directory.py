"""The desk's client cards: organizations, equipment, the vault with reveal-on-click, the
audit log, and the compact card beside a ticket."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)

from linia.directory import services
from linia.directory.models import CredentialReveal
from linia.directory.tests.factories import actor
from linia.tickets.tests.factories import make_ticket


def make_card(world):
    asset = services.create_asset(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        name="ACC-PC-07",
        anydesk_id="123456789",
        rdp_host="acc-pc-07",
        owner_id=world.contact_a.pk,
    )
    credential = services.create_credential(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        name="Firewall",
        login="admin",
        url="https://fw.acme.test",
        secret="Fw-Secret-77",
    )
    services.create_license(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        product="Kaspersky",
        seats=10,
        key="KAV-KEY-1",
    )
    return asset, credential


def test_the_organization_card_lists_everything_but_no_secret(client, world):
    _asset, credential = make_card(world)
    client.force_login(world.agent_a)
    listing = client.get("/desk/organizations/")
    assert listing.status_code == 200
    assert [o for o in ("Acme", "Globex") if o in listing.content.decode()] == ["Acme"]
    page = client.get(f"/desk/organizations/{world.org_a.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "ACC-PC-07" in html
    assert 'href="anydesk:123456789"' in html
    assert 'href="rdp://full%20address=s:acc-pc-07"' in html
    assert "Firewall" in html
    assert "Kaspersky" in html
    assert "Fw-Secret-77" not in html
    assert "KAV-KEY-1" not in html
    assert f'hx-post="/desk/credentials/{credential.pk}/reveal/"' in html


@pytest.mark.parametrize("who", ["agent_b"])
def test_an_agent_not_serving_gets_404(client, world, who):
    asset, credential = make_card(world)
    client.force_login(getattr(world, who))
    assert client.get(f"/desk/organizations/{world.org_a.pk}/").status_code == 404
    assert client.get(f"/desk/assets/{asset.pk}/").status_code == 404
    assert client.post(f"/desk/credentials/{credential.pk}/reveal/").status_code == 404
    assert CredentialReveal.objects.count() == 0


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a", "requester_b"])
def test_clients_never_reach_the_desk_cards(client, world, who):
    _asset, credential = make_card(world)
    client.force_login(getattr(world, who))
    assert client.get(f"/desk/organizations/{world.org_a.pk}/").status_code == 302
    response = client.post(f"/desk/credentials/{credential.pk}/reveal/")
    assert response.status_code == 403
    assert b"Fw-Secret" not in response.content
    assert CredentialReveal.objects.count() == 0


def test_reveal_on_click_is_audited_and_not_cached(client, world):
    _asset, credential = make_card(world)
    client.force_login(world.agent_a)
    response = client.post(
        f"/desk/credentials/{credential.pk}/reveal/",
        HTTP_HX_REQUEST="true",
        HTTP_USER_AGENT="Firefox",
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 200
    assert (
        '<code class="secret" data-testid="secret">Fw-Secret-77</code>' in response.content.decode()
    )
    assert "no-store" in response["Cache-Control"]
    row = CredentialReveal.objects.get()
    assert (row.user_id, row.ip_address, row.user_agent) == (
        world.agent_a.pk,
        "192.0.2.10",
        "Firefox",
    )


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_with_totp_the_reveal_asks_for_a_code_first(client, world):
    _asset, credential = make_card(world)
    secret = generate_totp_secret()
    TOTP.activate(world.agent_a, secret)
    client.force_login(world.agent_a)
    asked = client.post(f"/desk/credentials/{credential.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert asked.status_code == 403
    assert "Confirm with your code" in asked.content.decode()
    wrong = client.post(f"/desk/credentials/{credential.pk}/reveal/", {"code": "000000"})
    assert "The code is not valid." in wrong.content.decode()
    assert CredentialReveal.objects.count() == 0
    right = client.post(
        f"/desk/credentials/{credential.pk}/reveal/", {"code": _current_code(secret)}
    )
    assert right.status_code == 200
    assert "Fw-Secret-77" in right.content.decode()
    # within five minutes a second reveal needs no new code
    again = client.post(f"/desk/credentials/{credential.pk}/reveal/")
    assert "Fw-Secret-77" in again.content.decode()
    assert CredentialReveal.objects.count() == 2
    assert Authenticator.objects.filter(user=world.agent_a).count() == 1


def test_the_audit_log_is_for_managers(client, world):
    _asset, credential = make_card(world)
    services.reveal_credential(
        actor=actor(world.agent_a), credential_id=credential.pk, ip="192.0.2.1", user_agent="UA"
    )
    client.force_login(world.manager)
    page = client.get("/desk/vault-log/")
    assert page.status_code == 200
    assert "Firewall" in page.content.decode()
    assert "192.0.2.1" in page.content.decode()
    assert "Fw-Secret-77" not in page.content.decode()
    client.force_login(world.agent_a)
    assert client.get("/desk/vault-log/").status_code == 404


def test_the_ticket_page_shows_the_client_card(client, world):
    asset, _credential = make_card(world)
    ticket = make_ticket(actor(world.requester_a), asset_id=asset.pk)
    other = make_ticket(actor(world.requester_a), subject="Earlier problem")
    client.force_login(world.agent_a)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    # The page draws the card's frame; the card itself arrives from its own URL.
    card_url = f"/desk/tickets/{ticket.number}/client-card/"
    assert f'hx-get="{card_url}"' in page
    assert "Fw-Secret-77" not in page
    html = client.get(card_url).content.decode()
    assert 'aria-labelledby="client-card-title"' in html
    assert 'id="ticket-client-card"' in html
    assert 'href="anydesk:123456789"' in html
    assert "Firewall" in html
    assert "Fw-Secret-77" not in html
    assert f'href="/desk/tickets/{other.number}/"' in html
    asset_page = client.get(f"/desk/assets/{asset.pk}/").content.decode()
    assert f'href="/desk/tickets/{ticket.number}/"' in asset_page


def test_the_client_card_is_for_staff_who_see_the_ticket(client, world):
    make_card(world)
    ticket = make_ticket(actor(world.requester_a))
    card_url = f"/desk/tickets/{ticket.number}/client-card/"

    client.force_login(world.agent_b)  # serves only the other organization
    assert client.get(card_url).status_code == 404
    client.force_login(world.requester_a)  # the requester: not a desk page
    assert client.get(card_url).status_code in (302, 403, 404)
    assert client.post(card_url).status_code in (302, 403, 404, 405)
    client.force_login(world.agent_a)
    assert client.post(card_url).status_code == 405
    assert client.get("/desk/tickets/999999/client-card/").status_code == 404


def test_import_preview_then_import(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linia.directory.models import Organization

    client.force_login(world.manager)
    upload = SimpleUploadedFile(
        "orgs.csv", b"name,support_hours\nInitech,24/7\n", content_type="text/csv"
    )
    preview = client.post(
        "/desk/directory/import/", {"kind": "organizations", "file": upload, "action": "preview"}
    )
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Preview: every row is valid." in html
    assert not Organization.objects.filter(name="Initech").exists()
    data = preview.context["data"]
    done = client.post(
        "/desk/directory/import/",
        {"kind": "organizations", "data": data, "filename": "orgs.csv", "action": "import"},
    )
    assert "Imported 1 row." in done.content.decode()
    assert Organization.objects.get(name="Initech").support_hours == "24/7"


def test_import_reports_bad_rows_and_writes_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linia.directory.models import Contact

    before = Contact.objects.count()
    client.force_login(world.manager)
    upload = SimpleUploadedFile(
        "c.csv", b"organization,full_name\nAcme,Ok Person\nMissing Org,Bad\n"
    )
    response = client.post(
        "/desk/directory/import/", {"kind": "contacts", "file": upload, "action": "import"}
    )
    assert response.status_code == 422
    assert "1 row has errors: nothing was imported." in response.content.decode()
    assert Contact.objects.count() == before


def test_import_is_for_managers_and_export_respects_tenancy(client, world):
    make_card(world)
    client.force_login(world.agent_a)
    assert client.get("/desk/directory/import/").status_code == 404
    response = client.get("/desk/directory/export/assets.csv")
    assert response.status_code == 200
    assert "ACC-PC-07" in response.content.decode("utf-8-sig")
    client.force_login(world.agent_b)
    assert "ACC-PC-07" not in client.get("/desk/directory/export/assets.csv").content.decode(
        "utf-8-sig"
    )
    assert client.get("/desk/directory/export/credentials.csv").status_code == 404


def test_the_desk_names_the_equipment_when_classifying(client, world):
    asset, _credential = make_card(world)
    ticket = make_ticket(actor(world.requester_a))
    client.force_login(world.agent_a)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert f'<option value="{asset.pk}">ACC-PC-07</option>' in page
    data = {
        "subject": ticket.subject,
        "type": ticket.type,
        "category": "",
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "priority": "",
        "asset": str(asset.pk),
    }
    response = client.post(f"/desk/tickets/{ticket.number}/classify/", data)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.asset_id == asset.pk
    client.force_login(world.agent_b)
    assert (
        client.post(f"/desk/tickets/{ticket.number}/classify/", {**data, "asset": ""}).status_code
        == 404
    )
    ticket.refresh_from_db()
    assert ticket.asset_id == asset.pk


def test_guessing_codes_is_cut_off(client, world):
    _asset, credential = make_card(world)
    secret = generate_totp_secret()
    TOTP.activate(world.agent_a, secret)
    client.force_login(world.agent_a)
    for _attempt in range(5):
        client.post(f"/desk/credentials/{credential.pk}/reveal/", {"code": "000000"})
    blocked = client.post(
        f"/desk/credentials/{credential.pk}/reveal/", {"code": _current_code(secret)}
    )
    assert blocked.status_code == 403
    assert "Fw-Secret-77" not in blocked.content.decode()
    assert CredentialReveal.objects.count() == 0


def test_the_card_links_the_sla_contract(client, world):
    from linia.sla import services as sla_services

    policy = sla_services.create_policy(name="Gold 24/7", targets={})
    sla_services.bind_organization(
        organization_id=world.org_a.pk, policy_id=policy.pk, reference="C-2026-17"
    )
    client.force_login(world.agent_a)
    html = client.get(f"/desk/organizations/{world.org_a.pk}/").content.decode()
    assert "Gold 24/7 · C-2026-17" in html


def test_an_agent_adds_a_vault_entry_from_the_card(client, world):
    from linia.directory.models import Credential

    client.force_login(world.agent_a)
    response = client.post(
        f"/desk/organizations/{world.org_a.pk}/credentials/",
        {
            "name": "Wi-Fi office",
            "login": "",
            "url": "",
            "secret": "Wlan-Pass-99",
            "asset": "",
            "notes": "",
        },
    )
    assert response.status_code == 302
    credential = Credential.objects.get()
    assert (credential.name, credential.organization_id, credential.created_by_id) == (
        "Wi-Fi office",
        world.org_a.pk,
        world.agent_a.pk,
    )
    page = client.get(f"/desk/organizations/{world.org_a.pk}/").content.decode()
    assert "Wi-Fi office" in page
    assert "Wlan-Pass-99" not in page
    missing = client.post(
        f"/desk/organizations/{world.org_a.pk}/credentials/", {"name": "No secret"}
    )
    assert missing.status_code == 422
    assert Credential.objects.count() == 1
    client.force_login(world.agent_b)
    denied = client.post(
        f"/desk/organizations/{world.org_a.pk}/credentials/", {"name": "x", "secret": "y"}
    )
    assert denied.status_code == 404
    assert Credential.objects.count() == 1
