# ruff: noqa: S603  (runs our own console script)
from __future__ import annotations

import importlib
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from linia.channels.email import ingest as ingest_module
from linia.channels.email.ingest import discard_inbound, ingest_message, retry_inbound
from linia.channels.email.models import InboundEmail, Mailbox, MessageLink, UnknownSenderPolicy
from linia.core.access import SYSTEM_ACTOR
from linia.directory.access import actor_for_user
from linia.directory.models import Contact
from linia.tickets import services as ticket_services
from linia.tickets.models import Message, Ticket

from .factories import raw_email


def test_a_known_contact_opens_a_ticket_for_the_organization(world):
    result = ingest_message(raw=raw_email(), source="pipe")

    assert result.outcome == "created"
    ticket = Ticket.objects.get(number=result.number)
    assert ticket.organization == world.org_a
    assert ticket.requester == world.contact_a
    assert ticket.created_by == world.requester_a
    assert ticket.channel == "email"
    assert ticket.subject == "VPN does not connect"
    assert ticket.description == "Since this morning the VPN does not connect."
    assert ticket.team == world.l1


def test_the_same_message_twice_is_a_duplicate(world):
    raw = raw_email(message_id="<once@x.test>")
    first = ingest_message(raw=raw, source="imap")
    second = ingest_message(raw=raw, source="imap")

    assert (second.outcome, second.ticket_number) == ("duplicate", first.ticket_number)
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 2


def test_a_repeated_bounce_is_ignored_again(world):
    raw = raw_email(
        sender="x@nowhere.test",
        message_id="<ooo@x.test>",
        headers={"Auto-Submitted": "auto-replied"},
    )

    first = ingest_message(raw=raw, source="pipe")
    second = ingest_message(raw=raw, source="pipe")

    assert (first.line(), second.line()) == ("ignored auto-reply", "ignored duplicate")


def test_a_reused_message_id_on_another_message_is_not_a_duplicate(world):
    first = ingest_message(raw=raw_email(message_id="<reused@x.test>"), source="pipe")
    second = ingest_message(
        raw=raw_email(message_id="<reused@x.test>", subject="Another problem"), source="pipe"
    )

    assert second.outcome == "created"
    assert second.ticket_number != first.ticket_number
    assert InboundEmail.objects.get(pk=second.inbound_id).message_id.endswith("@synthesized.linia>")


def test_a_reply_threads_by_a_message_id_linia_received(world):
    first = ingest_message(raw=raw_email(message_id="<root@x.test>"), source="pipe")
    reply = ingest_message(
        raw=raw_email(
            subject="Re: hello", body="More details.", headers={"In-Reply-To": "<root@x.test>"}
        ),
        source="pipe",
    )

    assert (reply.outcome, reply.ticket_number) == ("appended", first.ticket_number)
    assert MessageLink.objects.filter(message_id="<root@x.test>").count() == 1
    message = Message.objects.get(ticket__number=first.number)
    assert (message.body, message.is_internal, message.author_id) == (
        "More details.",
        False,
        world.requester_a.pk,
    )


def test_a_reply_resumes_a_pending_ticket(world):
    ticket = ticket_services.create_ticket(
        actor=SYSTEM_ACTOR, subject="Printer", requester=world.contact_a.pk
    )
    ticket_services.change_status(
        actor=actor_for_user(world.agent_a),
        number=ticket.number,
        to="pending",
        note="Waiting for the user",
    )
    result = ingest_message(raw=raw_email(subject=f"Re: [#{ticket.number}] Printer"), source="pipe")

    ticket.refresh_from_db()
    assert (result.outcome, ticket.status) == ("appended", "in_progress")


