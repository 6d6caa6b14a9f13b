"""Ingesting many messages at once (an IMAP poll): the plain ones together, the rest alone.

`ingest_batch` gives each message the outcome `ingest_message` would, in fewer statements:
new requests from known (or catch-all) senders and plain replies by a ticket's requester are
looked up together and written in bulk (`linia.tickets.bulk`), with their raw rows and links,
in one transaction per round. A reply to a message of the same round waits for the next
round. Everything else (own mail, bounces, auto-replies, duplicates, staff, Cc'd contacts,
inline images, replies with files or that change a status, rate-limited senders, and any
message that could not be parsed) goes through `ingest_message` afterwards, one by one, as
does every message of a round that fails as a whole. See docs/email.md, "Batches".
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.directory.models import Contact, Organization
from linia.tickets import bulk
from linia.tickets.models import Channel, Ticket
from linia.tickets.services import MAX_SUBJECT

from .ingest import (
    IngestResult,
    _contact_actor,
    _describe,
    _is_own_mail,
    _new_ticket_body,
    _reply_body,
    catch_all_contact,
    catch_all_organization,
    choose_contact,
    decided_inbound,
    ingest_message,
    link_row,
    rate_limit_window,
    settle,
    staff_users,
)
from .models import InboundEmail, Mailbox, MessageLink, Outcome, UnknownSenderPolicy
from .parse import ParsedEmail, parse_email
from .threading import ticket_by_subject_tag, tickets_by_references

logger = logging.getLogger(__name__)


@dataclass
class _Round:
    """One round's decisions: which messages go in bulk, which wait, which go alone."""

    new: list[int] = field(default_factory=list)
    replies: list[int] = field(default_factory=list)
    later: list[int] = field(default_factory=list)  # refer to a message of this round
    alone: list[int] = field(default_factory=list)
    requests: list[bulk.ContactRequest] = field(default_factory=list)
    reply_items: list[bulk.ContactReply] = field(default_factory=list)


class _Batch:
    def __init__(self, raws: list[bytes], source: str, mailbox: Mailbox | None) -> None:
        self.raws = raws
        self.source = source
        self.mailbox = mailbox
        self.parsed: dict[int, ParsedEmail] = {}
        self.inbound: dict[int, InboundEmail] = {}
        self.results: list[IngestResult | None] = [None] * len(raws)
        self.actors: dict[int, Actor] = {}  # contact id → actor
        self.catch_all: Organization | None = None
        self.alone_ids: set[str] = set()  # Message-IDs of the messages that go alone

    def parse(self) -> list[int]:
        """The indexes of the messages parsed; the others will go alone (and be kept)."""
        parsed = []
        for index, raw in enumerate(self.raws):
            try:
                self.parsed[index] = parse_email(raw)
            except Exception:
                # ingest_message quarantines it, with the error, when it goes alone.
                logger.debug("Message %d of a batch does not parse", index, exc_info=True)
                continue
            inbound = InboundEmail(
                raw=raw,
                raw_sha256=hashlib.sha256(raw).hexdigest(),
                size=len(raw),
                source=self.source,
                mailbox=self.mailbox,
                received_at=timezone.now(),
            )
            _describe(inbound, self.parsed[index])
            self.inbound[index] = inbound
            parsed.append(index)
        return parsed

    def actor(self, contact: Contact) -> Actor:
        if contact.pk not in self.actors:
            self.actors[contact.pk] = _contact_actor(contact)
        return self.actors[contact.pk]


def ingest_batch(
    raws: list[bytes], *, source: str, mailbox: Mailbox | None = None
) -> list[IngestResult]:
    """The outcome of each message, in order (as `ingest_message` would give it). Raises only
    OperationalError/InterfaceError (the database is unreachable): callers acknowledge the
    messages only after this returns."""
    batch = _Batch(raws, source, mailbox)
    waiting = batch.parse()
    alone = [index for index in range(len(raws)) if index not in batch.inbound]
    while waiting:
        try:
            with transaction.atomic():
                decided = _plan(batch, waiting)
                _write(batch, decided)
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            # A round that fails as a whole loses nothing: its messages go one by one.
            logger.exception(
                "A batch of %d e-mail messages failed; ingesting one by one", len(waiting)
            )
            for index in waiting:
                batch.results[index] = None
            alone += waiting
            break
        alone += decided.alone
        if not decided.new and not decided.replies:
            alone += decided.later
            break
        waiting = decided.later
    for index in sorted(alone):
        batch.results[index] = ingest_message(raw=raws[index], source=source, mailbox=mailbox)
    return [result for result in batch.results if result is not None]


