"""Concurrent ticket creation gives unique, consecutive numbers.

On PostgreSQL: 8 threads, each with its own connection, create 10 tickets each. The counter
row's lock (UPDATE … SET value = value + 1 inside the creating transaction) must serialise
them. SQLite runs a smaller version on a file database, as installations use it (WAL,
IMMEDIATE transactions and the busy timeout make writers queue): the in-memory test database
(shared cache) has table locks that ignore the busy timeout, so the test copies it to a file
and points the threads' connections there.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from linia.core.access import Actor
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Ticket, TicketEvent


def _run_in_threads(threads: int, work: Callable[[int], None]) -> list[BaseException]:
    """Run `work(i)` in `threads` threads started together; each thread closes its own
    database connection when done. Returns the errors raised."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def target(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=target, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in pool), "a thread did not finish"
    return errors


def _create(requester: Actor, index: int, count: int) -> None:
    for n in range(count):
        services.create_ticket(actor=requester, subject=f"Thread {index} ticket {n}")


def _create_concurrently(requester: Actor, *, threads: int, per_thread: int) -> list[int]:
    errors = _run_in_threads(threads, lambda index: _create(requester, index, per_thread))
    assert errors == []
    return sorted(Ticket.objects.values_list("number", flat=True))


def _assert_consecutive(numbers: list[int], count: int) -> None:
    assert len(numbers) == count
    assert len(set(numbers)) == count
    assert numbers == list(range(numbers[0], numbers[0] + count))
    assert numbers[0] == settings.LINIA_FIRST_TICKET_NUMBER
    assert TicketEvent.objects.filter(kind="ticket.created").count() == count


@pytest.mark.postgres
@pytest.mark.slow  # 80 transactions from 8 threads
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_unique_consecutive_numbers_on_postgresql(request):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (set DATABASE_URL=postgres://…): row locks are what is tested"
        )
    requester = actor(request.getfixturevalue("world").requester_a)

    numbers = _create_concurrently(requester, threads=8, per_thread=10)

    _assert_consecutive(numbers, 80)


@contextlib.contextmanager
def _sqlite_file_copy(path: Path) -> Iterator[Path]:
    """Copy the (in-memory) SQLite test database to `path`; connections opened meanwhile, such
    as the worker threads' own, use the copy."""
    connection.ensure_connection()
    with sqlite3.connect(path) as target:
        connection.connection.backup(target)
    target.close()
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    try:
        yield path
    finally:
        settings_dict["NAME"] = original


@pytest.mark.slow  # 20 transactions from 4 threads
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_gives_unique_consecutive_numbers_on_sqlite(request, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the larger test above")
    requester = actor(request.getfixturevalue("world").requester_a)

    with _sqlite_file_copy(tmp_path / "linia.sqlite3") as path:
        errors = _run_in_threads(4, lambda index: _create(requester, index, 5))
    assert errors == []
    with contextlib.closing(sqlite3.connect(path)) as copy:
        numbers = sorted(n for (n,) in copy.execute("SELECT number FROM tickets_ticket"))
        (created,) = copy.execute(
            "SELECT count(*) FROM tickets_ticketevent WHERE kind = 'ticket.created'"
        ).fetchone()

    assert numbers == list(
        range(settings.LINIA_FIRST_TICKET_NUMBER, settings.LINIA_FIRST_TICKET_NUMBER + 20)
    )
    assert created == 20
