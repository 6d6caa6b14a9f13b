"""The ticket page's thread and history are drawn once per change of the ticket
(linia/web/desk/history.py): a view of an unchanged ticket reads neither, and every change,
whichever way it is made, shows on the next view."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.accounts import services as account_services
from linia.core.access import SYSTEM_ACTOR
from linia.directory.tests.factories import actor
from linia.tickets import bulk, services
from linia.tickets.models import Channel
from linia.web.desk import history

from .conftest import incoming, reply


def page(client, ticket) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/desk/tickets/{ticket.number}/")
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in captured]


def shown_entries(html: str) -> str:
    """The thread and the history as the page shows them (the page's CSRF tokens differ)."""
    thread = html[html.index('<ol class="thread"') : html.index("</ol>")]
    timeline = html[html.index('<ol class="timeline">') :]
    return thread + timeline[: timeline.index("</ol>")]


def reads_thread(queries: list[str]) -> bool:
    return any(sql.startswith('SELECT "tickets_message"') for sql in queries)


def test_an_unchanged_ticket_is_drawn_once_and_shown_the_same(agent_client, world, ticket_a):
    reply(world, ticket_a, "First answer")
    first, first_queries = page(agent_client, ticket_a)
    second, second_queries = page(agent_client, ticket_a)

    assert shown_entries(second) == shown_entries(first)
    assert reads_thread(first_queries)
    assert not reads_thread(second_queries)
    assert "First answer" in second


def test_every_change_shows_on_the_next_view(agent_client, world, ticket_a):
    page(agent_client, ticket_a)
    agent = actor(world.agent_a)

    reply(world, ticket_a, "A public answer")
    assert "A public answer" in page(agent_client, ticket_a)[0]
    reply(world, ticket_a, "Only for us", internal=True)
    assert "Only for us" in page(agent_client, ticket_a)[0]
    services.add_attachments(actor=agent, number=ticket_a.number, files=[incoming("late.txt")])
    assert "late.txt" in page(agent_client, ticket_a)[0]
    bulk.add_replies(
        [bulk.ContactReply(actor(world.requester_a), ticket_a, "Mailed back", Channel.EMAIL)]
    )
    assert "Mailed back" in page(agent_client, ticket_a)[0]
    services.add_system_notes(tickets=[ticket_a], body="Breached, said the rule")
    assert "Breached, said the rule" in page(agent_client, ticket_a)[0]
    services.change_status(actor=agent, number=ticket_a.number, to="pending", note="Toner due")
    assert "Toner due" in page(agent_client, ticket_a)[0]


def test_each_language_and_time_zone_is_drawn_for_itself(client, world, ticket_a):
    reply(world, ticket_a, "Looking")
    client.force_login(world.agent_a)
    english, _ = page(client, ticket_a)
    account_services.update_preferences(
        user_id=world.agent_a.pk, language="ru", time_zone="Asia/Tokyo"
    )
    russian, _ = page(client, ticket_a)

    assert "Reply added" in english
    assert "Reply added" not in russian
    assert "Добавлен ответ" in russian
    assert "JST" in russian
    assert "JST" not in english


def test_clients_never_get_what_was_drawn_for_staff(world, ticket_a):
    reply(world, ticket_a, "Staff only words", internal=True)
    staff = history.ticket_history(actor(world.agent_a), ticket_a)
    client = history.ticket_history(actor(world.requester_a), ticket_a)

    assert "Staff only words" in staff.thread
    assert "Staff only words" not in client.thread
    assert "internal" not in client.timeline


def test_a_large_history_is_drawn_every_time(agent_client, world, ticket_a, monkeypatch):
    monkeypatch.setattr(history, "MAX_KEPT_BYTES", 10)
    page(agent_client, ticket_a)
    assert reads_thread(page(agent_client, ticket_a)[1])


def test_the_system_note_by_the_escalation_tick_is_attributed(agent_client, world, ticket_a):
    services.add_system_notes(tickets=[ticket_a], body="Resolution time passed")
    html, _ = page(agent_client, ticket_a)
    assert f"<strong>{SYSTEM_ACTOR.name}</strong>" in html
