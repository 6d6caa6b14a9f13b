"""My requests: what each client sees, filters, pages and a flat query count."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.tests.factories import make_ticket

URL = "/requests/"


def _numbers(response) -> list[int]:
    return [int(n) for n in re.findall(r'href="/requests/(\d+)/">#', response.content.decode())]


def test_requester_sees_only_own_requests(client, world):
    own = make_ticket(actor(world.requester_a), subject="Mine")
    make_ticket(actor(world.colleague_a), subject="Colleague's")
    make_ticket(actor(world.requester_b), subject="Other organization")
    client.force_login(world.requester_a)
    response = client.get(URL)
    assert response.status_code == 200
    assert _numbers(response) == [own.number]
    body = response.content.decode()
    assert "Colleague&#x27;s" not in body
    assert "Other organization" not in body


def test_client_manager_sees_the_organizations_requests(client, world):
    first = make_ticket(actor(world.requester_a))
    second = make_ticket(actor(world.colleague_a))
    make_ticket(actor(world.requester_b))
    client.force_login(world.client_manager_a)
    response = client.get(URL)
    assert _numbers(response) == [second.number, first.number]
    assert world.colleague_contact_a.full_name in response.content.decode()


def test_columns(client, world):
    ticket = make_ticket(actor(world.requester_a), subject="Monitor flickers", urgency="high")
    client.force_login(world.requester_a)
    body = client.get(URL).content.decode()
    for heading in ("Number", "Subject", "Status", "Priority", "Created", "Last update"):
        assert f"<th>{heading}</th>" in body
    assert f"#{ticket.number}" in body
    assert "Monitor flickers" in body
    assert '<span class="badge status-new">New</span>' in body
    assert '<span class="badge priority-P2">P2 · high</span>' in body


def test_filter_open_and_closed(client, world):
    requester = actor(world.requester_a)
    open_ticket = make_ticket(requester, subject="Still open")
    closed = make_ticket(requester, subject="Cancelled one")
    services.change_status(
        actor=requester, number=closed.number, to="cancelled", note="Solved it myself"
    )
    client.force_login(world.requester_a)
    assert _numbers(client.get(URL)) == [open_ticket.number]
    assert _numbers(client.get(URL + "?state=open")) == [open_ticket.number]
    assert _numbers(client.get(URL + "?state=closed")) == [closed.number]
    assert _numbers(client.get(URL + "?state=all")) == [closed.number, open_ticket.number]
    assert _numbers(client.get(URL + "?state=bogus")) == [open_ticket.number]


def test_paginated(client, world):
    requester = actor(world.requester_a)
    numbers = [make_ticket(requester, subject=f"Request {i}").number for i in range(27)]
    client.force_login(world.requester_a)
    first = client.get(URL)
    assert _numbers(first) == sorted(numbers, reverse=True)[:25]
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(URL + "?state=open&page=2")
    assert _numbers(second) == sorted(numbers, reverse=True)[25:]


def test_empty_list(client, world):
    client.force_login(world.requester_a)
    body = client.get(URL).content.decode()
    assert "You have no open requests." in body


def test_query_count_is_flat(client, world, django_assert_num_queries):
    manager = actor(world.client_manager_a)
    for _ in range(2):
        make_ticket(manager, requester=world.colleague_contact_a.pk)
    client.force_login(world.client_manager_a)
    with CaptureQueriesContext(connection) as two:
        assert len(_numbers(client.get(URL))) == 2
    for _ in range(18):
        make_ticket(manager, requester=world.colleague_contact_a.pk)
    with django_assert_num_queries(len(two)):
        assert len(_numbers(client.get(URL))) == 20
