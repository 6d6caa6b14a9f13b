import os
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
import pytest
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket
from .conftest import incoming


@pytest.mark.django_db(transaction=True)
def test_shot(live_server, world):
    from playwright.sync_api import sync_playwright
    t = make_ticket(actor(world.requester_a), files=[incoming()])
    for i in range(5):
        x = make_ticket(actor(world.colleague_a), subject=f"Case {i} about the VPN", impact="high")
    services.assign_ticket(actor=actor(world.agent_a), number=x.number, assignee_id=world.agent_a.pk)
    services.add_message(actor=actor(world.agent_a), number=t.number, body="Please restart the printer.\nThanks")
    services.add_message(actor=actor(world.agent_a), number=t.number, body="Probably a driver issue", is_internal=True, files=[incoming("driver.log")])
    services.change_status(actor=actor(world.agent_a), number=t.number, to="pending", note="Waiting for the requester")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        page = b.new_page(viewport={"width": 1400, "height": 900})
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=login]", "agent_a")
        page.fill("input[name=password]", "pass-word-123")
        page.click("button[type=submit], input[type=submit]")
        page.goto(live_server.url + "/desk/")
        page.screenshot(path="/tmp/queue.png", full_page=True)
        page.keyboard.press("/")
        assert page.evaluate("document.activeElement.id") == "id_text"
        page.goto(live_server.url + f"/desk/tickets/{t.number}/")
        page.screenshot(path="/tmp/ticket.png", full_page=True)
        # htmx reply
        page.fill("textarea[name=body]", "Did it work?")
        page.click("text=Reply publicly")
        page.wait_for_selector("text=Reply sent.")
        # failing resolve
        page.click("summary:has-text('Resolve')")
        page.click("form.transition-resolve button.primary")
        page.wait_for_selector("text=The resolution is required.")
        page.screenshot(path="/tmp/ticket2.png", full_page=True)
        page.goto(live_server.url + "/desk/tickets/new/")
        page.select_option("select[name=organization]", str(world.org_a.pk))
        page.wait_for_selector(f"select[name=requester] option[value='{world.contact_a.pk}']", state="attached")
        page.screenshot(path="/tmp/new.png", full_page=True)
        b.close()
