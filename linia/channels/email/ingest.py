"""The one inbound pipeline behind IMAP, SMTP and the MTA pipe.

`ingest_message` stores the raw bytes and processes the message in one transaction. Any
failure rolls the processing back and stores the raw message again, on its own, in the
quarantine with the reason; only an unreachable database propagates (the caller asks the
sender to retry). See docs/email.md, "Nothing lost".
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from email.utils import parseaddr
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from linia.accounts.models import User, UserRole
from linia.core.access import SYSTEM_ACTOR, Actor, Role
from linia.core.errors import DomainError, NotFound
from linia.directory import services as directory_services
from linia.directory.access import actor_for_user
from linia.directory.models import Contact, Organization
from linia.tickets import services as ticket_services
from linia.tickets.models import Attachment, Channel, Ticket
from linia.tickets.services import IncomingFile

from .language import guess_language
from .models import (
    FailingAddress,
    InboundEmail,
    Mailbox,
    MessageLink,
    Outcome,
    UnknownSenderPolicy,
)
from .parse import (
    ParsedAttachment,
    ParsedEmail,
    parse_email,
    split_reply,
    synthesize_message_id,
)
from .threading import ticket_by_references, ticket_by_subject_tag

logger = logging.getLogger(__name__)

CATCH_ALL_ORGANIZATION = "Unsorted"
RATE_LIMIT_WINDOW = timedelta(minutes=10)
# Rows that hold no decided outcome: a Message-ID seen only in these is not a duplicate.
UNDECIDED = (Outcome.QUARANTINED, Outcome.DISCARDED, Outcome.PENDING)


@dataclass(frozen=True)
class IngestResult:
    outcome: str
    ticket_number: int | None = None
    reason: str = ""
    inbound_id: int = 0
    message_pk: int | None = None  # the ticket message a reply became

    @property
    def number(self) -> int:
        """The ticket number (for outcomes that have one)."""
        if self.ticket_number is None:
            raise ValueError(f"no ticket for outcome {self.outcome}")
        return self.ticket_number

    def line(self) -> str:
        """The one line `linia ingest-email` prints."""
        if self.outcome == Outcome.QUARANTINED:
            return f"quarantined {self.inbound_id}: {self.reason}"
        if self.outcome == Outcome.IGNORED:
            return f"ignored {self.reason}"
        return f"{self.outcome} {self.ticket_number}"


class _Quarantine(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def ingest_message(
    *,
    raw: bytes,
    source: str,
    mailbox_id: int | None = None,
    mailbox: Mailbox | None = None,
) -> IngestResult:
    """Turn `raw` into a ticket, a reply, or a quarantined entry; the raw bytes are kept in
    every case.

    The raw row is written in the same transaction as the processing (one commit per
    message); when processing fails, that transaction rolls back and the raw message is
    written again on its own, quarantined with the reason. Callers acknowledge the message
    (SMTP 250, IMAP \\Seen, pipe exit 0) only after this returns, so a crash before the
    commit leaves it with the sender, who delivers it again. Raises only
    OperationalError/InterfaceError (the database is unreachable). A poller passes its
    `mailbox` (read once per poll) rather than its id, which costs a query per message.
    """
    if mailbox is None and mailbox_id is not None:
        mailbox = Mailbox.objects.filter(pk=mailbox_id).first()  # deleted meanwhile: none
    inbound = InboundEmail(
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        source=source,
        mailbox=mailbox,
        received_at=timezone.now(),
    )
    return _run(inbound, raw)


def retry_inbound(*, inbound_id: int) -> IngestResult:
    """Process a quarantined (or discarded) message again. Raises NotFound."""
    if not InboundEmail.objects.filter(pk=inbound_id, outcome__in=UNDECIDED).exists():
        raise NotFound(_("No such message in the quarantine."))
    return process_inbound(inbound_id=inbound_id)


@transaction.atomic
def discard_inbound(*, inbound_id: int, actor: Actor) -> InboundEmail:
    """Take a message out of the quarantine for good (its raw bytes stay). Raises NotFound."""
    inbound = (
        InboundEmail.objects.select_for_update()
        .filter(pk=inbound_id, outcome=Outcome.QUARANTINED)
        .first()
    )
    if inbound is None:
        raise NotFound(_("No such message in the quarantine."))
    inbound.outcome = Outcome.DISCARDED
    inbound.details = {**inbound.details, "discarded_by": actor.name}
    inbound.save(update_fields=["outcome", "details"])
    return inbound


def process_inbound(*, inbound_id: int) -> IngestResult:
    inbound = InboundEmail.objects.select_related("mailbox").get(pk=inbound_id)
    return _run(inbound, bytes(inbound.raw))


def _run(inbound: InboundEmail, raw: bytes) -> IngestResult:
    """Process `inbound` (new and unsaved, or a stored one being retried) and save it with
    its outcome, all in one transaction; on failure, save it quarantined instead."""
    is_new, attempts = inbound.pk is None, inbound.attempts
    try:
        with transaction.atomic():
            parsed = parse_email(raw)
            _describe(inbound, parsed)
            result = _process(inbound, parsed)
            _finish(inbound, result)
            if result.ticket_number is not None and result.outcome in {
                Outcome.CREATED,
                Outcome.APPENDED,
            }:
                _link(inbound, parsed, result, result.ticket_number)
            return replace(result, inbound_id=inbound.pk)
    except (OperationalError, InterfaceError):
        raise
    except _Quarantine as stop:
        reason = stop.reason
    except DomainError as error:
        reason = f"{error.code}: {error.message}"
    except Exception as error:
        logger.exception("Inbound e-mail %s failed", inbound.pk or inbound.message_id)
        reason = f"{type(error).__name__}: {error}"[:2000]
    inbound.attempts = attempts
    if is_new:  # a rolled-back insert may have left its id on the instance
        inbound.pk = None
        inbound._state.adding = True
    _describe_safely(inbound, raw)
    _finish(inbound, IngestResult(Outcome.QUARANTINED, None, reason))
    return IngestResult(Outcome.QUARANTINED, None, reason, inbound.pk)


def settle(inbound: InboundEmail, result: IngestResult) -> None:
    """Give the stored message its outcome (unsaved): one more attempt, processed now."""
    inbound.outcome = result.outcome
    inbound.ticket_number = result.ticket_number
    inbound.reason = result.reason
    inbound.processed_at = timezone.now()
    inbound.attempts += 1


def _link(inbound: InboundEmail, parsed: ParsedEmail, result: IngestResult, number: int) -> None:
    link_row(inbound, parsed, result, number).save(force_insert=True)


def link_row(
    inbound: InboundEmail, parsed: ParsedEmail, result: IngestResult, number: int
) -> MessageLink:
    """The Message-ID recorded for threading and, for mail that became the ticket's opening
    or a reply, its sanitized HTML for display (unsaved)."""
    link = MessageLink(
        message_id=inbound.message_id,
        ticket_number=number,
        inbound=inbound,
        ticket_message_id=result.message_pk,
    )
    shown = result.outcome == Outcome.CREATED or result.message_pk is not None
    if parsed.html and shown:
        link.html = parsed.html
        if result.outcome == Outcome.APPENDED:
            link.html_in_place = not split_reply(parsed.text)[1]
        if "cid:" in parsed.html:
            link.inline_images = _inline_image_ids(parsed, number, result.message_pk)
    return link


def _inline_image_ids(parsed: ParsedEmail, number: int, message_pk: int | None) -> dict[str, int]:
    """Content id → attachment id of the images the message carries. The files were stored
    in the order `_accepted_files` lists them, so the attachment rows line up with it."""
    stored = Attachment.objects.filter(ticket__number=number)
    if message_pk is None:
        stored = stored.filter(message__isnull=True)
    else:
        stored = stored.filter(message_id=message_pk)
    accepted = _accepted_files(parsed)[1]
    ids = stored.order_by("pk").values_list("pk", flat=True)
    return {
        attachment.content_id: pk
        for attachment, pk in zip(accepted, ids, strict=False)
        if attachment.content_id
    }


def _describe(inbound: InboundEmail, parsed: ParsedEmail) -> None:
    inbound.message_id = parsed.message_id
    inbound.sender = parsed.from_address[:320]
    inbound.subject = parsed.subject[:500]


def _describe_safely(inbound: InboundEmail, raw: bytes) -> None:
    if inbound.message_id:
        return
    try:
        _describe(inbound, parse_email(raw))
    except Exception:
        inbound.message_id = synthesize_message_id(raw)


def _finish(inbound: InboundEmail, result: IngestResult) -> None:
    settle(inbound, result)
    if inbound._state.adding:
        inbound.save(force_insert=True)
        return
    inbound.save(
        update_fields=[
            "outcome",
            "ticket_number",
            "reason",
            "processed_at",
            "attempts",
            "message_id",
            "sender",
            "subject",
            "details",
        ]
    )


# --- the decisions, in order ---------------------------------------------------------------


def _process(inbound: InboundEmail, parsed: ParsedEmail) -> IngestResult:
    pk = inbound.pk
    if _is_own_mail(parsed):
        return IngestResult(Outcome.IGNORED, None, "own mail", pk)
    duplicate = _duplicate_of(inbound, parsed)
    if duplicate is not None:
        if duplicate.ticket_number is None:  # a repeated bounce, auto-reply or own mail
            return IngestResult(Outcome.IGNORED, None, "duplicate", pk)
        return IngestResult(Outcome.DUPLICATE, duplicate.ticket_number, "", pk)
    if parsed.is_bounce:
        _mark_failing(parsed)
        return IngestResult(Outcome.IGNORED, None, "bounce", pk)
    if not parsed.from_address:
        raise _Quarantine("no sender address")
    if _rate_limited(inbound, parsed.from_address):
        raise _Quarantine("rate limited")

    number = ticket_by_references(parsed.in_reply_to + parsed.references)
    if number is None:
        number = ticket_by_subject_tag(parsed.subject)
    ticket = (
        Ticket.objects.filter(number=number)
        .only("pk", "number", "requester_id", "organization_id")
        .first()
        if number is not None
        else None
    )
    if parsed.is_auto_reply:
        if ticket is None:
            return IngestResult(Outcome.IGNORED, None, "auto-reply", pk)
        # Attached for the record, as an internal note: never answered, never reopens.
        ticket_services.add_message(
            actor=SYSTEM_ACTOR,
            number=ticket.number,
            is_internal=True,
            channel=Channel.EMAIL,
            body=_("Automatic reply from %(sender)s (%(reason)s):")
            % {"sender": parsed.from_address, "reason": parsed.auto_reply_reason}
            + "\n\n"
            + (parsed.text.strip()[:5000] or _("(empty message)")),
        )
        return IngestResult(Outcome.APPENDED, ticket.number, "", pk)

    staff = _staff_sender(parsed.from_address)
    if staff is not None:
        # An agent answering a notification by e-mail: kept as an internal note (a reply-all
        # must never reach the client unreviewed); without a ticket, staff review it.
        if ticket is None:
            raise _Quarantine("mail from staff without a ticket")
        try:
            note = ticket_services.add_message(
                actor=staff,
                number=ticket.number,
                is_internal=True,
                channel=Channel.EMAIL,
                body=_reply_body(parsed)[0],
            )
        except NotFound:
            raise _Quarantine("mail from staff about a ticket they cannot see") from None
        return IngestResult(Outcome.APPENDED, ticket.number, "", pk, note.pk)
    contact = _find_contact(parsed.from_address, ticket)
    if ticket is not None and contact is not None:
        actor = _contact_actor(contact)
        body, files = _reply_body(parsed)
        try:
            reply = ticket_services.add_message(
                actor=actor, number=ticket.number, body=body, channel=Channel.EMAIL, files=files
            )
            _watch_cc(inbound, parsed, actor, ticket.number, ticket.organization_id)
            return IngestResult(Outcome.APPENDED, ticket.number, "", pk, reply.pk)
        except (NotFound, ticket_services.workflow.TransitionNotAllowed) as refused:
            # The sender may not see this ticket (another organization, a colleague) or it is
            # closed: the message opens a new ticket of its own and never lands on that one.
            inbound.details = {
                **inbound.details,
                "refused_ticket": ticket.number,
                "refused_code": refused.code,
            }
    if contact is None:
        contact = _unknown_sender(inbound, parsed)
        if contact is None:
            return IngestResult(Outcome.IGNORED, None, "unknown sender rejected", pk)
    return _open_ticket(inbound, parsed, contact)


def _open_ticket(inbound: InboundEmail, parsed: ParsedEmail, contact: Contact) -> IngestResult:
    body, files = _new_ticket_body(parsed)
    mailbox = inbound.mailbox
    subject = " ".join(parsed.subject.split())[: ticket_services.MAX_SUBJECT] or _("(no subject)")
    actor = _contact_actor(contact)
    ticket = ticket_services.create_ticket(
        actor=actor,
        subject=subject,
        description=body,
        channel=Channel.EMAIL,
        category_id=mailbox.default_category_id if mailbox else None,
        team_id=mailbox.default_team_id if mailbox else None,
        received_at=inbound.received_at,
        files=files,
    )
    _watch_cc(inbound, parsed, actor, ticket.number, ticket.organization_id)
    return IngestResult(Outcome.CREATED, ticket.number, "", inbound.pk)


def _watch_cc(
    inbound: InboundEmail, parsed: ParsedEmail, actor: Actor, number: int, organization_id: int
) -> None:
    """Cc'd contacts of the ticket's organization become its watchers (a Cc'd contact of
    another organization is left out: it must never learn of the ticket)."""
    addresses = {address.lower() for address in parsed.cc} - {parsed.from_address.lower(), ""}
    if not addresses:
        return
    match = Q()
    for address in addresses:
        match |= Q(email__iexact=address)
    ids = list(
        Contact.objects.filter(match, organization_id=organization_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        ticket_services.add_watchers(actor=actor, number=number, contact_ids=ids)
        inbound.details = {**inbound.details, "cc_contact_ids": ids}


def _is_own_mail(parsed: ParsedEmail) -> bool:
    ours = {
        parseaddr(address)[1].lower()
        for address in (settings.DEFAULT_FROM_EMAIL, settings.LINIA_SUPPORT_EMAIL)
    } - {""}
    return bool(parsed.headers.get("X-Linia-Ticket")) or parsed.from_address in ours


def _duplicate_of(inbound: InboundEmail, parsed: ParsedEmail) -> InboundEmail | None:
    earlier = (
        decided_inbound()
        .filter(message_id=parsed.message_id)
        .only("pk", "sender", "subject", "ticket_number")
        .order_by("pk")
    )
    if inbound.pk is not None:
        earlier = earlier.exclude(pk=inbound.pk)
    rows = list(earlier)
    for row in rows:
        if row.sender == parsed.from_address and row.subject == parsed.subject[:500]:
            return row
    if rows:
        # The same Message-ID on a different message (a broken mailer): give it its own.
        parsed.message_id = synthesize_message_id(bytes(inbound.raw))
        inbound.message_id = parsed.message_id
    return None


def _mark_failing(parsed: ParsedEmail) -> None:
    now = timezone.now()
    for address in parsed.bounced_recipients:
        row, created = FailingAddress.objects.get_or_create(
            email=address.strip().lower()[:254],
            defaults={
                "failing_since": now,
                "last_report_at": now,
                "diagnostic": parsed.bounce_diagnostic,
            },
        )
        if not created:
            row.last_report_at = now
            row.diagnostic = parsed.bounce_diagnostic or row.diagnostic
            row.save(update_fields=["last_report_at", "diagnostic"])


def _rate_limited(inbound: InboundEmail, sender: str) -> bool:
    recent = rate_limit_window().filter(sender=sender)
    if inbound.pk is not None:
        recent = recent.exclude(pk=inbound.pk)
    return recent.count() >= settings.LINIA_EMAIL_RATE_LIMIT


def decided_inbound() -> QuerySet[InboundEmail]:
    """Stored messages with a decided outcome: the ones a Message-ID repeats (duplicates)."""
    return InboundEmail.objects.exclude(outcome__in=UNDECIDED)


def rate_limit_window() -> QuerySet[InboundEmail]:
    """The messages that count against their sender's rate limit now."""
    since = timezone.now() - RATE_LIMIT_WINDOW
    return InboundEmail.objects.filter(received_at__gte=since).exclude(outcome=Outcome.DUPLICATE)


