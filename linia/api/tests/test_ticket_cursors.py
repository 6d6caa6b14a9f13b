"""GET /tickets pages by cursor (`after` = the previous page's `next_cursor`) and caps its count."""

from __future__ import annotations

import pytest
from django.test import override_settings

from linia.api import pagination
from linia.directory.tests.factories import actor
from linia.tickets import queries
from linia.tickets.tests.factories import make_ticket

from .conftest import API


def numbers(response) -> list[int]:
    return [item["number"] for item in response.json()["items"]]


@override_settings(LINIA_API_MAX_PAGE_SIZE=2)
@pytest.mark.parametrize("sort", ["-number", "number", "priority", "received", "sla"])
def test_cursor_pages_walk_the_whole_list(world, api_as, sort):
    tickets = [make_ticket(actor(world.requester_a), subject=f"Case {i}") for i in range(5)]
    client = api_as(world.agent_a)
    everything = numbers(client.get(f"{API}/tickets", {"sort": sort, "limit": 2}))
    walked, cursor = [], ""
    while True:
        response = client.get(f"{API}/tickets", {"sort": sort, "limit": 2, "after": cursor})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 5
        assert body["count_exact"] is True
        walked.extend(numbers(response))
        assert len(walked) < 10, "the cursors go round in circles"
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert everything == walked[:2]
    assert sorted(walked) == sorted(t.number for t in tickets)
    assert len(walked) == 5


def test_an_offset_page_gives_a_cursor_too(world, api_as):
    tickets = [make_ticket(actor(world.requester_a)) for _ in range(3)]
    client = api_as(world.agent_a)
    first = client.get(f"{API}/tickets", {"limit": 1, "offset": 1}).json()
    assert [item["number"] for item in first["items"]] == [tickets[1].number]
    assert first["next_cursor"] == str(tickets[1].number)
    rest = client.get(f"{API}/tickets", {"limit": 5, "after": first["next_cursor"]})
    assert numbers(rest) == [tickets[0].number]
    assert rest.json()["next_cursor"] == ""


def test_cursor_and_offset_together_are_refused(world, api_as):
    make_ticket(actor(world.requester_a))
    response = api_as(world.agent_a).get(f"{API}/tickets", {"after": "5", "offset": 1})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_a_cursor_never_shows_foreign_tickets(world, api_as):
    """A cursor is a position, not a permission: the list behind it is still the caller's."""
    mine = make_ticket(actor(world.requester_a))
    foreign = make_ticket(actor(world.requester_b))
    response = api_as(world.agent_a).get(f"{API}/tickets", {"after": str(foreign.number + 1)})
    assert numbers(response) == [mine.number]
    assert foreign.number not in numbers(response)


def test_count_stops_at_its_limit(world, api_as, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_LIMIT", 2)
    for _ in range(3):
        make_ticket(actor(world.requester_a))
    body = api_as(world.agent_a).get(f"{API}/tickets").json()
    assert (body["count"], body["count_exact"]) == (2, False)
    assert len(body["items"]) == 3


def test_a_text_filter_counts_to_its_own_limit(
    world, api_as, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(queries, "TEXT_COUNT_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):  # the search index follows events
        for n in range(3):
            make_ticket(actor(world.requester_a), subject=f"Printer jam {n}")
    client = api_as(world.agent_a)
    body = client.get(f"{API}/tickets", {"q": "printer"}).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (2, False, 3)
    body = client.get(f"{API}/tickets").json()
    assert (body["count"], body["count_exact"]) == (3, True)  # without text, the usual limit


def test_an_offset_page_is_the_right_slice(world, api_as):
    tickets = [make_ticket(actor(world.requester_a)) for _ in range(5)]
    response = api_as(world.agent_a).get(f"{API}/tickets", {"offset": 1, "limit": 2})
    assert numbers(response) == [tickets[3].number, tickets[2].number]
    assert response.json()["next_cursor"] == str(tickets[2].number)


def test_an_offset_beyond_the_limit_is_refused_with_the_way_on(world, api_as, monkeypatch):
    """OFFSET costs in proportion to its depth: past MAX_OFFSET the answer says to follow the
    cursor instead, and the deepest allowed offset still answers."""
    monkeypatch.setattr(pagination, "MAX_OFFSET", 2)
    tickets = [make_ticket(actor(world.requester_a)) for _ in range(4)]
    client = api_as(world.agent_a)
    deepest = client.get(f"{API}/tickets", {"limit": 1, "offset": 2})
    assert numbers(deepest) == [tickets[1].number]
    refused = client.get(f"{API}/tickets", {"limit": 1, "offset": 3})
    assert refused.status_code == 422
    assert refused.json()["code"] == "offset_too_deep"
    assert "next_cursor" in refused.json()["message"]
    onward = client.get(f"{API}/tickets", {"limit": 5, "after": deepest.json()["next_cursor"]})
    assert numbers(onward) == [tickets[0].number]


def test_the_offset_limit_is_written_as_a_number_of_the_callers_language(world, api_as):
    client = api_as(world.agent_a)
    refused = client.get(f"{API}/tickets", {"offset": 10_001})
    assert refused.status_code == 422
    assert "Offsets stop at 10,000." in refused.json()["message"]