def test_an_auto_reply_never_reopens_a_resolved_ticket(world):
    ticket = ticket_services.create_ticket(
        actor=SYSTEM_ACTOR, subject="Printer", requester=world.contact_a.pk
    )
    ticket_services.change_status(
        actor=actor_for_user(world.agent_a),
        number=ticket.number,
        to="resolved",
        resolution="Fixed.",
    )
    result = ingest_message(
        raw=raw_email(
            subject=f"Automatic reply: [#{ticket.number}] Printer",
            body="Away",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        source="pipe",
    )

    ticket.refresh_from_db()
    assert (result.outcome, ticket.status) == ("appended", "resolved")
    assert Message.objects.get(ticket=ticket).is_internal is True


def test_a_reply_to_a_closed_ticket_opens_a_new_one(world):
    ticket = ticket_services.create_ticket(
        actor=SYSTEM_ACTOR, subject="Printer", requester=world.contact_a.pk
    )
    ticket_services.change_status(
        actor=actor_for_user(world.agent_a),
        number=ticket.number,
        to="cancelled",
        note="Duplicate",
    )
    result = ingest_message(raw=raw_email(subject=f"Re: [#{ticket.number}] Printer"), source="pipe")

    assert result.outcome == "created"
    assert result.ticket_number != ticket.number
    assert InboundEmail.objects.get(pk=result.inbound_id).details["refused_ticket"] == ticket.number


def test_another_organizations_contact_cannot_reply_onto_a_ticket(world):
    ticket = ticket_services.create_ticket(
        actor=SYSTEM_ACTOR, subject="Secret", requester=world.contact_a.pk
    )
    result = ingest_message(
        raw=raw_email(
            sender="bob@example.test",
            subject=f"Re: [#{ticket.number}] Secret",
            headers={"In-Reply-To": f"<ticket-{ticket.number}@linia.localhost>"},
        ),
        source="pipe",
    )

    assert result.outcome == "created"
    new = Ticket.objects.get(number=result.number)
    assert new.organization == world.org_b
    assert not Message.objects.filter(ticket=ticket).exists()


def test_unknown_senders_go_to_the_unsorted_organization(world):
    first = ingest_message(raw=raw_email(sender="New Person <new@nowhere.test>"), source="pipe")
    second = ingest_message(
        raw=raw_email(sender="new@nowhere.test", subject="Again"), source="pipe"
    )

    contact = Contact.objects.get(email="new@nowhere.test")
    assert (contact.organization.name, contact.full_name) == ("Unsorted", "New Person")
    assert Ticket.objects.get(number=first.number).requester == contact
    assert Ticket.objects.get(number=second.number).requester == contact


def test_a_mailbox_may_reject_unknown_senders_politely(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mailbox = Mailbox.objects.create(
        name="Support",
        host="127.0.0.1",
        username="u",
        unknown_sender_policy=UnknownSenderPolicy.REJECT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = ingest_message(
            raw=raw_email(sender="x@nowhere.test"), source="imap", mailbox_id=mailbox.pk
        )

    assert (result.outcome, result.reason) == ("ignored", "unknown sender rejected")
    [reply] = mailoutbox
    assert reply.to == ["x@nowhere.test"]
    assert reply.extra_headers["Auto-Submitted"] == "auto-replied"
    assert reply.extra_headers["Content-Language"] == "en"
    assert reply.subject == "Re: VPN does not connect"
    assert "accepts requests only from registered clients" in reply.body
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("headers", "subject", "body", "charset", "language"),
    [
        ({"Content-Language": "pl-PL"}, "Hello", "Hello", "utf-8", "pl"),
        ({"Content-Language": "de"}, "Hallo", "Guten Tag", "utf-8", "en"),
        ({}, "Не работает", "Добрый день, не работает почта.", "utf-8", "ru"),
        ({}, "Не працює", "Добрий день, не працює пошта, дякую її.", "utf-8", "uk"),
        ({}, "Drukarka", "Dzień dobry, drukarka nie działa.", "utf-8", "pl"),
        ({}, "Hello", "Hello there", "koi8-r", "ru"),
        ({}, "Hello", "Hello there", "utf-8", "en"),
    ],
)
def test_the_rejection_speaks_the_senders_language(headers, subject, body, charset, language):
    from email.message import EmailMessage

    from linia.channels.email.language import guess_language
    from linia.channels.email.parse import parse_email

    message = EmailMessage()
    message["From"] = "x@nowhere.test"
    message["Subject"] = subject
    message.set_content(body, charset=charset)
    for name, value in headers.items():  # after set_content, which drops Content-* headers
        message[name] = value

    assert guess_language(parse_email(message.as_bytes())) == language


def test_the_rejection_is_rendered_in_the_guessed_language(world, mailoutbox, settings):
    from django.core.mail import EmailMessage
    from django.utils import translation

    from linia.channels.email.ingest import _send_rejection
    from linia.channels.email.parse import parse_email

    seen = []
    real = translation.override

    def spy(language, *args, **kwargs):
        seen.append(language)
        return real(language, *args, **kwargs)

    parsed = parse_email(raw_email(sender="x@nowhere.test", subject="Не працює", body="Дякую її"))
    with (
        mock.patch.object(ingest_module.translation, "override", spy),
        mock.patch.object(EmailMessage, "send"),
    ):
        _send_rejection(parsed)
    assert seen == ["uk"]


def test_a_runaway_sender_is_rate_limited(world, settings):
    settings.LINIA_EMAIL_RATE_LIMIT = 3
    outcomes = [
        ingest_message(raw=raw_email(subject=f"Loop {n}"), source="pipe").outcome for n in range(5)
    ]

    assert outcomes == ["created", "created", "created", "quarantined", "quarantined"]
    assert InboundEmail.objects.filter(reason="rate limited").count() == 2


def test_a_failure_quarantines_the_message_and_retry_processes_it(world):
    raw = raw_email()
    with mock.patch.object(ingest_module, "_open_ticket", side_effect=RuntimeError("boom")):
        failed = ingest_message(raw=raw, source="pipe")

    assert (failed.outcome, failed.reason) == ("quarantined", "RuntimeError: boom")
    assert not Ticket.objects.exists()
    inbound = InboundEmail.objects.get(pk=failed.inbound_id)
    assert (bytes(inbound.raw), inbound.sender) == (raw, "anna@example.test")

    retried = retry_inbound(inbound_id=inbound.pk)

    assert retried.outcome == "created"
    inbound.refresh_from_db()
    assert (inbound.outcome, inbound.attempts, inbound.ticket_number) == (
        "created",
        2,
        retried.ticket_number,
    )


def test_discard_takes_a_message_out_of_the_quarantine(world):
    failed = ingest_message(raw=b"From: \r\n\r\nno sender", source="pipe")
    discard_inbound(inbound_id=failed.inbound_id, actor=SYSTEM_ACTOR)

    assert InboundEmail.objects.get(pk=failed.inbound_id).outcome == "discarded"


def test_binary_garbage_never_crashes(world):
    for raw in (b"", b"\x00\xff" * 100, b"\r\n\r\n", b"From: a@b.test\r\n" * 3, bytes(range(256))):
        result = ingest_message(raw=raw, source="pipe")
        assert result.outcome in {"created", "quarantined", "ignored"}


def _run_command(raw: bytes, monkeypatch) -> tuple[str, int]:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    try:
        call_command("ingest-email", "-", stdout=out)
    except SystemExit as stop:
        return out.getvalue().strip(), int(stop.code or 0)
    return out.getvalue().strip(), 0


def test_the_command_prints_one_line_per_outcome(world, monkeypatch):
    raw = raw_email(message_id="<cmd@x.test>")
    line, code = _run_command(raw, monkeypatch)
    number = Ticket.objects.get().number
    assert (line, code) == (f"created {number}", 0)
    assert _run_command(raw, monkeypatch) == (f"duplicate {number}", 0)
    assert _run_command(raw_email(subject=f"Re: [#{number}]", body="thanks"), monkeypatch) == (
        f"appended {number}",
        0,
    )
    assert _run_command(raw_email(sender="support@linia.localhost"), monkeypatch) == (
        "ignored own mail",
        0,
    )
    line, code = _run_command(b"Subject: no sender\r\n\r\nbody", monkeypatch)
    inbound = InboundEmail.objects.latest("pk")
    assert (line, code) == (f"quarantined {inbound.pk}: no sender address", 1)


def test_the_command_asks_the_mta_to_retry_when_the_database_is_down(world, monkeypatch):
    command = importlib.import_module("linia.channels.email.management.commands.ingest-email")
    with mock.patch.object(
        command, "ingest_message", side_effect=OperationalError("connection refused")
    ):
        assert _run_command(raw_email(), monkeypatch)[1] == 75


@pytest.mark.slow  # runs the real console script in a subprocess (about a second)
def test_the_real_pipe_command(tmp_path):
    import subprocess
    import sys

    env_db = tmp_path / "pipe.sqlite3"
    env = {
        "LINIA_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{env_db}",
        "PATH": "/usr/bin:/bin",
    }
    linia = [sys.executable, "-m", "linia"]
    subprocess.run([*linia, "migrate", "-v0"], env=env, check=True)
    done = subprocess.run(
        [*linia, "ingest-email", "-"],
        env=env,
        input=raw_email(sender="pipe@nowhere.test"),
        capture_output=True,
        check=False,
    )
    assert (done.returncode, done.stdout.decode().strip()) == (0, "created 1001")
    broken = subprocess.run(
        [*linia, "ingest-email", "-"],
        env=env,
        input=b"no headers",
        capture_output=True,
        check=False,
    )
    assert broken.returncode == 1
    assert broken.stdout.decode().startswith("quarantined ")
