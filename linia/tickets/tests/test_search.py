"""Ticket search: indexing as a reaction to events, tenancy, internal notes, similar tickets."""

from __future__ import annotations

import pytest

from linia.directory.tests.factories import actor
from linia.search.normalize import normalize_for_index
from linia.tickets import services
from linia.tickets.models import Ticket, TicketSearchDocument
from linia.tickets.search import search_tickets, similar_solved_tickets
from linia.tickets.tests.factories import make_ticket, move_ticket


@pytest.fixture
def tickets(shared_world, django_capture_on_commit_callbacks) -> dict[str, Ticket]:
    with django_capture_on_commit_callbacks(execute=True):
        a = make_ticket(
            actor(shared_world.requester_a),
            subject="Outlook crashes on start",
            description="Outlook closes right after the splash screen.",
        )
        services.add_message(
            actor=actor(shared_world.agent_a),
            number=a.number,
            body="Suspect the Kaspersky plugin",
            is_internal=True,
        )
        services.add_message(
            actor=actor(shared_world.requester_a), number=a.number, body="Still crashing today"
        )
        b = make_ticket(
            actor(shared_world.requester_b),
            subject="Outlook crashes when opening attachments",
            description="Every PDF attachment crashes Outlook.",
        )
        colleague = make_ticket(
            actor(shared_world.colleague_a), subject="Outlook is slow", description=""
        )
    return {"a": a, "b": b, "colleague": colleague}


def numbers(page) -> set[int]:
    return {hit.ticket.number for hit in page.items}


def test_events_index_the_ticket_and_its_messages(shared_world, tickets):
    document = TicketSearchDocument.objects.get(ticket=tickets["a"])

    assert "outlook" in document.public_terms.split()
    assert "crash" in document.public_terms.split()  # from the requester's reply
    assert document.internal_terms == normalize_for_index("Suspect the Kaspersky plugin")
    assert "kaspersky" not in document.public_terms


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("requester_a", {"a"}),
        ("colleague_a", {"colleague"}),
        ("client_manager_a", {"a", "colleague"}),
        ("requester_b", {"b"}),
        ("agent_a", {"a", "colleague"}),
        ("agent_b", {"b"}),
        ("manager", {"a", "b", "colleague"}),
    ],
)
def test_search_returns_and_counts_only_visible_tickets(shared_world, tickets, user, expected):
    page = search_tickets(actor(getattr(shared_world, user)), "outlook")

    assert numbers(page) == {tickets[key].number for key in expected}
    assert page.total == len(expected)


@pytest.mark.parametrize("user", ["requester_a", "client_manager_a"])
def test_clients_do_not_match_internal_notes(shared_world, tickets, user):
    page = search_tickets(actor(getattr(shared_world, user)), "kaspersky")

    assert (page.items, page.total) == ([], 0)


def test_staff_match_internal_notes_but_snippets_show_only_the_description(shared_world, tickets):
    page = search_tickets(actor(shared_world.agent_a), "kaspersky")

    assert numbers(page) == {tickets["a"].number}
    assert "Kaspersky" not in page.items[0].snippet_html


def test_inflected_words_and_highlighting(shared_world, tickets):
    page = search_tickets(actor(shared_world.requester_a), "crashing outlook")

    assert page.items[0].subject_html == "<mark>Outlook</mark> <mark>crashes</mark> on start"


def test_solved_only_and_similar_solved_tickets(
    shared_world, tickets, django_capture_on_commit_callbacks
):
    manager = actor(shared_world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        move_ticket(tickets["b"], "resolved", by=manager)
        move_ticket(tickets["colleague"], "closed", by=manager)
        fresh = make_ticket(actor(shared_world.requester_a), subject="Outlook crashes again")

    assert numbers(search_tickets(manager, "outlook", solved_only=True)) == {
        tickets["b"].number,
        tickets["colleague"].number,
    }
    similar = similar_solved_tickets(manager, fresh)
    assert [hit.ticket.number for hit in similar] == [
        tickets["b"].number,
        tickets["colleague"].number,
    ]
    # An agent of organization A never gets B's solved ticket suggested.
    similar_for_agent = similar_solved_tickets(actor(shared_world.agent_a), fresh)
    assert [hit.ticket.number for hit in similar_for_agent] == [tickets["colleague"].number]


def test_resolution_is_indexed(shared_world, tickets, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move_ticket(tickets["a"], "resolved", by=actor(shared_world.manager))

    page = search_tickets(actor(shared_world.requester_a), "toner")  # "Replaced the toner"
    assert numbers(page) == {tickets["a"].number}
