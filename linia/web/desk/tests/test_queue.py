from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from linia.directory.tests.factories import actor
from linia.tickets import queries, services
from linia.tickets.tests.factories import make_ticket

from .conftest import HTMX

QUEUE = "/desk/"


def test_queue_lists_visible_tickets_with_their_columns(agent_client, world, ticket_a, ticket_b):
    response = agent_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{ticket_a.number}" in html
    assert ticket_a.subject in html
    assert world.contact_a.full_name in html
    assert "Acme" in html
    assert 'class="badge status-new"' in html
    assert 'class="badge priority-P3"' in html
    # agent_a does not serve Globex
    assert f"#{ticket_b.number}" not in html
    assert "Globex VPN is down" not in html
    assert [t.number for t in response.context["tickets"]] == [ticket_a.number]


def test_queue_polls_and_htmx_gets_only_the_table(agent_client, ticket_a):
    page = agent_client.get(QUEUE + "?assignee=none")
    assert 'hx-trigger="every 10s"' in page.content.decode()
    assert 'hx-get="/desk/?assignee=none"' in page.content.decode()
    partial = agent_client.get(QUEUE + "?assignee=none", **HTMX)
    html = partial.content.decode()
    assert partial.status_code == 200
    assert html.lstrip().startswith('<div id="queue-results"')
    assert "<form" not in html
    assert "<html" not in html
    assert f"#{ticket_a.number}" in html
    assert partial["Vary"].count("HX-Request") == 1


def test_queue_shows_a_new_ticket_on_the_next_poll(agent_client, world, ticket_a):
    first = agent_client.get(QUEUE, **HTMX)
    newer = make_ticket(actor(world.colleague_a), subject="Scanner offline")
    second = agent_client.get(QUEUE, **HTMX)
    assert "Scanner offline" not in first.content.decode()
    assert "Scanner offline" in second.content.decode()
    html = second.content.decode()
    assert html.index(f"#{newer.number}<") < html.index(f"#{ticket_a.number}<")


def test_queue_filters_by_assignee(agent_client, world, ticket_a):
    mine = make_ticket(actor(world.requester_a), subject="Mine")
    services.assign_ticket(
        actor=actor(world.agent_a), number=mine.number, assignee_id=world.agent_a.pk
    )

    def numbers(query: str) -> list[int]:
        return [t.number for t in agent_client.get(QUEUE + query).context["tickets"]]

    assert numbers("?assignee=me") == [mine.number]
    assert numbers("?assignee=none") == [ticket_a.number]
    assert numbers(f"?assignee={world.agent_a.pk}") == [mine.number]
    assert numbers("") == [mine.number, ticket_a.number]


def test_queue_status_filter_defaults_to_active(agent_client, world, ticket_a):
    done = make_ticket(actor(world.requester_a), subject="Done already")
    services.change_status(
        actor=actor(world.agent_a), number=done.number, to="resolved", resolution="Fixed"
    )
    services.change_status(actor=actor(world.agent_a), number=done.number, to="closed")

    def numbers(query: str) -> list[int]:
        return [t.number for t in agent_client.get(QUEUE + query).context["tickets"]]

    assert numbers("") == [ticket_a.number]
    assert numbers("?status=active") == [ticket_a.number]
    assert numbers("?status=closed") == [done.number]
    assert numbers("?status=any") == [done.number, ticket_a.number]
    assert numbers("?status=any&sort=number") == [ticket_a.number, done.number]


def test_queue_filters_by_text_number_priority_type_tier_team_organization(
    client, world, ticket_a, ticket_b, django_capture_on_commit_callbacks
):
    client.force_login(world.manager)
    # The text filter reads the search index, which ticket events fill after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        printer = make_ticket(
            actor(world.requester_a),
            subject="Broken keyboard",
            type="question",
            impact="high",
            urgency="high",
        )

    def numbers(query: str) -> list[int]:
        return [t.number for t in client.get(QUEUE + query).context["tickets"]]

    assert numbers("?text=keyboard") == [printer.number]
    assert numbers(f"?text=%23{ticket_a.number}") == [ticket_a.number]
    assert numbers("?priority=P1") == [printer.number]
    assert numbers("?type=question") == [printer.number]
    assert numbers(f"?organization={world.org_b.pk}") == [ticket_b.number]
    assert numbers(f"?team={world.other_l1.pk}") == [ticket_b.number]
    assert numbers("?tier=2") == []
    assert numbers("?tier=1&sort=number") == [ticket_a.number, ticket_b.number, printer.number]


def test_queue_ignores_malformed_filters(agent_client, ticket_a):
    response = agent_client.get(QUEUE + "?team=abc&tier=9&assignee=drop+table&page=zzz")
    assert response.status_code == 200
    assert [t.number for t in response.context["tickets"]] == [ticket_a.number]