def staff_users() -> QuerySet[User]:
    """Active staff: mail from their addresses is an agent writing, never a client."""
    return User.objects.filter(is_active=True).exclude(
        role__in=[UserRole.REQUESTER, UserRole.CLIENT_MANAGER]
    )


def _find_contact(address: str, ticket: Ticket | None) -> Contact | None:
    contacts = (
        Contact.objects.select_related("user", "organization")
        .filter(email__iexact=address)
        .order_by("pk")
    )
    return choose_contact(list(contacts), ticket)


def choose_contact(contacts: list[Contact], ticket: Ticket | None) -> Contact | None:
    """Of the contacts with the sender's address (by id), the one the message is from."""
    if ticket is not None:
        # Prefer the contact this ticket belongs to, then one of the ticket's organization.
        for contact in contacts:
            if contact.pk == ticket.requester_id:
                return contact
        for contact in contacts:
            if contact.organization_id == ticket.organization_id:
                return contact
    return contacts[0] if contacts else None


def _staff_sender(address: str) -> Actor | None:
    user = staff_users().filter(email__iexact=address).order_by("pk").first()
    return actor_for_user(user) if user is not None else None


def _contact_actor(contact: Contact) -> Actor:
    """The actor of a contact writing by e-mail: their portal user's, or a requester's."""
    user = contact.user
    if user is not None and user.is_active:
        actor = actor_for_user(user)
        if actor.is_client and actor.contact_id == contact.pk:
            return actor
    return Actor(
        role=Role.REQUESTER,
        user_id=None,
        name=contact.full_name,
        organization_id=contact.organization_id,
        contact_id=contact.pk,
    )