def _plan(batch: _Batch, indexes: list[int]) -> _Round:
    decided = _Round()
    parsed = {index: batch.parsed[index] for index in indexes}
    senders = {message.from_address for message in parsed.values() if message.from_address}
    own_ids = {message.message_id for message in parsed.values()}
    seen_before = set(
        decided_inbound().filter(message_id__in=own_ids).values_list("message_id", flat=True)
    )
    recent = dict(
        rate_limit_window()
        .filter(sender__in=senders)
        .values("sender")
        .annotate(count=Count("pk"))
        .values_list("sender", "count")
    )
    lowered = {sender.lower() for sender in senders}
    staff = set(
        staff_users()
        .annotate(address=Lower("email"))
        .filter(address__in=lowered)
        .values_list("address", flat=True)
    )
    contacts: dict[str, list[Contact]] = {}
    for row in (
        Contact.objects.select_related("user", "organization")
        .annotate(address=Lower("email"))
        .filter(address__in=lowered)
        .order_by("pk")
    ):
        contacts.setdefault(row.email.lower(), []).append(row)
    numbers = tickets_by_references(
        [message.in_reply_to + message.references for message in parsed.values()]
    )
    by_index = dict(zip(parsed, numbers, strict=True))
    for index, message in parsed.items():
        if by_index[index] is None:
            by_index[index] = ticket_by_subject_tag(message.subject)
    tickets = {
        ticket.number: ticket
        for ticket in Ticket.objects.filter(
            number__in={number for number in by_index.values() if number is not None}
        ).only("pk", "number", "requester_id", "organization_id", "status")
    }
    in_round = own_ids
    taken: set[str] = set()
    counted: Counter[str] = Counter()
    limit = settings.LINIA_EMAIL_RATE_LIMIT
    for index, message in parsed.items():
        sender = message.from_address
        refs = message.in_reply_to + message.references
        if any(ref in in_round for ref in refs):
            decided.later.append(index)
            continue
        if any(ref in batch.alone_ids for ref in refs):
            # It answers a message that goes alone, after this round: it follows that one
            # (one by one, in order) rather than overtake it and miss its thread.
            _go_alone(batch, decided, index)
            continue
        plain = (
            sender
            and not _is_own_mail(message)
            and not message.is_bounce
            and not message.is_auto_reply
            and message.message_id not in seen_before
            and message.message_id not in taken
            and sender.lower() not in staff
            and recent.get(sender, 0) + counted[sender] < limit
            and not ({address.lower() for address in message.cc} - {sender.lower(), ""})
            and "cid:" not in message.html
        )
        counted[sender] += 1
        taken.add(message.message_id)
        number = by_index[index]
        ticket = tickets.get(number) if number is not None else None
        if not plain or (number is not None and ticket is None):
            _go_alone(batch, decided, index)
            continue
        contact = choose_contact(contacts.get(sender.lower(), []), ticket)
        if ticket is not None:
            reply = _plain_reply(batch, index, contact, ticket) if contact else None
            if reply is None:
                _go_alone(batch, decided, index)
            else:
                decided.replies.append(index)
                decided.reply_items.append(reply)
            continue
        if contact is None:
            contact = _catch_all_contact(batch, index, contacts)
        if contact is None or not contact.organization.is_active:
            _go_alone(batch, decided, index)
            continue
        _new_request(batch, decided, index, contact)
    return decided


def _go_alone(batch: _Batch, decided: _Round, index: int) -> None:
    decided.alone.append(index)
    batch.alone_ids.add(batch.parsed[index].message_id)


def _plain_reply(
    batch: _Batch, index: int, contact: Contact, ticket: Ticket
) -> bulk.ContactReply | None:
    """The reply as add_replies takes it, or None when it needs ingest_message (files, or a
    reply that is not the requester's plain answer)."""
    actor = batch.actor(contact)
    body, files = _reply_body(batch.parsed[index])
    if files or not bulk.reply_fits(actor, ticket):
        return None
    return bulk.ContactReply(actor, ticket, body, Channel.EMAIL)


def _catch_all_contact(
    batch: _Batch, index: int, contacts: dict[str, list[Contact]]
) -> Contact | None:
    """An unknown sender's contact in the catch-all organization (as ingest_message files
    them), unless the mailbox rejects unknown senders: those go alone, to be answered."""
    mailbox = batch.mailbox
    if mailbox is not None and mailbox.unknown_sender_policy == UnknownSenderPolicy.REJECT:
        return None
    if batch.catch_all is None:
        batch.catch_all = catch_all_organization()
    contact = catch_all_contact(batch.parsed[index], batch.catch_all)
    contacts[batch.parsed[index].from_address.lower()] = [contact]
    return contact


def _new_request(batch: _Batch, decided: _Round, index: int, contact: Contact) -> None:
    message = batch.parsed[index]
    body, files = _new_ticket_body(message)
    mailbox = batch.mailbox
    subject = " ".join(message.subject.split())[:MAX_SUBJECT]
    decided.new.append(index)
    decided.requests.append(
        bulk.ContactRequest(
            actor=batch.actor(contact),
            contact=contact,
            subject=subject or _("(no subject)"),
            description=body,
            channel=Channel.EMAIL,
            received_at=batch.inbound[index].received_at,
            category_id=mailbox.default_category_id if mailbox else None,
            team_id=mailbox.default_team_id if mailbox else None,
            files=files,
        )
    )


def _write(batch: _Batch, decided: _Round) -> None:
    tickets = bulk.create_contact_tickets(decided.requests)
    messages = bulk.add_replies(decided.reply_items)
    rows = [
        (index, IngestResult(Outcome.CREATED, ticket.number))
        for index, ticket in zip(decided.new, tickets, strict=True)
    ] + [
        (index, IngestResult(Outcome.APPENDED, message.ticket.number, "", 0, message.pk))
        for index, message in zip(decided.replies, messages, strict=True)
    ]
    for index, result in rows:
        settle(batch.inbound[index], result)
    InboundEmail.objects.bulk_create([batch.inbound[index] for index, _result in rows])
    links = []
    for index, result in rows:
        inbound = batch.inbound[index]
        links.append(link_row(inbound, batch.parsed[index], result, result.number))
        batch.results[index] = replace(result, inbound_id=inbound.pk)
    MessageLink.objects.bulk_create(links)