def test_queue_pages_keep_the_filters(agent_client, world, settings):
    settings.LINIA_QUEUE_PAGE_SIZE = 2
    tickets = [make_ticket(actor(world.requester_a), subject=f"Case {i}") for i in range(5)]
    first = agent_client.get(QUEUE + "?assignee=none")
    html = first.content.decode()
    assert [t.number for t in first.context["tickets"]] == [tickets[4].number, tickets[3].number]
    assert f'href="?assignee=none&amp;after={tickets[3].number}"' in html
    assert 'rel="prev"' not in html
    second = agent_client.get(QUEUE + f"?assignee=none&after={tickets[3].number}")
    assert [t.number for t in second.context["tickets"]] == [tickets[2].number, tickets[1].number]
    last = agent_client.get(QUEUE + f"?assignee=none&after={tickets[1].number}")
    html = last.content.decode()
    assert [t.number for t in last.context["tickets"]] == [tickets[0].number]
    assert 'rel="next"' not in html
    assert f'href="?assignee=none&amp;before={tickets[0].number}"' in html
    assert "5 tickets" in html
    back = agent_client.get(QUEUE + f"?assignee=none&before={tickets[0].number}")
    assert [t.number for t in back.context["tickets"]] == [tickets[2].number, tickets[1].number]
    # The older link form (page numbers) still works.
    old = agent_client.get(QUEUE + "?assignee=none&page=3")
    assert [t.number for t in old.context["tickets"]] == [tickets[0].number]


