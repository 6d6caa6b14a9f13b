"""The knowledge base in the desk, in a real browser: the panel beside a ticket loads by itself,
"Insert text" fills the reply box and links the article; the editor's preview; the diff."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from linia.directory.tests.factories import actor
from linia.kb import services as kb_services
from linia.kb.models import ArticleTicketLink, LinkKind
from linia.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def log_in(page, username: str) -> None:
    page.goto("/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_insert_an_article_into_a_reply(world, new_page, screenshot):
    article = kb_services.create_article(
        actor=actor(world.agent_a),
        title="Clearing a printer paper jam",
        body="## Steps\n\n1. **Open** the front tray.\n2. Pull the sheet out.",
        visibility="public",
        status="published",
    )
    ticket = make_ticket(actor(world.requester_a), subject="Printer paper jam")

    page = new_page()
    log_in(page, world.agent_a.username)
    page.goto(f"/desk/tickets/{ticket.number}/")
    panel = page.locator("section.kb-panel")
    expect(panel).to_contain_text("Clearing a printer paper jam")
    panel.get_by_role("button", name="Insert text").first.click()
    reply = page.locator(".reply-form textarea[name=body]")
    expect(reply).to_have_value(
        "Clearing a printer paper jam\n\nSteps\nOpen the front tray.\nPull the sheet out."
    )
    panel.get_by_role("button", name="Insert link").first.click()
    expect(reply).to_have_value(
        f"Clearing a printer paper jam\n\nSteps\nOpen the front tray.\nPull the sheet out.\n"
        f"{page.url.split('/desk/')[0]}/kb/{article.pk}/"
    )
    page.wait_for_load_state("networkidle")
    screenshot(page, "30-desk-kb-panel")
    link = ArticleTicketLink.objects.get(article=article, ticket=ticket)
    assert link.kind == LinkKind.USED_IN_REPLY


def test_editor_preview_and_diff(world, new_page, screenshot):
    article = kb_services.create_article(
        actor=actor(world.agent_a), title="VPN setup", body="Install the client.\nRestart."
    )
    page = new_page()
    log_in(page, world.agent_a.username)
    page.goto(f"/desk/kb/{article.pk}/edit/")
    page.locator("textarea[name=body]").fill("Install the **new** client.\nRestart.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#kb-preview strong")).to_have_text("new")
    screenshot(page, "31-desk-kb-editor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".kb-body")).to_contain_text("Install the new client.")
    page.goto(f"/desk/kb/{article.pk}/revisions/2/")
    expect(page.locator("table.kb-diff ins")).to_have_text("**new** ")
    screenshot(page, "32-desk-kb-diff")
    page.goto("/desk/kb/?q=vpn")
    expect(page.locator("#kb-results mark").first).to_have_text("VPN")
    screenshot(page, "33-desk-kb-list")
    page.goto(f"/desk/kb/{article.pk}/")
    screenshot(page, "34-desk-kb-article")
