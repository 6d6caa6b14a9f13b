"""add_message and add_attachments: notes, replies, the status a reply implies, first response."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Forbidden, Invalid, NotFound
from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Attachment, Channel, Message, Ticket, TicketEvent
from linia.tickets.services import IncomingFile
from linia.tickets.tests.factories import make_ticket, move_ticket
from linia.tickets.workflow import TransitionNotAllowed

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def incoming(name: str = "log.txt", data: bytes = b"abc") -> IncomingFile:
    return IncomingFile(name=name, content=ContentFile(data), size=len(data))


def stored_files() -> list[str]:
    root = settings.MEDIA_ROOT / "attachments"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def new_events(ticket: Ticket, after: int) -> list[tuple[str, str, str, bool]]:
    rows = TicketEvent.objects.filter(ticket=ticket).order_by("id")[after:]
    return [(e.kind, e.old_value, e.new_value, e.is_internal) for e in rows]


@pytest.fixture
def ticket(shared_world) -> Ticket:
    return make_ticket(actor(shared_world.requester_a))


def test_requester_reply_on_a_new_ticket_changes_nothing_else(shared_world, ticket):
    message = services.add_message(
        actor=actor(shared_world.requester_a), number=ticket.number, body="  More details  "
    )

    ticket.refresh_from_db()
    assert (message.body, message.is_internal, message.is_from_staff, message.author) == (
        "More details",
        False,
        False,
        shared_world.requester_a,
    )
    assert (ticket.status, ticket.message_count, ticket.first_response_at) == ("new", 1, None)
    assert new_events(ticket, 1) == [("ticket.message_added", "", "", False)]


def test_internal_note_by_staff_is_internal_and_changes_no_status(shared_world, ticket):
    message = services.add_message(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        body="Check the toner",
        is_internal=True,
    )

    ticket.refresh_from_db()
    assert (message.is_internal, message.is_from_staff) == (True, True)
    assert (ticket.status, ticket.first_response_at, ticket.message_count) == ("new", None, 0)
    assert new_events(ticket, 1) == [("ticket.message_added", "", "", True)]
    event = ticket.events.get(kind="ticket.message_added")
    assert event.payload == {"message_id": message.pk, "internal": True, "from_staff": True}


@pytest.mark.parametrize("user", ["requester_a", "client_manager_a"])
def test_clients_may_not_add_internal_notes(shared_world, ticket, user):
    with pytest.raises(Forbidden):
        services.add_message(
            actor=actor(getattr(shared_world, user)),
            number=ticket.number,
            body="psst",
            is_internal=True,
        )

    assert Message.objects.count() == 0
    assert new_events(ticket, 1) == []


def test_empty_message_is_invalid(shared_world, ticket):
    with pytest.raises(Invalid) as caught:
        services.add_message(
            actor=actor(shared_world.requester_a), number=ticket.number, body=" \n\x00 "
        )

    assert caught.value.code == "message_required"
    assert new_events(ticket, 1) == []


@pytest.mark.parametrize("user", ["requester_b", "client_manager_b", "agent_b", "colleague_a"])
def test_people_who_do_not_see_the_ticket_get_not_found(shared_world, ticket, user):
    with pytest.raises(NotFound):
        services.add_message(
            actor=actor(getattr(shared_world, user)), number=ticket.number, body="Hello"
        )

    assert Message.objects.count() == 0
    assert new_events(ticket, 1) == []


def test_staff_public_reply_starts_work_on_a_new_ticket(shared_world, ticket):
    services.add_message(actor=actor(shared_world.agent_a), number=ticket.number, body="On it")

    ticket.refresh_from_db()
    assert ticket.status == "in_progress"
    assert new_events(ticket, 1) == [
        ("ticket.message_added", "", "", False),
        ("ticket.status_changed", "new", "in_progress", False),
    ]


def test_staff_public_reply_leaves_a_pending_ticket_pending(shared_world, ticket):
    manager = actor(shared_world.manager)
    move_ticket(ticket, "pending", by=manager)

    services.add_message(actor=actor(shared_world.agent_a), number=ticket.number, body="Any news?")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_reason) == ("pending", "Waiting for the spare part")


@pytest.mark.parametrize("user", ["requester_a", "client_manager_a"])
def test_client_message_resumes_a_pending_ticket(shared_world, ticket, user):
    move_ticket(ticket, "pending", by=actor(shared_world.manager))
    count = ticket.events.count()

    services.add_message(
        actor=actor(getattr(shared_world, user)),
        number=ticket.number,
        body="Here is the serial number",
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.pending_reason) == ("in_progress", "")
    assert new_events(ticket, count) == [
        ("ticket.message_added", "", "", False),
        ("ticket.status_changed", "pending", "in_progress", False),
    ]
    change = ticket.events.order_by("id").last()
    assert (change.payload["action"], change.payload["note"], change.actor_id) == (
        "resume",
        "The requester replied.",
        getattr(shared_world, user).pk,
    )


def test_client_message_reopens_a_resolved_ticket(shared_world, ticket):
    move_ticket(ticket, "resolved", by=actor(shared_world.manager))
    count = ticket.events.count()

    services.add_message(
        actor=actor(shared_world.requester_a), number=ticket.number, body="Still broken"
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at, ticket.closed_at) == ("in_progress", None, None)
    assert new_events(ticket, count) == [
        ("ticket.message_added", "", "", False),
        ("ticket.status_changed", "resolved", "in_progress", False),
    ]
    change = ticket.events.order_by("id").last()
    assert (change.payload["action"], change.payload["note"]) == (
        "reopen",
        "The requester replied after the resolution.",
    )


@pytest.mark.parametrize("status", ["closed", "cancelled"])
def test_client_cannot_message_a_finished_ticket(shared_world, ticket, status):
    move_ticket(ticket, status, by=actor(shared_world.manager))
    count = ticket.events.count()
    before = stored_files()

    with pytest.raises(TransitionNotAllowed) as caught:
        services.add_message(
            actor=actor(shared_world.requester_a),
            number=ticket.number,
            body="Hello?",
            files=[incoming()],
        )

    assert caught.value.code == "ticket_closed"
    assert caught.value.message == "This request is closed. Please submit a new request."
    ticket.refresh_from_db()
    assert (ticket.status, ticket.message_count) == (status, 0)
    assert Message.objects.count() == 0
    assert new_events(ticket, count) == []
    assert stored_files() == before


def test_staff_may_still_write_on_a_closed_ticket(shared_world, ticket):
    move_ticket(ticket, "closed", by=actor(shared_world.manager))

    services.add_message(
        actor=actor(shared_world.agent_a), number=ticket.number, body="For the record"
    )

    ticket.refresh_from_db()
    assert (ticket.status, ticket.message_count) == ("closed", 1)


def test_first_response_is_the_first_public_staff_reply(shared_world, ticket):
    agent = actor(shared_world.agent_a)
    with time_machine.travel(NOW, tick=False):
        services.add_message(
            actor=actor(shared_world.requester_a), number=ticket.number, body="Anyone?"
        )
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        services.add_message(actor=agent, number=ticket.number, body="note", is_internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None

    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        services.add_message(actor=agent, number=ticket.number, body="We are looking")
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        services.add_message(
            actor=actor(shared_world.engineer_a), number=ticket.number, body="Second answer"
        )

    ticket.refresh_from_db()
    assert ticket.first_response_at == NOW + timedelta(minutes=10)
    assert ticket.message_count == 3  # public messages only


def test_message_files_belong_to_the_message(shared_world, ticket):
    message = services.add_message(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        body="Logs attached",
        is_internal=True,
        files=[incoming("trace.log", b"trace")],
    )

    attachment = Attachment.objects.get()
    assert (attachment.message, attachment.is_internal, attachment.uploaded_by) == (
        message,
        True,
        shared_world.agent_a,
    )
    assert new_events(ticket, 1) == [
        ("ticket.attachment_added", "", "trace.log", True),
        ("ticket.message_added", "", "", True),
    ]


def test_a_bad_file_among_good_ones_stores_nothing(shared_world, ticket):
    before = stored_files()

    with pytest.raises(Invalid) as caught:
        services.add_message(
            actor=actor(shared_world.requester_a),
            number=ticket.number,
            body="Files",
            files=[incoming("good.txt"), incoming("bad.exe")],
        )

    assert caught.value.code == "attachment_type_blocked"
    assert Message.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert new_events(ticket, 1) == []
    assert stored_files() == before


def test_add_attachments_without_a_message(shared_world, ticket):
    stored = services.add_attachments(
        actor=actor(shared_world.requester_a), number=ticket.number, files=[incoming("a.txt")]
    )

    assert [(a.filename, a.message, a.is_internal) for a in stored] == [("a.txt", None, False)]
    assert new_events(ticket, 1) == [("ticket.attachment_added", "", "a.txt", False)]


def test_clients_may_not_add_internal_files(shared_world, ticket):
    with pytest.raises(Forbidden):
        services.add_attachments(
            actor=actor(shared_world.requester_a),
            number=ticket.number,
            files=[incoming()],
            is_internal=True,
        )

    assert Attachment.objects.count() == 0
    assert new_events(ticket, 1) == []


def test_clients_may_not_add_files_to_a_closed_ticket(shared_world, ticket):
    move_ticket(ticket, "closed", by=actor(shared_world.manager))
    count = ticket.events.count()

    with pytest.raises(TransitionNotAllowed) as caught:
        services.add_attachments(
            actor=actor(shared_world.requester_a), number=ticket.number, files=[incoming()]
        )

    assert caught.value.code == "ticket_closed"
    assert Attachment.objects.count() == 0
    assert new_events(ticket, count) == []


def test_a_note_locks_the_bare_ticket_row(shared_world, ticket):
    # add_message only adds to the ticket: its lock must not join the related rows (an empty
    # select_related() once made it follow every foreign key, ~4 ms a message).
    with CaptureQueriesContext(connection) as captured:
        services.add_message(
            actor=actor(shared_world.agent_a), number=ticket.number, body="Seen", is_internal=True
        )

    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "tickets_ticket"')]
    assert len(reads) == 1
    assert " JOIN " not in reads[0]


def test_system_notes_are_what_add_message_writes_for_each_ticket(shared_world, ticket):
    # add_system_notes is the escalation tick's note for a batch of tickets: the same message,
    # event and ticket change as add_message by the system, in one statement each.
    other = make_ticket(actor(shared_world.requester_a))
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as captured:
        messages = services.add_system_notes(tickets=[ticket, other], body="  Breached  ")
    single = services.add_message(
        actor=SYSTEM_ACTOR, number=make_ticket(actor(shared_world.requester_a)).number,
        body="Breached", is_internal=True,
        channel=Channel.DESK,
    )  # fmt: skip

    def shape(message: Message) -> tuple[object, ...]:
        return (message.author_id, message.author_name, message.is_from_staff, message.body,
                message.is_internal, message.channel)  # fmt: skip

    assert [shape(message) for message in messages] == [shape(single)] * 2
    assert [message.ticket_id for message in messages] == [ticket.pk, other.pk]
    for note_ticket, message in zip((ticket, other), messages, strict=True):
        note_ticket.refresh_from_db()
        assert (note_ticket.updated_at, note_ticket.message_count) == (NOW, 0)
        event = note_ticket.events.filter(kind="ticket.message_added").first()
        assert (event.is_internal, event.payload) == (
            True,
            {"message_id": message.pk, "internal": True, "from_staff": True},
        )
    writes = [
        q["sql"].split(" ")[0]
        for q in captured
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert writes == ["INSERT", "UPDATE", "INSERT"]


def test_a_system_note_too_long_is_refused_and_nothing_is_written(shared_world, ticket):
    with pytest.raises(Invalid):
        services.add_system_notes(tickets=[ticket], body="x" * (services.MAX_BODY + 1))

    assert not Message.objects.filter(ticket=ticket).exists()