@pytest.mark.parametrize("sort", ["-number", "number", "priority", "-updated", "received", "sla"])
def test_queue_cursor_pages_walk_every_sort_both_ways(agent_client, world, settings, sort):
    """Ties in the sort column (priorities, receipt times) are broken by the number, so that
    walking the cursors forwards and back meets every ticket exactly once, in order."""
    settings.LINIA_QUEUE_PAGE_SIZE = 3
    agent = actor(world.agent_a)
    received = timezone.now() - timedelta(days=1)
    for index, priority in enumerate(["P1", "P3", "P3", "P2", "P3", "P4", "P1"]):
        make_ticket(
            agent,
            subject=f"Case {index}",
            priority=priority,
            organization_id=world.org_a.pk,
            requester=world.contact_a.pk,
            received_at=received + timedelta(hours=index // 3),
        )
    expected = [
        t.number for t in agent_client.get(QUEUE + f"?sort={sort}&status=any").context["tickets"]
    ]
    settings.LINIA_QUEUE_PAGE_SIZE = 2
    pages, cursor = [], ""
    while True:
        response = agent_client.get(QUEUE + f"?sort={sort}&status=any{cursor}")
        pages.append([t.number for t in response.context["tickets"]])
        assert len(pages) < 10, "the cursors go round in circles"
        page = response.context["page"]
        if not page.next_cursor:
            break
        cursor = f"&after={page.next_cursor}"
    settings.LINIA_QUEUE_PAGE_SIZE = 100
    everything = [
        t.number for t in agent_client.get(QUEUE + f"?sort={sort}&status=any").context["tickets"]
    ]
    assert [number for numbers in pages for number in numbers] == everything
    assert everything[:3] == expected
    settings.LINIA_QUEUE_PAGE_SIZE = 2
    backwards: list[list[int]] = []
    cursor = f"&before={page.previous_cursor}"
    while cursor:
        response = agent_client.get(QUEUE + f"?sort={sort}&status=any{cursor}")
        backwards.insert(0, [t.number for t in response.context["tickets"]])
        previous = response.context["page"].previous_cursor
        cursor = f"&before={previous}" if previous else ""
    assert [number for numbers in backwards + pages[-1:] for number in numbers] == everything


@pytest.mark.parametrize(
    "cursor", ["zzz", "1~2", "P1~", "~", "9" * 40, "2024-13-01~5", "²", "2024-01-01~²"]
)
def test_queue_ignores_malformed_cursors(agent_client, ticket_a, cursor):
    for sort in ("received", "-number"):
        response = agent_client.get(QUEUE, {"after": cursor, "before": cursor, "sort": sort})
        assert response.status_code == 200
        assert [t.number for t in response.context["tickets"]] == [ticket_a.number]
    assert agent_client.get(QUEUE, {"page": cursor}).status_code == 200


def test_queue_count_stops_at_its_limit(agent_client, world, monkeypatch, settings):

    settings.LINIA_QUEUE_PAGE_SIZE = 2
    monkeypatch.setattr(queries, "COUNT_LIMIT", 2)
    for index in range(3):
        make_ticket(actor(world.requester_a), subject=f"Case {index}")
    html = agent_client.get(QUEUE).content.decode()
    assert "more than 2 tickets" in html


def test_a_list_on_one_page_is_counted_by_its_rows(agent_client, world):
    for index in range(3):
        make_ticket(actor(world.requester_a), subject=f"Case {index}")
    with CaptureQueriesContext(connection) as context:
        html = agent_client.get(QUEUE).content.decode()
    assert "3 tickets" in html
    assert not [q for q in context.captured_queries if "COUNT(" in q["sql"]]


def test_a_page_past_the_end_still_counts_the_tickets(agent_client, world, settings):
    settings.LINIA_QUEUE_PAGE_SIZE = 2
    tickets = [make_ticket(actor(world.requester_a), subject=f"Case {i}") for i in range(3)]
    past_the_end = agent_client.get(QUEUE, {"after": str(tickets[0].number)})
    assert past_the_end.context["tickets"] == []
    assert "3 tickets" in past_the_end.content.decode()
    assert "3 tickets" in agent_client.get(QUEUE, {"page": "9"}).content.decode()


def test_a_text_filter_is_counted_after_the_page(
    agent_client, world, monkeypatch, settings, django_capture_on_commit_callbacks
):

    settings.LINIA_QUEUE_PAGE_SIZE = 2
    monkeypatch.setattr(queries, "TEXT_COUNT_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows events
        for index in range(3):
            make_ticket(actor(world.requester_a), subject=f"Printer jam {index}")
        make_ticket(actor(world.requester_a), subject="Scanner")

    with CaptureQueriesContext(connection) as context:
        html = agent_client.get(QUEUE, {"text": "printer", "sort": "-number"}).content.decode()
    assert not [q for q in context.captured_queries if "COUNT(" in q["sql"]]
    assert 'hx-get="/desk/queue/count/?text=printer&amp;sort=-number"' in html
    assert "Counting…" in html

    counted = agent_client.get("/desk/queue/count/", {"text": "printer"})
    assert counted.status_code == 200
    assert (
        counted.content.decode().strip()
        == '<span class="muted queue-count">more than 2 tickets</span>'
    )
    monkeypatch.setattr(queries, "TEXT_COUNT_LIMIT", 10)
    assert (
        "3 tickets" in agent_client.get("/desk/queue/count/", {"text": "printer"}).content.decode()
    )
    # Without text the general limit holds, and a text filter whose matches fit on the page is
    # counted by its rows at once.
    assert "4 tickets" in agent_client.get("/desk/queue/count/").content.decode()
    assert "1 ticket" in agent_client.get(QUEUE, {"text": "scanner"}).content.decode()


def test_queue_quick_views_and_filter_options(agent_client, world):
    html = agent_client.get(QUEUE).content.decode()
    assert 'href="/desk/?assignee=me"' in html
    assert 'href="/desk/?assignee=none"' in html
    assert f'href="/desk/?team={world.l1.pk}"' in html
    # filter options: agent_a's organizations only
    assert f'<option value="{world.org_a.pk}">Acme</option>' in html
    assert "Globex" not in html
    assert f'<option value="{world.agent_b.pk}">' in html


def test_queue_topbar(client, world):
    client.force_login(world.agent_a)
    html = client.get(QUEUE).content.decode()
    assert reverse("desk:new_ticket") in html
    assert reverse("desk:outbox") not in html
    assert 'href="/admin/"' not in html
    assert f'action="{reverse("account_logout")}"' in html
    assert 'href="/preferences/"' in html
    client.force_login(world.admin)
    html = client.get(QUEUE).content.decode()
    assert reverse("desk:outbox") in html
    assert 'href="/admin/"' in html


def test_queue_requires_login(client, db):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/desk/"
    polled = client.get(QUEUE, **HTMX)
    assert polled.status_code == 200
    assert polled["HX-Redirect"] == "/accounts/login/"


def test_clients_are_sent_to_the_portal(client, world):
    for user in (world.requester_a, world.client_manager_a):
        client.force_login(user)
        response = client.get(QUEUE)
        assert response.status_code == 302
        assert response["Location"] == "/"


def test_a_queue_row_carries_every_column_escaped(agent_client, world):
    with_markup = make_ticket(actor(world.requester_a), subject="<b>Printer</b> & scanner")
    services.assign_ticket(
        actor=actor(world.agent_a), number=with_markup.number, assignee_id=world.agent_a.pk
    )
    unassigned = make_ticket(actor(world.requester_a), subject="Mouse")
    html = agent_client.get(QUEUE).content.decode()
    row = html[html.index(f"#{with_markup.number}</a>") :]
    row = row[: row.index("</tr>")]
    link = f'<a href="/desk/tickets/{with_markup.number}/">'
    assert row.count(link) == 1  # the subject's (the number's link opens the row)
    assert f"{link}&lt;b&gt;Printer&lt;/b&gt; &amp; scanner</a>" in html
    assert "<b>Printer</b>" not in html
    assert world.agent_a.display_name in row
    assert '<td title="L1 Service desk">L1</td>' in row
    assert '<td class="nowrap sla">' in row
    assert "<time datetime=" in row
    assert (
        f'<tr class="unassigned"><td class="nowrap"><a href="/desk/tickets/{unassigned.number}/">'
        in html
    )
    assert f'<tr><td class="nowrap"><a href="/desk/tickets/{with_markup.number}/">' in html
