"""Help articles suggested while a request is written, in a real browser: the requester types
the subject, the matching public article appears (an internal one never does), opens it in a
new tab, comes back to the untouched form and sends the request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from linia.directory.tests.factories import actor
from linia.kb import services
from linia.kb.models import SuggestionOpen
from linia.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pass-word-123"


def log_in(page, username: str) -> None:
    page.goto("/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_requester_sees_and_opens_a_suggested_article(world, new_page, screenshot):
    staff = actor(world.admin)
    public = services.create_article(
        actor=staff,
        title="Принтер не печатает: что проверить",
        body="1. Проверьте, включён ли принтер.\n2. Откройте задний лоток и достаньте лист.",
        language="ru",
        visibility="public",
        status="published",
    )
    services.create_article(
        actor=staff,
        title="Принтер не печатает: сброс очереди на сервере",
        body="Только для инженеров: перезапустить spooler на сервере печати.",
        language="ru",
        visibility="internal",
        status="published",
    )

    page = new_page("ru-RU")
    log_in(page, world.requester_a.username)
    page.goto("/requests/new/")
    panel = page.locator("#kb-suggestions")
    expect(panel).to_be_hidden()  # nothing typed, nothing suggested

    # Typing key by key, as a person does: the panel fills after the pause (debounced).
    page.locator("input[name=subject]").press_sequentially("принтер не печатает", delay=20)
    suggestion = panel.get_by_role("link", name=re.compile("Принтер не печатает: что проверить"))
    expect(suggestion).to_be_visible()
    expect(panel).not_to_contain_text("сброс очереди")
    expect(panel.locator("mark").first).to_be_visible()
    screenshot(page, "kb-01-portal-suggestions")

    # The article opens in a new tab, so the half-written request stays as it is.
    with page.context.expect_page() as opened:
        suggestion.click()
    article = opened.value
    article.wait_for_load_state()
    expect(article.locator("h1")).to_have_text("Принтер не печатает: что проверить")
    expect(article.locator(".kb-body")).to_contain_text("задний лоток")
    screenshot(article, "kb-02-portal-suggested-article")
    opens = list(SuggestionOpen.objects.values_list("article_id", "query", "ticket_id"))
    assert opens == [(public.pk, "принтер не печатает", None)]

    # "Was this helpful?" works in place (htmx).
    article.get_by_role("button", name=re.compile("Нет|No")).click()
    expect(article.locator("#vote button[aria-pressed=true]")).to_have_count(1)
    public.refresh_from_db()
    assert (public.helpful_count, public.unhelpful_count, public.view_count) == (0, 1, 1)
    article.close()

    # Back in the form: the text is still there; the request is sent after all.
    expect(page.locator("input[name=subject]")).to_have_value("принтер не печатает")
    page.locator("textarea[name=description]").fill("Статья не помогла, лоток пустой.")
    page.locator("form.request-form button[type=submit].primary").click()
    page.wait_for_url(re.compile(r"/requests/\d+/$"))
    ticket = Ticket.objects.get(subject="принтер не печатает")
    screenshot(page, "kb-03-portal-request-sent")
    # The open is claimed by the request: the article did not deflect it.
    assert list(SuggestionOpen.objects.values_list("ticket_id", flat=True)) == [ticket.pk]


def test_faq_page_on_a_phone(world, new_page, screenshot):
    staff = actor(world.admin)
    printers = services.create_category(actor=staff, name="Printers")
    services.create_article(
        actor=staff,
        title="The printer does not print",
        body="Open the rear tray and remove the jammed sheet.",
        visibility="public",
        status="published",
        category_id=printers.pk,
    )
    services.create_article(
        actor=staff,
        title="Spooler reset runbook",
        body="Agents only.",
        visibility="internal",
        status="published",
        category_id=printers.pk,
    )
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, world.requester_a.username)
    page.get_by_role("link", name="Help articles").click()
    expect(page.locator("h1")).to_have_text("Help articles")
    expect(page.locator("main")).to_contain_text("The printer does not print")
    expect(page.locator("main")).not_to_contain_text("Spooler reset runbook")
    page.locator("input[name=q]").fill("printer")
    page.locator("form.kb-search button").click()
    expect(page.locator(".kb-hits mark").first).to_be_visible()
    screenshot(page, "kb-04-portal-faq-search-phone")
