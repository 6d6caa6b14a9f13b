"""Notifications about e-mail tickets thread under the requester's own message."""

from __future__ import annotations

import pytest
from django.core import mail

from linia.channels.email.ingest import ingest_message
from linia.directory.access import actor_for_user
from linia.notifications.backends import store_message
from linia.tickets import services as ticket_services
from linia.tickets.models import Message

from .factories import raw_email


@pytest.fixture
def run_handlers(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_staff_reply_refers_to_the_requesters_last_message(world, run_handlers):
    with run_handlers():
        created = ingest_message(raw=raw_email(message_id="<first@mail.test>"), source="pipe")
    number = created.number
    confirmation = mail.outbox[-1]
    root = f"<ticket-{number}@linia.localhost>"
    assert confirmation.extra_headers["In-Reply-To"] == "<first@mail.test>"
    assert confirmation.extra_headers["References"] == f"{root} <first@mail.test>"
    assert confirmation.reply_to == ["Linia Service Desk <support@linia.localhost>"]
    with run_handlers():
        ingest_message(
            raw=raw_email(
                message_id="<second@mail.test>", subject=f"Re: [#{number}]", body="More."
            ),
            source="pipe",
        )
    mail.outbox.clear()

    with run_handlers():
        ticket_services.add_message(
            actor=actor_for_user(world.agent_a), number=number, body="We are on it."
        )

    [reply] = [m for m in mail.outbox if "We are on it." in m.body]
    assert reply.extra_headers["In-Reply-To"] == "<second@mail.test>"
    assert reply.extra_headers["References"] == f"{root} <first@mail.test> <second@mail.test>"
    assert reply.subject.startswith(f"[#{number}] ")


def test_the_answer_to_a_notification_threads_back_by_its_message_id(world, run_handlers):
    with run_handlers():
        created = ingest_message(raw=raw_email(), source="pipe")
    # What the outbox backend records of the confirmation Linia sent.
    sent_id = store_message(mail.outbox[-1], delivering=False).message_id

    answer = ingest_message(
        raw=raw_email(
            subject="Re: your request",
            body="Thanks!",
            headers={"In-Reply-To": sent_id, "References": sent_id},
        ),
        source="pipe",
    )

    assert (answer.outcome, answer.ticket_number) == ("appended", created.ticket_number)


def test_an_agent_answering_by_mail_adds_an_internal_note(world):
    created = ingest_message(raw=raw_email(), source="pipe")
    result = ingest_message(
        raw=raw_email(
            sender="agent_a@example.test",
            subject=f"Re: [#{created.ticket_number}]",
            body="Internal thoughts",
        ),
        source="pipe",
    )

    assert (result.outcome, result.ticket_number) == ("appended", created.ticket_number)
    message = Message.objects.get(ticket__number=created.number)
    assert (message.is_internal, message.author, message.body) == (
        True,
        world.agent_a,
        "Internal thoughts",
    )
    stray = ingest_message(raw=raw_email(sender="agent_a@example.test"), source="pipe")
    assert (stray.outcome, stray.reason) == ("quarantined", "mail from staff without a ticket")


def test_escalation_mail_threads_with_the_ticket(world):
    from linia.escalation.mail import send_rule_fired_mail
    from linia.tickets.models import Ticket, TicketEvent

    created = ingest_message(raw=raw_email(message_id="<esc@mail.test>"), source="pipe")
    ticket = Ticket.objects.get(number=created.number)
    event = TicketEvent.objects.filter(ticket=ticket).first()
    assert event is not None
    mail.outbox.clear()

    send_rule_fired_mail(ticket, event, world.manager)

    [sent] = mail.outbox
    root = f"<ticket-{ticket.number}@linia.localhost>"
    assert sent.extra_headers["In-Reply-To"] == "<esc@mail.test>"
    assert sent.extra_headers["References"] == f"{root} <esc@mail.test>"