def _unknown_sender(inbound: InboundEmail, parsed: ParsedEmail) -> Contact | None:
    mailbox: Mailbox | None = inbound.mailbox
    if mailbox is not None and mailbox.unknown_sender_policy == UnknownSenderPolicy.REJECT:
        _send_rejection(parsed)
        return None
    return catch_all_contact(parsed, catch_all_organization())


def catch_all_organization() -> Organization:
    """The organization unknown senders are filed under ("Unsorted"), created if missing."""
    organization = Organization.objects.filter(name=CATCH_ALL_ORGANIZATION).first()
    if organization is None:
        organization = directory_services.create_organization(
            actor=SYSTEM_ACTOR,
            name=CATCH_ALL_ORGANIZATION,
            notes=_("Senders Linia did not know, filed here by the e-mail channel for triage."),
        )
    return organization


def catch_all_contact(parsed: ParsedEmail, organization: Organization) -> Contact:
    """A new contact of the catch-all `organization` for the sender of `parsed`."""
    name = parsed.from_name or parsed.from_address.split("@")[0]
    contact = directory_services.create_contact(
        organization_id=organization.pk,
        full_name=name[:200] or parsed.from_address,
        email=parsed.from_address if len(parsed.from_address) <= 254 else "",
    )
    contact.organization = organization
    return contact


