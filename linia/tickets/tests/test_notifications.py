"""Who is told what after a ticket event commits (linia.notifications.handlers)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.template import loader
from django.utils import translation

from linia.directory.models import Contact
from linia.directory.tests.factories import actor
from linia.notifications import handlers
from linia.notifications.models import OutboundEmail, OutboundStatus
from linia.tickets import services
from linia.tickets.models import Ticket
from linia.tickets.tests.factories import make_ticket


@pytest.fixture
def run_handlers(django_capture_on_commit_callbacks):
    """Run the on-commit work (dispatch → handlers → mail) of everything inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def ticket(shared_world, run_handlers) -> Ticket:
    with run_handlers():
        created = make_ticket(actor(shared_world.requester_a))
    mail.outbox.clear()
    return created


def test_new_ticket_tells_the_requester(shared_world, run_handlers):
    with run_handlers():
        ticket = make_ticket(actor(shared_world.requester_a))

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            [shared_world.requester_a.email],
            f"[#{ticket.number}] Request registered: The printer does not print",
        )
    ]
    headers = mail.outbox[0].extra_headers
    assert headers["X-Linia-Ticket"] == str(ticket.number)
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["References"] == f"<ticket-{ticket.number}@linia.localhost>"


def test_every_status_change_mails_the_requester(shared_world, ticket, run_handlers):
    agent = actor(shared_world.agent_a)
    steps = [
        ("open", {}),
        ("in_progress", {}),
        ("pending", {"note": "Waiting for the vendor"}),
        ("in_progress", {}),
        ("resolved", {"resolution": "New fuser unit"}),
    ]
    for to, options in steps:
        with run_handlers():
            services.change_status(
                actor=agent,
                number=ticket.number,
                to=to,
                note=options.get("note", ""),
                resolution=options.get("resolution", ""),
            )
    with run_handlers():
        services.change_status(
            actor=actor(shared_world.requester_a), number=ticket.number, to="closed"
        )

    prefix = f"[#{ticket.number}] "
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([shared_world.requester_a.email], prefix + subject)
        for subject in [
            "Open: The printer does not print",
            "In progress: The printer does not print",
            "Pending: The printer does not print",
            "In progress: The printer does not print",
            "Resolved: The printer does not print",
            "Closed: The printer does not print",
        ]
    ]
    assert "Waiting for the vendor" in mail.outbox[2].body
    assert "New fuser unit" in mail.outbox[4].body
    assert f"/requests/{ticket.number}/" in mail.outbox[4].body


def test_mail_is_written_in_the_requesters_language(
    shared_world, ticket, run_handlers, monkeypatch
):
    type(shared_world.requester_a).objects.filter(pk=shared_world.requester_a.pk).update(
        language="ru", time_zone="Europe/Warsaw"
    )
    languages = []

    def spy(template_name, context=None, *args, **kwargs):
        languages.append((template_name.rsplit("/", 1)[-1], translation.get_language()))
        return loader.render_to_string(template_name, context, *args, **kwargs)

    monkeypatch.setattr(handlers, "render_to_string", spy)

    with run_handlers():
        services.change_status(actor=actor(shared_world.agent_a), number=ticket.number, to="open")

    assert languages == [("status_changed.subject.txt", "ru"), ("status_changed.txt", "ru")]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [shared_world.requester_a.email]
    assert mail.outbox[0].extra_headers["Content-Language"] == "ru"
    assert mail.outbox[0].subject == f"[#{ticket.number}] Открыта: The printer does not print"
    assert mail.outbox[0].body.startswith(f"Здравствуйте, {shared_world.contact_a.full_name}!")
    assert translation.get_language() == "en"


def test_contact_without_an_account_gets_mail_in_the_contacts_language(shared_world, run_handlers):
    with run_handlers():
        ticket = make_ticket(
            actor(shared_world.agent_a),
            requester="walk.in@acme.test",
            organization_id=shared_world.org_a.pk,
        )
    Contact.objects.filter(pk=ticket.requester_id).update(language="uk")
    mail.outbox.clear()

    with run_handlers():
        services.change_status(actor=actor(shared_world.agent_a), number=ticket.number, to="open")

    assert [(m.to, m.extra_headers["Content-Language"]) for m in mail.outbox] == [
        (["walk.in@acme.test"], "uk")
    ]


def test_requester_without_an_email_gets_nothing(shared_world, ticket, run_handlers):
    Contact.objects.filter(pk=shared_world.contact_a.pk).update(email="")

    with run_handlers():
        services.change_status(actor=actor(shared_world.agent_a), number=ticket.number, to="open")

    assert mail.outbox == []


def test_internal_notes_never_mail_the_requester(shared_world, ticket, run_handlers):
    agent = actor(shared_world.agent_a)
    services.assign_ticket(
        actor=agent, number=ticket.number, assignee_id=shared_world.engineer_a.pk
    )

    with run_handlers():
        services.add_message(actor=agent, number=ticket.number, body="Secret", is_internal=True)

    assert mail.outbox == []


def test_public_staff_reply_mails_the_requester(shared_world, ticket, run_handlers):
    with run_handlers():
        services.add_message(
            actor=actor(shared_world.agent_a), number=ticket.number, body="Please restart it"
        )

    replies = [m for m in mail.outbox if "New reply" in m.subject]
    assert [(m.to, m.subject) for m in replies] == [
        (
            [shared_world.requester_a.email],
            f"[#{ticket.number}] New reply: The printer does not print",
        )
    ]
    assert "Please restart it" in replies[0].body


def test_requester_reply_mails_the_assignee(shared_world, ticket, run_handlers):
    services.assign_ticket(
        actor=actor(shared_world.manager),
        number=ticket.number,
        assignee_id=shared_world.engineer_a.pk,
    )
    mail.outbox.clear()

    with run_handlers():
        services.add_message(
            actor=actor(shared_world.requester_a), number=ticket.number, body="It smokes now"
        )

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            [shared_world.engineer_a.email],
            f"[#{ticket.number}] Requester replied: The printer does not print",
        )
    ]
    assert "It smokes now" in mail.outbox[0].body
    assert f"/desk/tickets/{ticket.number}/" in mail.outbox[0].body


def test_requester_reply_without_assignee_mails_the_team(shared_world, ticket, run_handlers):
    with run_handlers():
        services.add_message(
            actor=actor(shared_world.requester_a), number=ticket.number, body="Hello?"
        )

    assert [m.to for m in mail.outbox] == [[shared_world.agent_a.email]]


def test_mail_is_kept_in_the_outbox(shared_world, settings, run_handlers):
    settings.EMAIL_BACKEND = "linia.notifications.backends.OutboxEmailBackend"
    settings.LINIA_EMAIL_DELIVERY = ""

    with run_handlers():
        ticket = make_ticket(actor(shared_world.requester_a))

    row = OutboundEmail.objects.get()
    assert (row.to, row.status, row.ticket_number) == (
        shared_world.requester_a.email,
        OutboundStatus.KEPT,
        ticket.number,
    )
    assert row.subject == f"[#{ticket.number}] Request registered: The printer does not print"
    assert row.message_id
