"""Every message of the corpus runs through the real pipeline with its expected outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from linia.channels.email.batch import ingest_batch
from linia.channels.email.ingest import IngestResult, ingest_message
from linia.channels.email.models import FailingAddress, InboundEmail
from linia.core.access import SYSTEM_ACTOR
from linia.notifications.models import OutboundEmail, OutboundStatus
from linia.tickets import services as ticket_services
from linia.tickets.models import Message, Ticket

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
SENT_ID = "<notification-1@linia.localhost>"


def test_the_corpus_is_large_and_complete():
    files = sorted(path.name for path in CORPUS.glob("*.eml"))
    assert files == sorted(EXPECTED)
    assert len(files) >= 60


@pytest.fixture
def open_ticket(world):
    ticket = ticket_services.create_ticket(
        actor=SYSTEM_ACTOR, subject="Printer on floor 3 is jammed", requester=world.contact_a.pk
    )
    OutboundEmail.objects.create(
        from_email="support@linia.localhost",
        to="anna@example.test",
        subject="x",
        message_id=SENT_ID,
        raw=b"",
        status=OutboundStatus.KEPT,
        ticket_number=ticket.number,
    )
    return ticket


def _alone(raw: bytes) -> IngestResult:
    return ingest_message(raw=raw, source="pipe")


def _in_a_batch(raw: bytes) -> IngestResult:
    [result] = ingest_batch([raw], source="pipe")
    return result


@pytest.mark.parametrize("ingest", [_alone, _in_a_batch], ids=["alone", "batch"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message(name, ingest, open_ticket, settings):
    settings.LINIA_MAX_ATTACHMENT_BYTES = 100_000
    expect = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()
    raw = raw.replace(b"TICKETNO", str(open_ticket.number).encode()).replace(
        b"SENTID", SENT_ID.encode()
    )
    messages_before = Message.objects.filter(ticket=open_ticket).count()

    result = ingest(raw)

    assert result.outcome == expect["outcome"], result
    inbound = InboundEmail.objects.get(pk=result.inbound_id)
    assert bytes(inbound.raw) == raw
    assert inbound.outcome == expect["outcome"]
    if "reason" in expect:
        assert result.reason == expect["reason"]
    if expect["outcome"] == "created":
        ticket = Ticket.objects.select_related("organization").get(number=result.number)
        assert ticket.number != open_ticket.number
        assert ticket.channel == "email"
        text = ticket.description
        if "subject" in expect:
            assert ticket.subject == expect["subject"]
        if "organization" in expect:
            assert ticket.organization.name == expect["organization"]
        attachments = sorted(ticket.attachments.values_list("filename", flat=True))
    elif expect["outcome"] == "appended":
        assert result.ticket_number == open_ticket.number
        message = Message.objects.filter(ticket=open_ticket).latest("pk")
        assert message.is_internal == expect.get("internal", False)
        assert message.channel == "email"
        text = message.body
        attachments = sorted(message.attachments.values_list("filename", flat=True))
    else:
        text = ""
        attachments = []
    for fragment in expect.get("contains", []):
        assert fragment in text, (fragment, text)
    for fragment in expect.get("absent", []):
        assert fragment not in text, (fragment, text)
    if "visible" in expect:
        assert text.split("\n\n[")[0] == expect["visible"]
    if "attachments" in expect:
        assert attachments == sorted(expect["attachments"])
    if expect.get("untouched"):
        assert Message.objects.filter(ticket=open_ticket).count() == messages_before
    if expect.get("status_unchanged"):
        open_ticket.refresh_from_db()
        assert open_ticket.status == "new"
    if "failing" in expect:
        assert FailingAddress.objects.filter(email=expect["failing"]).exists()