def _send_rejection(parsed: ParsedEmail) -> None:
    """The polite automatic reply to an unknown sender, in the language their message seems
    to be in (templates email_channel/rejected.*, translated like every notification)."""
    language = guess_language(parsed)
    context = {"original_subject": parsed.subject[:200]}
    with translation.override(language):
        subject = render_to_string("email_channel/rejected.subject.txt", context)
        body = render_to_string("email_channel/rejected.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[parsed.from_address],
        headers={
            "Auto-Submitted": "auto-replied",
            "Content-Language": language,
            "In-Reply-To": parsed.message_id,
            "References": parsed.message_id,
        },
    )
    # After commit: a processing failure rolls back and quarantines, and a retry must not
    # have answered twice.
    transaction.on_commit(message.send, robust=True)


# --- bodies and files ---------------------------------------------------------------------


def _notes_and_files(parsed: ParsedEmail) -> tuple[list[str], list[IncomingFile]]:
    notes, accepted = _accepted_files(parsed)
    return notes, [
        IncomingFile(
            name=attachment.filename,
            content=ContentFile(attachment.data, name=attachment.filename),
            size=attachment.size,
            content_type=attachment.content_type,
        )
        for attachment in accepted
    ]


def _accepted_files(parsed: ParsedEmail) -> tuple[list[str], list[ParsedAttachment]]:
    """The attachments to store, in order, and a note for each one refused."""
    notes: list[str] = []
    files: list[ParsedAttachment] = []
    limit = settings.LINIA_MAX_ATTACHMENT_BYTES
    blocked = set(settings.LINIA_BLOCKED_ATTACHMENT_EXTENSIONS)
    for attachment in parsed.attachments:
        name = attachment.filename
        if attachment.size == 0:
            continue
        if attachment.size > limit:
            notes.append(
                _("The attachment “%(name)s” (%(size)s MB) was refused: the limit is %(limit)s MB.")
                % {
                    "name": name,
                    "size": f"{attachment.size / 1048576:.1f}",
                    "limit": f"{limit / 1048576:.0f}",
                }
            )
            continue
        extension = PurePath(name).suffix.lower().lstrip(".")
        if extension in blocked:
            notes.append(
                _("The attachment “%(name)s” was refused: files of this type are not accepted.")
                % {"name": name}
            )
            continue
        if len(files) >= settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE:
            notes.append(
                _("The attachment “%(name)s” was refused: too many files.") % {"name": name}
            )
            continue
        files.append(attachment)
    if parsed.has_winmail_dat:
        notes.append(
            _(
                "The message carries winmail.dat (Outlook's TNEF format); its contents "
                "were not unpacked. Ask the sender to send plain attachments."
            )
        )
    return notes, files


def _compose(text: str, notes: list[str]) -> str:
    body = text.strip()[: ticket_services.MAX_BODY - 2000]
    if notes:
        body = (body + "\n\n" if body else "") + "\n".join(f"[{note}]" for note in notes)
    return body


def _reply_body(parsed: ParsedEmail) -> tuple[str, list[IncomingFile]]:
    notes, files = _notes_and_files(parsed)
    visible, folded = split_reply(parsed.text)
    if folded:
        notes.insert(0, _("Quoted text hidden; the full message is kept with the original e-mail."))
    return _compose(visible, notes) or _("(empty message)"), files


def _new_ticket_body(parsed: ParsedEmail) -> tuple[str, list[IncomingFile]]:
    # A new request keeps its whole text: a forwarded thread is often the request itself.
    notes, files = _notes_and_files(parsed)
    return _compose(parsed.text, notes), files
