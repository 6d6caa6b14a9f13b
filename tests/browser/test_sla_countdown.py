"""The SLA clocks in a real browser: an agent sees the countdown of working time and the state
colour on the ticket page, a breached ticket shown as breached, and the queue's SLA column."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linia.directory.access import actor_for_user
from linia.sla import services as sla_services
from linia.sla.services import TargetSpec
from linia.tickets import services as ticket_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"

# Colours of linia.css: .badge.sla-warning is orange text, .badge.sla-breached white on red.
WARNING_BACKGROUND = "rgb(255, 241, 229)"
BREACHED_TEXT = "rgb(255, 255, 255)"


def log_in(page, username: str) -> None:
    page.goto("/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def _tickets(world):
    """Acme on a 24/7 contract (so the states do not depend on the hour the test runs), with
    a P2 ticket 50 minutes unanswered (first response due in 60: warning) and a P1 one 3 hours
    unanswered (first response 15 min, resolution 2 h: breached)."""
    always = sla_services.create_calendar(name="Round the clock", timezone="UTC", is_24x7=True)
    policy = sla_services.create_policy(
        name="Premium",
        calendar_id=always.pk,
        targets={
            "P1": TargetSpec(first_response=15, resolution=120),
            "P2": TargetSpec(first_response=60, resolution=480),
        },
    )
    sla_services.bind_organization(organization_id=world.org_a.pk, policy_id=policy.pk)
    agent = actor_for_user(world.agent_a)
    now = timezone.now()

    def phoned(subject: str, priority: str, minutes_ago: int):
        return ticket_services.create_ticket(
            actor=agent,
            subject=subject,
            organization_id=world.org_a.pk,
            requester=world.contact_a.pk,
            channel="phone",
            priority=priority,
            received_at=now - timedelta(minutes=minutes_ago),
        )

    return phoned("VPN drops every hour", "P2", 50), phoned("Mail server down", "P1", 180)


def test_agent_sees_the_sla_countdown_and_breach(world, new_page, screenshot):
    warning, breached = _tickets(world)
    page = new_page()
    log_in(page, world.agent_a.username)

    # The ticket in warning: the first response clock counts down working time, in orange.
    page.goto(f"/desk/tickets/{warning.number}/")
    card = page.locator("section.sla-clocks")
    expect(card).to_contain_text("Premium")
    state = card.locator("h2 .badge")
    expect(state).to_have_class(re.compile(r"\bsla-warning\b"))
    expect(state).to_have_css("background-color", WARNING_BACKGROUND)
    first_response = card.locator("dd.sla-clock-first_response")
    expect(first_response).to_contain_text(re.compile(r"\b(9|10) min of working time left"))
    expect(card.locator("dd.sla-clock-resolution")).to_contain_text(
        re.compile(r"7 h \d+ min of working time left")
    )
    screenshot(page, "sla-01-ticket-warning")

    # The breached ticket: red, and the time overdue.
    page.goto(f"/desk/tickets/{breached.number}/")
    card = page.locator("section.sla-clocks")
    state = card.locator("h2 .badge")
    expect(state).to_have_class(re.compile(r"\bsla-breached\b"))
    expect(state).to_have_css("color", BREACHED_TEXT)
    expect(card.locator("dd.sla-clock-first_response")).to_contain_text(
        re.compile(r"2 h 4[45] min of working time overdue")
    )
    expect(card.locator("dd.sla-clock-resolution")).to_contain_text(
        re.compile(r"(59|1 h 0) min of working time overdue")
    )
    screenshot(page, "sla-02-ticket-breached")

    # The queue: the SLA column, coloured by state.
    page.goto("/desk/")
    expect(page.locator("thead")).to_contain_text("SLA")
    warning_row = page.locator("tr", has_text="VPN drops every hour")
    breached_row = page.locator("tr", has_text="Mail server down")
    expect(warning_row.locator("td.sla .badge")).to_have_class(re.compile(r"\bsla-warning\b"))
    expect(breached_row.locator("td.sla .badge")).to_have_class(re.compile(r"\bsla-breached\b"))
    expect(breached_row.locator("td.sla")).to_contain_text("overdue")
    screenshot(page, "sla-03-queue")
