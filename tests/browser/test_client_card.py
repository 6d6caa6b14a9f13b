"""The client card beside a ticket in a real browser: the equipment's remote-access links, and
a vault entry revealed on click (htmx), which lands in the audit log."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linia.directory import services
from linia.directory.models import CredentialReveal
from linia.directory.tests.factories import actor
from linia.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def log_in(page, username: str) -> None:
    page.goto("/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_agent_sees_the_card_and_reveals_a_secret(world, new_page, screenshot):
    asset = services.create_asset(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        name="ACC-PC-07",
        anydesk_id="123456789",
        owner_id=world.contact_a.pk,
    )
    credential = services.create_credential(
        actor=actor(world.agent_a),
        organization_id=world.org_a.pk,
        name="Firewall",
        login="admin",
        secret="Fw-Secret-77",
    )
    ticket = make_ticket(actor(world.requester_a), asset_id=asset.pk)

    page = new_page()
    log_in(page, world.agent_a.username)
    page.goto(f"/desk/tickets/{ticket.number}/")
    card = page.locator("section.client-card")
    expect(card).to_contain_text("ACC-PC-07")
    expect(card.get_by_role("link", name="AnyDesk")).to_have_attribute("href", "anydesk:123456789")
    expect(card).not_to_contain_text("Fw-Secret-77")
    card.locator(f"#secret-{credential.pk}").get_by_role("button", name="Reveal").click()
    expect(card.locator("[data-testid=secret]")).to_have_text("Fw-Secret-77")
    screenshot(page, "20-desk-client-card-revealed")
    assert CredentialReveal.objects.filter(user=world.agent_a, credential=credential).count() == 1
