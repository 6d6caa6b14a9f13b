"""The whole way of a request in a real browser: the requester submits it in the portal, an
L1 agent sees it in the desk queue and answers, resolves it, and the requester reads the
answer and confirms the fix."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linia.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def log_in(page, username: str) -> None:
    page.goto("/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_requester_submits_agent_answers_requester_confirms(world, new_page, screenshot):
    # The requester files a request in the portal.
    requester = new_page()
    log_in(requester, world.requester_a.username)
    requester.goto("/requests/new/")
    requester.locator("input[name=subject]").fill("Принтер не печатает")
    requester.locator("textarea[name=description]").fill(
        "Since this morning the office printer shows a paper jam."
    )
    requester.locator("input[name=urgency][value=high]").check()
    requester.set_input_files(
        "input[name=attachments]",
        files=[{"name": "error.txt", "mimeType": "text/plain", "buffer": b"E-07 paper jam"}],
    )
    screenshot(requester, "01-portal-new-request")
    requester.get_by_role("button", name="Send the request").click()
    requester.wait_for_url(re.compile(r"/requests/\d+/$"))
    ticket = Ticket.objects.get(subject="Принтер не печатает")
    expect(requester.locator("body")).to_contain_text(str(ticket.number))
    requester.goto("/requests/")
    expect(requester.locator("body")).to_contain_text("Принтер не печатает")
    screenshot(requester, "02-portal-my-requests")

    # The L1 agent sees it in the queue and opens it.
    agent = new_page()
    log_in(agent, world.agent_a.username)
    agent.goto("/desk/")
    row = agent.locator("tr", has_text="Принтер не печатает")
    expect(row).to_be_visible()
    expect(row).to_contain_text(world.contact_a.full_name)
    expect(row).to_contain_text("Acme")
    screenshot(agent, "03-desk-queue")
    row.get_by_role("link", name=re.compile("Принтер")).first.click()
    agent.wait_for_url(re.compile(rf"/desk/tickets/{ticket.number}/$"))
    expect(agent.locator("body")).to_contain_text("error.txt")

    # An internal note, then a public answer.
    agent.locator("textarea[name=body]").fill("Checked the spooler remotely; it was stuck.")
    agent.get_by_role("button", name="Add internal note").click()
    expect(agent.locator(".thread")).to_contain_text("spooler remotely")
    agent.locator("textarea[name=body]").fill("Please open the rear tray and remove the sheet.")
    agent.get_by_role("button", name="Reply publicly").click()
    expect(agent.locator(".thread")).to_contain_text("remove the sheet")

    # The agent resolves it with a resolution and the training flag.
    resolve = agent.locator("form.transition-resolve")
    resolve.locator("summary").click()
    resolve.locator("textarea[name=resolution]").fill("Paper jam cleared; printer works.")
    resolve.locator("input[name=training_recommended]").check()
    resolve.get_by_role("button", name="Resolve").click()
    expect(agent.locator(".badge.status-resolved").first).to_be_visible()
    screenshot(agent, "04-desk-ticket-resolved")

    # The requester sees the answer (not the internal note) and confirms the fix.
    requester.goto(f"/requests/{ticket.number}/")
    body = requester.locator("body")
    expect(body).to_contain_text("remove the sheet")
    expect(body).to_contain_text("Paper jam cleared")
    expect(body).not_to_contain_text("spooler remotely")
    screenshot(requester, "05-portal-resolved")
    requester.locator("form.action-confirm button").click()
    requester.wait_for_load_state("networkidle")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert ticket.training_recommended is True
    screenshot(requester, "06-portal-closed")
    kinds = list(ticket.events.values_list("kind", "new_value"))
    assert ("ticket.status_changed", "resolved") in kinds
    assert kinds[-1] == ("ticket.status_changed", "closed")
