"""The queue's text filter and `GET /api/v1/tickets?q=`: full-text over the search index,
ticket numbers, tenancy, internal notes, keyset pages and a constant query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.api.tests.conftest import API, client_for
from linia.directory.tests.factories import actor
from linia.tickets import queries, services
from linia.tickets.models import Ticket, TicketSearchDocument
from linia.tickets.queries import QueueFilters, list_tickets_for
from linia.tickets.search import reindex_tickets
from linia.tickets.tests.factories import make_ticket


@pytest.fixture
def tickets(world, django_capture_on_commit_callbacks) -> dict[str, Ticket]:
    with django_capture_on_commit_callbacks(execute=True):
        printer = make_ticket(
            actor(world.requester_a), subject="Cannot work", description="Since this morning."
        )
        services.add_message(
            actor=actor(world.requester_a), number=printer.number, body="Принтер не печатает"
        )
        services.add_message(
            actor=actor(world.agent_a),
            number=printer.number,
            body="Suspect the Kaspersky plugin",
            is_internal=True,
        )
        keyboard = make_ticket(actor(world.requester_a), subject="Broken keyboard")
        foreign = make_ticket(
            actor(world.requester_b), subject="Принтер сломался", description="Kaspersky"
        )
    return {"printer": printer, "keyboard": keyboard, "foreign": foreign}


def numbers(user, text: str) -> list[int]:
    tickets = list_tickets_for(actor(user), QueueFilters(include_closed=True, text=text))
    return [ticket.number for ticket in tickets]


def api_numbers(user, **params: str) -> list[int]:
    response = client_for(user).get(f"{API}/tickets", params)
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_a_word_of_a_message_matches_in_any_inflection(world, tickets):
    assert numbers(world.agent_a, "принтера") == [tickets["printer"].number]
    assert numbers(world.requester_a, "ПРИНТЕР") == [tickets["printer"].number]
    assert api_numbers(world.agent_a, q="принтера") == [tickets["printer"].number]


def test_a_word_prefix_still_matches(world, tickets):
    assert numbers(world.agent_a, "keyb") == [tickets["keyboard"].number]
    assert api_numbers(world.agent_a, q="keyb") == [tickets["keyboard"].number]


def test_every_word_must_match(world, tickets):
    assert numbers(world.agent_a, "broken printer") == []
    assert numbers(world.agent_a, "broken keyboard") == [tickets["keyboard"].number]


def test_numbers_with_and_without_hash(world, tickets):
    number = tickets["keyboard"].number
    assert numbers(world.agent_a, f"#{number}") == [number]
    assert numbers(world.agent_a, str(number)) == [number]
    assert api_numbers(world.agent_a, q=f"#{number}") == [number]
    assert api_numbers(world.agent_a, text=str(number)) == [number]


def test_no_foreign_tickets_by_text_or_number(world, tickets):
    assert numbers(world.agent_a, "принтер") == [tickets["printer"].number]
    assert numbers(world.agent_b, "принтер") == [tickets["foreign"].number]
    assert numbers(world.requester_a, f"#{tickets['foreign'].number}") == []
    assert api_numbers(world.requester_b, q="принтер") == [tickets["foreign"].number]
    assert api_numbers(world.agent_a, q=str(tickets["foreign"].number)) == []


def test_clients_never_match_internal_notes(world, tickets):
    assert numbers(world.agent_a, "kaspersky") == [tickets["printer"].number]
    assert numbers(world.manager, "kaspersky") == [
        tickets["foreign"].number,
        tickets["printer"].number,
    ]
    assert numbers(world.requester_a, "kaspersky") == []
    assert api_numbers(world.requester_a, q="kaspersky") == []
    assert api_numbers(world.client_manager_a, q="kaspersky") == []


def test_text_without_terms_falls_back_to_the_subject(world, tickets):
    assert numbers(world.agent_a, "!!!") == []
    assert api_numbers(world.agent_a, q="   ") == api_numbers(world.agent_a)


def test_the_desk_queue_filters_by_text(client, world, tickets):
    client.force_login(world.agent_a)
    response = client.get("/desk/", {"text": "принтера", "status": "any"})
    assert [t.number for t in response.context["tickets"]] == [tickets["printer"].number]


def test_cursor_pages_keep_the_text_filter(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = [make_ticket(actor(world.requester_a), subject=f"VPN case {i}") for i in range(5)]
        make_ticket(actor(world.requester_a), subject="Mail case")
    client = client_for(world.agent_a)
    walked: list[int] = []
    cursor = ""
    while True:
        response = client.get(f"{API}/tickets", {"q": "vpn", "limit": "2", "after": cursor})
        body = response.json()
        walked.extend(item["number"] for item in body["items"])
        cursor = body["next_cursor"]
        if not cursor or len(walked) > 10:
            break
    assert walked == sorted((t.number for t in made), reverse=True)


def test_query_count_does_not_grow_with_matches(world, django_capture_on_commit_callbacks):
    client = client_for(world.agent_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/tickets", {"q": "vpn"}).status_code == 200
        return len(captured)

    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(actor(world.requester_a), subject="VPN down")
    queries()  # the token's first use writes its last-used time
    few = queries()
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):
            make_ticket(actor(world.requester_a), subject=f"VPN slow {i}")
    assert queries() == few


def test_common_words_go_through_the_subquery_alike(world, tickets, monkeypatch):
    # Past TEXT_MATCHES_AS_LIST matches the ids stay in SQL: the same answers either way.
    monkeypatch.setattr(queries, "TEXT_MATCHES_AS_LIST", 0)
    assert numbers(world.agent_a, "принтера") == [tickets["printer"].number]
    assert numbers(world.requester_a, "kaspersky") == []
    assert numbers(world.agent_a, f"#{tickets['keyboard'].number}") == [tickets["keyboard"].number]
    assert numbers(world.agent_b, "keyb") == []


def active_numbers(user, text: str, **filters) -> list[int]:
    tickets = list_tickets_for(actor(user), QueueFilters(text=text, **filters))
    return [ticket.number for ticket in tickets]


def test_search_documents_know_whether_their_ticket_is_active(
    world, tickets, django_capture_on_commit_callbacks
):
    printer = tickets["printer"]
    assert TicketSearchDocument.objects.get(ticket=printer).is_active
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(
            actor=actor(world.agent_a), number=printer.number, to="cancelled", note="Duplicate"
        )
    assert not TicketSearchDocument.objects.get(ticket=printer).is_active
    # Cancelled: gone from the active queue's text filter, still found among every status.
    assert active_numbers(world.agent_a, "принтера") == []
    assert active_numbers(world.agent_a, "принтера", include_closed=True) == [printer.number]
    assert active_numbers(world.agent_a, "принтера", statuses=["cancelled"]) == [printer.number]
    reindexed = reindex_tickets()
    assert reindexed == Ticket.objects.count()
    assert not TicketSearchDocument.objects.get(ticket=printer).is_active


@pytest.mark.parametrize("as_list", [0, 2_000])
def test_the_active_text_filter_answers_alike_by_list_and_subquery(
    world, tickets, monkeypatch, as_list
):
    monkeypatch.setattr(queries, "TEXT_MATCHES_AS_LIST_ACTIVE", as_list)
    assert active_numbers(world.agent_a, "принтера") == [tickets["printer"].number]
    assert active_numbers(world.agent_a, "keyb", statuses=["new"]) == [tickets["keyboard"].number]
    assert active_numbers(world.agent_b, "keyb") == []
    assert active_numbers(world.requester_a, "kaspersky") == []


def test_a_document_written_without_the_flag_is_matched_not_missed(world, tickets):
    """A row that never learnt its status defaults to active: the status filter, not the
    index, then decides, so a stale flag can cost time but never hide a ticket."""
    keyboard = tickets["keyboard"]
    TicketSearchDocument.objects.filter(ticket=keyboard).delete()
    TicketSearchDocument.objects.create(ticket=keyboard, public_terms="keyboard")
    assert active_numbers(world.agent_a, "keyboard") == [keyboard.number]


def test_quotes_and_percent_signs_in_a_common_word_are_harmless(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    # Through the subquery, PostgreSQL gets the words written into the SQL (quoted by psycopg,
    # `%` doubled): they must still mean only what they say.
    monkeypatch.setattr(queries, "TEXT_MATCHES_AS_LIST_ACTIVE", 0)
    with django_capture_on_commit_callbacks(execute=True):
        quoted = make_ticket(actor(world.requester_a), subject="O'Brien's VPN 100% down")
        make_ticket(actor(world.requester_a), subject="Broken keyboard")
    for text in ("O'Brien's", "100%", "o'brien' OR 1=1 --", "%s %%", "\\'; DROP TABLE x; --"):
        found = active_numbers(world.agent_a, text)
        assert found in ([quoted.number], []), text
    assert active_numbers(world.agent_a, "O'Brien's") == [quoted.number]
