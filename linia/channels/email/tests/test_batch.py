"""ingest_batch: the outcomes ingest_message gives, message by message, in fewer statements."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.channels.email import batch as batch_module
from linia.channels.email.batch import ingest_batch
from linia.channels.email.ingest import ingest_message
from linia.channels.email.models import InboundEmail, MessageLink
from linia.directory.models import Contact
from linia.directory.tests.factories import actor
from linia.tickets import events
from linia.tickets import services as ticket_services
from linia.tickets.models import Message, Ticket, TicketEvent

from .factories import raw_email


def lines(results) -> list[str]:
    return [result.line() for result in results]


def test_a_mixed_batch_gets_each_message_its_own_outcome(world, settings):
    settings.LINIA_EMAIL_RATE_LIMIT = 100
    raws = [
        raw_email(message_id="<new-1@x.test>", subject="Printer jammed"),
        raw_email(
            message_id="<reply-1@x.test>",
            subject="Re: Printer jammed",
            body="Still jammed.",
            headers={"In-Reply-To": "<new-1@x.test>"},
        ),
        raw_email(message_id="<new-1@x.test>", subject="Printer jammed"),  # delivered twice
        raw_email(sender="stranger@else.test", message_id="<s-1@x.test>", subject="Hello"),
        raw_email(sender="stranger@else.test", message_id="<s-2@x.test>", subject="Again"),
        raw_email(
            message_id="<away@x.test>",
            subject="Out of office",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        b"\x00\x01 not mail at all",
        raw_email(sender="bob@example.test", message_id="<b-1@x.test>", subject="Globex VPN"),
    ]

    results = ingest_batch(raws, source="imap")

    first = results[0].number
    assert [result.outcome for result in results] == [
        "created",
        "appended",
        "duplicate",
        "created",
        "created",
        "ignored",
        results[6].outcome,
        "created",
    ]
    assert results[2].ticket_number == first
    assert results[1].ticket_number == first
    assert results[6].outcome in {"created", "quarantined"}
    assert Message.objects.get(pk=results[1].message_pk or 0).body == "Still jammed."
    # One contact for the unknown sender, in the catch-all organization, for both tickets.
    stranger = Contact.objects.get(email="stranger@else.test")
    assert stranger.organization.name == "Unsorted"
    assert {Ticket.objects.get(number=results[n].number).requester_id for n in (3, 4)} == {
        stranger.pk
    }
    assert Ticket.objects.get(number=results[7].number).organization == world.org_b
    # Every message's raw bytes are kept once, with its outcome.
    assert InboundEmail.objects.count() == len(raws)
    for raw, result in zip(raws, results, strict=True):
        inbound = InboundEmail.objects.get(pk=result.inbound_id)
        assert (bytes(inbound.raw), inbound.outcome) == (raw, result.outcome)
    assert MessageLink.objects.get(message_id="<reply-1@x.test>").ticket_message_id == (
        results[1].message_pk
    )


def test_a_batch_writes_what_one_at_a_time_writes(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alone = ingest_message(raw=raw_email(message_id="<a@x.test>"), source="imap")
        [together] = ingest_batch([raw_email(message_id="<b@x.test>")], source="imap")
    one = Ticket.objects.get(number=alone.number)
    other = Ticket.objects.get(number=together.number)
    fields = [
        "organization_id",
        "requester_id",
        "created_by_id",
        "team_id",
        "tier",
        "priority",
        "impact",
        "urgency",
        "status",
        "channel",
        "subject",
        "description",
        "sla_policy_id",
        "sla_calendar_id",
    ]
    assert [getattr(other, name) for name in fields] == [getattr(one, name) for name in fields]
    assert (other.resolution_due is None) == (one.resolution_due is None)
    created = TicketEvent.objects.filter(kind=events.TICKET_CREATED)
    assert created.get(ticket=other).payload == created.get(ticket=one).payload
    # The events were dispatched after commit, as record_event's are.
    assert not TicketEvent.objects.filter(dispatched_at__isnull=True).exists()


def test_replies_that_change_a_status_or_carry_files_go_one_at_a_time(world):
    [opened] = ingest_batch([raw_email(message_id="<o@x.test>")], source="imap")
    agent = actor(world.agent_a)
    for status in ("in_progress", "pending"):
        ticket_services.change_status(
            actor=agent, number=opened.number, to=status, note="Waiting for the user"
        )
    [reply] = ingest_batch(
        [raw_email(message_id="<r@x.test>", headers={"In-Reply-To": "<o@x.test>"})],
        source="imap",
    )
    assert reply.outcome == "appended"
    ticket = Ticket.objects.get(number=opened.number)
    assert ticket.status == "in_progress"  # the requester answered: work resumes
    assert ticket.message_count == 1


def test_a_failing_round_falls_back_to_one_at_a_time(world, monkeypatch):
    def broken(requests):
        raise RuntimeError("bulk path broken")

    monkeypatch.setattr(batch_module.bulk, "create_contact_tickets", broken)
    results = ingest_batch(
        [raw_email(message_id=f"<f-{n}@x.test>", subject=f"Issue {n}") for n in range(3)],
        source="imap",
    )
    assert [result.outcome for result in results] == ["created"] * 3
    assert Ticket.objects.count() == 3
    assert InboundEmail.objects.count() == 3


def test_the_rate_limit_counts_the_batch_too(world, settings):
    settings.LINIA_EMAIL_RATE_LIMIT = 2
    results = ingest_batch(
        [raw_email(message_id=f"<l-{n}@x.test>", subject=f"Loop {n}") for n in range(3)],
        source="imap",
    )
    assert lines(results)[2].startswith("quarantined")
    assert results[2].reason == "rate limited"
    assert [result.outcome for result in results[:2]] == ["created", "created"]


def test_plain_messages_cost_a_few_statements_each(world, settings):
    settings.LINIA_EMAIL_RATE_LIMIT = 1000

    def statements(count: int, start: int) -> int:
        raws = [
            raw_email(message_id=f"<q-{start + n}@x.test>", subject=f"Question {n}")
            for n in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            results = ingest_batch(raws, source="imap")
        assert {result.outcome for result in results} == {"created"}
        return len(captured)

    small, large = statements(5, 0), statements(25, 100)
    # 20 more messages: their rows (bulk inserts) but no statement of their own.
    assert large - small <= 2


def test_a_reply_to_a_message_that_goes_alone_follows_it(world):
    """The staff note lands on the ticket by its subject tag (alone: staff mail); the reply
    to that note must thread to the same ticket, as it would one message at a time."""
    [opened] = ingest_batch([raw_email(message_id="<t@x.test>")], source="imap")
    number = opened.number
    results = ingest_batch(
        [
            raw_email(
                sender="agent_a@example.test",
                message_id="<note@x.test>",
                subject=f"Re: VPN [#{number}]",
            ),
            raw_email(
                message_id="<after-note@x.test>",
                subject="Re: VPN",
                headers={"In-Reply-To": "<note@x.test>"},
            ),
        ],
        source="imap",
    )
    assert [(result.outcome, result.ticket_number) for result in results] == [
        ("appended", number),
        ("appended", number),
    ]


def test_a_reply_from_another_organization_never_lands_on_the_ticket(world):
    """Bob (Globex) answers Anna's (Acme) thread: in a batch as alone, his mail opens a
    Globex ticket of its own and Acme's ticket gains nothing."""
    [opened] = ingest_batch([raw_email(message_id="<acme@x.test>")], source="imap")
    [other] = ingest_batch(
        [
            raw_email(
                sender="bob@example.test",
                message_id="<bob-reply@x.test>",
                subject="Re: VPN does not connect",
                headers={"In-Reply-To": "<acme@x.test>"},
            )
        ],
        source="imap",
    )
    assert other.outcome == "created"
    assert other.ticket_number != opened.number
    assert Ticket.objects.get(number=other.number).organization == world.org_b
    assert Ticket.objects.get(number=opened.number).message_count == 0
    assert not Message.objects.filter(ticket__number=opened.number).exists()
