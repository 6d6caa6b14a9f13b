"""Writes for tickets: the only code that changes a ticket, its thread or its history.

Each public service is one transaction: it checks permission (the ticket must be visible to
the actor), then the workflow, then the input; it writes, records one `TicketEvent` per
change, and leaves every side effect to the event handlers that run after commit.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import connection, models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linia.accounts.models import Team
from linia.core.access import SYSTEM_ACTOR, Actor, Role
from linia.core.errors import DomainError, Forbidden, Invalid, NotFound, TooLarge
from linia.directory.access import organization_filter
from linia.directory.models import Asset, Contact, Organization

from . import events, queries, sla_clock, workflow
from .models import (
    Attachment,
    Category,
    Channel,
    Level,
    Message,
    Priority,
    PriorityRule,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketType,
)
from .timeline import event_row, record_event, record_events
from .workflow import TicketStatus

DEFAULT_MATRIX: dict[tuple[str, str], str] = {
    ("high", "high"): "P1",
    ("high", "medium"): "P2",
    ("high", "low"): "P3",
    ("medium", "high"): "P2",
    ("medium", "medium"): "P3",
    ("medium", "low"): "P4",
    ("low", "high"): "P3",
    ("low", "medium"): "P4",
    ("low", "low"): "P4",
}
MAX_SUBJECT = 250
MAX_BODY = 100_000


@dataclass(frozen=True)
class IncomingFile:
    """A file handed to a service by any interface (upload, e-mail part, API)."""

    name: str
    content: File
    size: int
    content_type: str = ""


# --- helpers (never open a transaction) -----------------------------------------------------


def priority_for(impact: str, urgency: str) -> str:
    """The priority the administrators' impact × urgency matrix gives."""
    cell = PriorityRule.objects.filter(impact=impact, urgency=urgency).values_list(
        "priority", flat=True
    )
    return cell.first() or DEFAULT_MATRIX[(impact, urgency)]


# What a locked ticket comes with: the services that return the ticket hand it to pages and
# the API, which show these.
LOCK_RELATED = ("organization", "requester", "assignee", "team", "category")


def _lock_ticket(actor: Actor, number: int, *, related: tuple[str, ...] = LOCK_RELATED) -> Ticket:
    """The visible ticket, locked for update (NotFound if the actor cannot see it), with
    `related` selected. Services that only add to the ticket pass `related=()`: building the
    six-table query and its objects costs ~5 ms, the locked row alone ~1 ms."""
    tickets = queries.visible_tickets(actor).select_for_update(of=("self",))
    if related:  # select_related() without names would follow every foreign key
        tickets = tickets.select_related(*related)
    # `number` is unique: no ORDER BY (first() would add one, ~0.5 ms to build).
    ticket = next(iter(tickets.filter(number=number).order_by()[:1]), None)
    if ticket is None:
        raise NotFound(_("Ticket not found."))
    return ticket


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only service desk staff can do this."))


def _next_numbers(count: int) -> int:
    """The first of `count` consecutive new ticket numbers, never below
    settings.LINIA_FIRST_TICKET_NUMBER. The UPDATE takes the counter row's lock until our
    transaction ends, so concurrent creators queue here and numbers are never repeated or
    reused. The counter row is created by migration tickets/0002; if it is missing (a flushed
    database), INSERT … ON CONFLICT DO NOTHING recreates it without racing another creator.
    One statement (UPDATE … RETURNING) where the database has it: every ticket pays for this."""
    first = settings.LINIA_FIRST_TICKET_NUMBER
    last = _advance_counter(first, count)
    if last is None:
        TicketCounter.objects.bulk_create(
            [TicketCounter(name="ticket", value=first - 1)], ignore_conflicts=True
        )
        last = _advance_counter(first, count)
    if last is None:
        raise RuntimeError("the ticket counter row could not be created")
    return last - count + 1


def _advance_counter(first: int, count: int) -> int | None:
    """The counter advanced by `count`: the last number taken (None: the row is missing)."""
    lowest_last = first + count - 1
    # RETURNING comes with INSERT … RETURNING: PostgreSQL, SQLite 3.35+ (Django's flag).
    if connection.features.can_return_columns_from_insert:
        larger = "GREATEST" if connection.vendor == "postgresql" else "MAX"
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TicketCounter._meta.db_table} "  # noqa: S608
                f"SET value = {larger}(value + %s, %s) WHERE name = %s RETURNING value",
                [count, lowest_last, "ticket"],
            )
            row = cursor.fetchone()
        return int(row[0]) if row is not None else None
    counter = TicketCounter.objects.filter(name="ticket")
    advance = Greatest(
        F("value") + count, Value(lowest_last), output_field=models.BigIntegerField()
    )
    if not counter.update(value=advance):
        return None
    return counter.values_list("value", flat=True).get()


# How the fields named in error messages read in the user's language (`what` stays the code).
FIELD_NAMES = {
    "subject": gettext_lazy("subject"),
    "description": gettext_lazy("description"),
    "message": gettext_lazy("message"),
    "reason": gettext_lazy("reason"),
    "resolution": gettext_lazy("resolution"),
    "name": gettext_lazy("name"),
    "type": gettext_lazy("type"),
    "channel": gettext_lazy("channel"),
    "impact": gettext_lazy("impact"),
    "urgency": gettext_lazy("urgency"),
    "priority": gettext_lazy("priority"),
}


def _check_choice(value: str, choices: type[models.TextChoices], what: str) -> str:
    if value not in choices.values:
        raise Invalid(
            _("“%(value)s” is not a valid %(what)s; use one of: %(choices)s.")
            % {
                "value": value,
                "what": FIELD_NAMES.get(what, what),
                "choices": ", ".join(choices.values),
            },
            code=f"invalid_{what}",
        )
    return value


def _clean_text(value: str, *, limit: int, what: str, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise Invalid(
            _("The %(what)s is required.") % {"what": FIELD_NAMES.get(what, what)},
            code=f"{what}_required",
        )
    if len(value) > limit:
        raise Invalid(
            _("The %(what)s is too long (%(length)d characters; the limit is %(limit)d).")
            % {"what": FIELD_NAMES.get(what, what), "length": len(value), "limit": limit},
            code=f"{what}_too_long",
        )
    return value


def _default_team(*, organization_id: int, tier: int) -> Team | None:
    """The first active team at `tier` that serves the organization (or serves everyone)."""
    dedicated = Team.objects.filter(
        tier=tier, is_active=True, organizations=organization_id
    ).order_by("name")
    return dedicated.first() or (
        Team.objects.filter(tier=tier, is_active=True, serves_all_organizations=True)
        .order_by("name")
        .first()
    )


def route_team(
    team_id: int | None, category: Category | None, *, organization_id: int, tier: int
) -> Team | None:
    """The team a new ticket goes to: the named one (e.g. a mailbox's default) when it is
    active and serves the organization, else the category's, else the organization's
    default team at `tier`."""
    return (
        (_serving_team(team_id, organization_id=organization_id) if team_id else None)
        or _category_team(category, organization_id=organization_id)
        or _default_team(organization_id=organization_id, tier=tier)
    )


def _category_team(category: Category | None, *, organization_id: int) -> Team | None:
    """The category's default team, if it is active and serves the organization (a team that
    does not serve it could not see the ticket)."""
    if category is None or category.default_team_id is None:
        return None
    return _serving_team(category.default_team_id, organization_id=organization_id)


def _serving_team(team_id: int, *, organization_id: int) -> Team | None:
    return (
        Team.objects.filter(pk=team_id, is_active=True)
        .filter(Q(serves_all_organizations=True) | Q(organizations=organization_id))
        .distinct()
        .first()
    )


def _resolve_requester(
    actor: Actor, *, organization_id: int | None, requester: int | str | None
) -> tuple[Organization, Contact]:
    """Who the ticket is for. Clients file for themselves (a client manager may name a
    colleague); staff name the organization and requester, an unknown e-mail becoming a new
    contact of that organization."""
    if actor.is_client:
        if actor.contact_id is None or actor.organization_id is None:
            raise Forbidden(_("Your account is not linked to an organization."))
        contact_id = actor.contact_id
        if requester is not None and requester != "" and actor.role == Role.CLIENT_MANAGER:
            contact_id = _find_contact(actor.organization_id, requester).pk
        own = Contact.objects.select_related("organization").get(pk=contact_id)
        return own.organization, own
    if requester is None or requester == "":
        raise Invalid(
            _("Name the requester (a contact id or an e-mail address)."), code="requester_required"
        )
    contact_pk = _as_id(requester)
    if contact_pk is not None:
        by_id = Contact.objects.select_related("organization").filter(pk=contact_pk).first()
        if by_id is None or not _may_serve(actor, by_id.organization_id):
            raise NotFound(_("Requester not found."))
        contact = by_id
        if organization_id and contact.organization_id != organization_id:
            raise Invalid(
                _("The requester belongs to another organization."),
                code="requester_organization_mismatch",
            )
        return contact.organization, contact
    email = str(requester).strip().lower()
    if "@" not in email or len(email) > 254:
        raise Invalid(
            _("“%(value)s” is not an e-mail address.") % {"value": requester},
            code="invalid_requester",
        )
    # Only contacts of organizations the actor serves count as known: a contact of another
    # client is neither used nor revealed.
    known = Contact.objects.select_related("organization").filter(
        organization_filter(actor), email__iexact=email
    )
    if organization_id:
        known = known.filter(organization_id=organization_id)
    found = known.order_by("pk").first()
    if found is not None:
        return found.organization, found
    if not organization_id:
        raise Invalid(
            _("This e-mail address is unknown; name the organization too."),
            code="organization_required",
        )
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or not _may_serve(actor, organization.pk):
        raise NotFound(_("Organization not found."))
    contact = Contact.objects.create(
        organization=organization, full_name=email.split("@")[0], email=email
    )
    return organization, contact


def _as_id(value: int | str) -> int | None:
    """A contact id given as an int or a string of ASCII digits; None for anything else."""
    if isinstance(value, int):
        return value
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _find_contact(organization_id: int, key: int | str) -> Contact:
    contacts = Contact.objects.filter(organization_id=organization_id)
    contact_pk = _as_id(key)
    contact = (
        contacts.filter(pk=contact_pk).first()
        if contact_pk is not None
        else contacts.filter(email__iexact=str(key).strip()).first()
    )
    if contact is None:
        raise NotFound(_("Requester not found."))
    return contact


def _may_serve(actor: Actor, organization_id: int) -> bool:
    if actor.sees_all_organizations:
        return True
    if actor.is_client:
        return actor.organization_id == organization_id
    return organization_id in (actor.served_organization_ids or frozenset())


def _store_files(
    ticket: Ticket,
    message: Message | None,
    files: list[IncomingFile],
    actor: Actor,
    *,
    is_internal: bool,
) -> list[Attachment]:
    attachments = _attachment_rows(ticket, message, files, actor, is_internal=is_internal)
    _save_attachments([(attachment, actor) for attachment in attachments])
    return attachments


def _save_attachments(uploads: list[tuple[Attachment, Actor]]) -> None:
    """Write checked attachment rows (each with its uploader) in one INSERT, then their
    ticket.attachment_added events, which name the rows' ids."""
    Attachment.objects.bulk_create([attachment for attachment, _actor in uploads])
    record_events(
        [
            event_row(
                attachment.ticket,
                events.ATTACHMENT_ADDED,
                actor=actor,
                new=attachment.filename,
                is_internal=attachment.is_internal,
                payload={"attachment_id": attachment.pk, "size": attachment.size},
            )
            for attachment, actor in uploads
        ]
    )


def _attachment_rows(
    ticket: Ticket,
    message: Message | None,
    files: list[IncomingFile],
    actor: Actor,
    *,
    is_internal: bool,
) -> list[Attachment]:
    """The files checked and written to storage, as unsaved rows."""
    if len(files) > settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE:
        raise Invalid(
            _("Too many files: at most %(limit)d per message.")
            % {"limit": settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE},
            code="too_many_attachments",
        )
    validate_files(files)  # every file, before any is written to storage
    rows = []
    for incoming in files:
        name = _safe_filename(incoming.name)
        content_type = incoming.content_type or mimetypes.guess_type(name)[0] or ""
        attachment = Attachment(
            ticket=ticket,
            message=message,
            filename=name,
            content_type=(content_type or "application/octet-stream")[:120],
            size=incoming.size,
            is_internal=is_internal,
            uploaded_by_id=actor.user_id,
        )
        attachment.file.save(name, incoming.content, save=False)
        rows.append(attachment)
    return rows


def _safe_filename(name: str) -> str:
    """The last path component, printable, without leading or trailing dots and spaces
    ("../../etc/passwd" → "passwd", ".." → "attachment", "run.exe." → "run.exe")."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip(" .")
    return (name or "attachment")[-200:]


def _check_file(name: str, size: int) -> None:
    limit = settings.LINIA_MAX_ATTACHMENT_BYTES
    if size > limit:
        raise TooLarge(
            _("“%(name)s” is too large (%(size)s MB; the limit is %(limit)s MB).")
            % {"name": name, "size": f"{size / 1048576:.1f}", "limit": f"{limit / 1048576:.0f}"},
            code="attachment_too_large",
        )
    if size == 0:
        raise Invalid(_("“%(name)s” is empty.") % {"name": name}, code="attachment_empty")
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in settings.LINIA_BLOCKED_ATTACHMENT_EXTENSIONS:
        raise Invalid(
            _("Files of type .%(extension)s are not accepted.") % {"extension": extension},
            code="attachment_type_blocked",
        )


def validate_files(files: list[IncomingFile]) -> None:
    """Check files before a ticket is created, so a bad file fails the request cleanly."""
    for incoming in files:
        _check_file(_safe_filename(incoming.name), incoming.size)


def check_received_at(received_at: datetime, *, now: datetime) -> None:
    """A request's own time stamp (e.g. a phone call logged later): aware, not in the future."""
    if timezone.is_naive(received_at):
        raise Invalid(_("The time received needs a time zone."), code="received_at_naive")
    if received_at > now + timedelta(minutes=5):
        raise Invalid(_("The time received cannot be in the future."), code="received_at_future")


# --- services ----------------------------------------------------------------------------


MAX_BATCH = 100


@dataclass
class NewTicket:
    """One request to register: create_ticket's arguments, for create_tickets."""

    subject: str
    description: str = ""
    type: str = TicketType.INCIDENT
    category_id: int | None = None
    impact: str | None = None
    urgency: str | None = None
    priority: str | None = None
    organization_id: int | None = None
    requester: int | str | None = None
    channel: str = Channel.PORTAL
    received_at: datetime | None = None
    files: list[IncomingFile] = field(default_factory=list)
    asset_id: int | None = None
    team_id: int | None = None


def create_ticket(
    *,
    actor: Actor,
    subject: str,
    description: str = "",
    type: str = TicketType.INCIDENT,
    category_id: int | None = None,
    impact: str | None = None,
    urgency: str | None = None,
    priority: str | None = None,
    organization_id: int | None = None,
    requester: int | str | None = None,
    channel: str = Channel.PORTAL,
    received_at: datetime | None = None,
    files: list[IncomingFile] | None = None,
    asset_id: int | None = None,
    team_id: int | None = None,
) -> Ticket:
    """Register a request: number, time stamp, channel, routing by category, priority by the
    matrix. Records ticket.created (and attachment rows) on commit. `asset_id` names the
    affected equipment (of the ticket's organization); `team_id` (e.g. a mailbox's default
    team) routes it before the category does, when that team is active and serves the
    organization.

    Raises Invalid, Forbidden, NotFound, TooLarge.
    """
    new = NewTicket(
        subject=subject,
        description=description,
        type=type,
        category_id=category_id,
        impact=impact,
        urgency=urgency,
        priority=priority,
        organization_id=organization_id,
        requester=requester,
        channel=channel,
        received_at=received_at,
        files=files or [],
        asset_id=asset_id,
        team_id=team_id,
    )
    return create_tickets(actor=actor, new=[new])[0]


@transaction.atomic
def create_tickets(*, actor: Actor, new: list[NewTicket]) -> list[Ticket]:
    """create_ticket for each of up to MAX_BATCH requests, all or nothing, in one
    transaction: the same rules, with each lookup (category, requester, team, priority
    matrix, SLA policy) made once per distinct value and the rows written in bulk. A request
    that breaks a rule raises its error with `details["index"]` (its position) when there
    are several; nothing is written then."""
    if len(new) > MAX_BATCH:
        raise Invalid(
            _("At most %(count)s tickets at once.") % {"count": MAX_BATCH}, code="batch_too_large"
        )
    drafting = _Drafting(categories=[item.category_id for item in new])
    tickets: list[Ticket] = []
    for index, item in enumerate(new):
        try:
            tickets.append(drafting.draft(actor, item))
        except DomainError as error:
            if len(new) > 1:
                error.details["index"] = index
            raise
    insert_new_tickets(tickets, [(actor, item.files) for item in new])
    return tickets


class _Drafting:
    """Checks requests and builds their unsaved tickets (with SLA clocks), remembering every
    lookup for the next request of the same batch."""

    def __init__(self, *, categories: list[int | None]) -> None:
        self.now = timezone.now()
        wanted = {category_id for category_id in categories if category_id is not None}
        self.categories = {
            category.pk: category
            for category in (
                Category.objects.filter(pk__in=wanted, is_active=True) if wanted else []
            )
        }
        self.requesters: dict[
            tuple[int | None, int | None, int | str], tuple[Organization, Contact]
        ] = {}
        self.assets: set[tuple[int, int]] = set()
        self.priorities: dict[tuple[str, str], str] = {}
        self.teams: dict[tuple[int | None, int | None, int, int], Team | None] = {}
        self.policies: sla_clock.PolicyChoices = {}

    def draft(
        self,
        actor: Actor,
        item: NewTicket,
        *,
        requester: tuple[Organization, Contact] | None = None,
    ) -> Ticket:
        """The checked, unsaved ticket for `item` registered by `actor`; `requester` is the
        organization and contact when the caller has already resolved them (the e-mail
        channel, whose contacts write in themselves)."""
        now = self.now
        subject = _clean_text(item.subject, limit=MAX_SUBJECT, what="subject")
        description = _clean_text(
            item.description, limit=MAX_BODY, what="description", required=False
        )
        _check_choice(item.type, TicketType, "type")
        _check_choice(item.channel, Channel, "channel")
        impact = _check_choice(item.impact or Level.MEDIUM, Level, "impact")
        urgency = _check_choice(item.urgency or Level.MEDIUM, Level, "urgency")
        if item.priority is not None and not actor.is_staff:
            raise Forbidden(_("Only service desk staff can set the priority directly."))
        if item.priority:
            priority = _check_choice(item.priority, Priority, "priority")
        else:
            if (impact, urgency) not in self.priorities:
                self.priorities[(impact, urgency)] = priority_for(impact, urgency)
            priority = self.priorities[(impact, urgency)]
        if item.received_at is not None:
            check_received_at(item.received_at, now=now)
        category = None
        if item.category_id is not None:
            category = self.categories.get(item.category_id)
            if category is None:
                raise Invalid(_("Unknown category."), code="invalid_category")
        organization, contact = requester or self._requester(actor, item)
        if not organization.is_active:
            raise Invalid(_("This organization is not active."), code="organization_inactive")
        if item.asset_id is not None and (item.asset_id, organization.pk) not in self.assets:
            _check_asset(item.asset_id, organization_id=organization.pk)
            self.assets.add((item.asset_id, organization.pk))
        validate_files(item.files)
        tier = category.default_tier if category else 1
        team_key = (item.team_id, category.pk if category else None, organization.pk, tier)
        if team_key not in self.teams:
            self.teams[team_key] = route_team(
                item.team_id, category, organization_id=organization.pk, tier=tier
            )
        team = self.teams[team_key]
        received_at = item.received_at or now
        ticket = Ticket(
            subject=subject,
            description=description,
            type=item.type,
            category=category,
            impact=impact,
            urgency=urgency,
            priority=priority,
            tier=team.tier if team else tier,
            team=team,
            organization=organization,
            requester=contact,
            asset_id=item.asset_id,
            created_by_id=actor.user_id,
            channel=item.channel,
            received_at=received_at,
            tier_entered_at=received_at,
        )
        sla_clock.start_clocks(ticket, now=now, policies=self.policies)
        return ticket

    def _requester(self, actor: Actor, item: NewTicket) -> tuple[Organization, Contact]:
        # Keyed by the actor too: who may file for whom is the actor's to decide.
        key = (
            actor.user_id,
            item.organization_id,
            item.requester if item.requester is not None else "",
        )
        if key not in self.requesters:
            self.requesters[key] = _resolve_requester(
                actor, organization_id=item.organization_id, requester=item.requester
            )
        return self.requesters[key]


def insert_new_tickets(
    tickets: list[Ticket], creators: list[tuple[Actor, list[IncomingFile]]]
) -> None:
    """Write checked, unsaved tickets: a block of numbers, one INSERT, their ticket.created
    events, then each one's files (`creators`: who registered each ticket, with its files)."""
    if not tickets:
        return
    first = _next_numbers(len(tickets))
    for offset, ticket in enumerate(tickets):
        ticket.number = first + offset
    Ticket.objects.bulk_create(tickets)
    record_events(
        [
            event_row(
                ticket,
                events.TICKET_CREATED,
                actor=actor,
                new=ticket.number,
                payload={
                    "channel": ticket.channel,
                    "priority": ticket.priority,
                    "tier": ticket.tier,
                },
            )
            for ticket, (actor, _files) in zip(tickets, creators, strict=True)
        ]
    )
    uploads = [
        (attachment, actor)
        for ticket, (actor, files) in zip(tickets, creators, strict=True)
        for attachment in _attachment_rows(ticket, None, files, actor, is_internal=False)
    ]
    if uploads:
        _save_attachments(uploads)


@transaction.atomic
def add_message(
    *,
    actor: Actor,
    number: int,
    body: str,
    is_internal: bool = False,
    channel: str = Channel.PORTAL,
    files: list[IncomingFile] | None = None,
) -> Message:
    """Add a public reply or an internal note (staff only).

    A requester's reply resumes a pending ticket and reopens a resolved one; the first public
    staff reply is the first response and starts work on a new ticket. Records
    ticket.message_added on commit. Raises NotFound, Forbidden, Conflict, Invalid, TooLarge.
    """
    ticket = _lock_ticket(actor, number, related=())
    body = _clean_text(body, limit=MAX_BODY, what="message")
    if is_internal and not actor.is_staff:
        raise Forbidden(_("Only service desk staff can add internal notes."))
    if ticket.status in workflow.FINAL_STATUSES and not actor.is_staff:
        raise workflow.TransitionNotAllowed(
            _("This request is closed. Please submit a new request."), code="ticket_closed"
        )
    _check_choice(channel, Channel, "channel")
    message = _message_row(ticket, actor, body, is_internal=is_internal, channel=channel)
    message.save(force_insert=True)
    if files:
        _store_files(ticket, message, files, actor, is_internal=is_internal)
    update_fields = ["updated_at"]
    if not is_internal:
        # Public messages only: the count is shown to clients, who must not learn that
        # internal notes exist.
        ticket.message_count = F("message_count") + 1
        update_fields.append("message_count")
    if actor.is_staff and actor.role != Role.SYSTEM and not is_internal:
        # A person's public reply (the system's own messages are not responses).
        now = timezone.now()
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            update_fields.append("first_response_at")
        update_fields += sla_clock.on_public_staff_reply(ticket, now=now)
    ticket.save(update_fields=update_fields)
    if not is_internal:
        ticket.refresh_from_db(fields=["message_count"])
    record_events([_message_added_row(ticket, message, actor)])
    if not is_internal:
        _follow_up_status(ticket, actor)
    return message


@transaction.atomic
def add_system_notes(*, tickets: list[Ticket], body: str) -> list[Message]:
    """The system's internal note `body` on each of `tickets`: what add_message does for one
    internal note by the system (the message, the ticket's `updated_at`, ticket.message_added),
    for many tickets in three statements. `tickets` are rows the caller locked in its
    transaction (the escalation tick's firings: add_message per ticket locked each again and
    cost ~3 ms a note). Raises Invalid."""
    body = _clean_text(body, limit=MAX_BODY, what="message")
    if not tickets:
        return []
    actor = SYSTEM_ACTOR
    messages = Message.objects.bulk_create(
        [_message_row(ticket, actor, body, is_internal=True, channel=Channel.DESK)
         for ticket in tickets]
    )  # fmt: skip
    Ticket.objects.filter(pk__in=[ticket.pk for ticket in tickets]).update(
        updated_at=timezone.now()
    )
    record_events(
        [
            _message_added_row(ticket, message, actor)
            for ticket, message in zip(tickets, messages, strict=True)
        ]
    )
    return messages


def _message_row(
    ticket: Ticket, actor: Actor, body: str, *, is_internal: bool, channel: str
) -> Message:
    return Message(
        ticket=ticket,
        author_id=actor.user_id,
        author_name=actor.name,
        is_from_staff=actor.is_staff,
        body=body,
        is_internal=is_internal,
        channel=channel,
    )


def _message_added_row(ticket: Ticket, message: Message, actor: Actor) -> TicketEvent:
    return event_row(
        ticket,
        events.MESSAGE_ADDED,
        actor=actor,
        is_internal=message.is_internal,
        payload={
            "message_id": message.pk,
            "internal": message.is_internal,
            "from_staff": message.is_from_staff,
        },
    )


def _follow_up_status(ticket: Ticket, actor: Actor) -> None:
    """The status a public message implies, through the workflow like any other change."""
    if actor.is_client:
        if ticket.status == TicketStatus.PENDING:
            _apply_transition(
                ticket, TicketStatus.IN_PROGRESS, actor, note=_("The requester replied.")
            )
        elif ticket.status == TicketStatus.RESOLVED:
            _apply_transition(
                ticket,
                TicketStatus.IN_PROGRESS,
                actor,
                note=_("The requester replied after the resolution."),
            )
    elif ticket.status in {TicketStatus.NEW, TicketStatus.OPEN}:
        _apply_transition(ticket, TicketStatus.IN_PROGRESS, actor, note="")


@transaction.atomic
def change_status(
    *,
    actor: Actor,
    number: int,
    to: str,
    note: str = "",
    resolution: str = "",
    training_recommended: bool = False,
) -> Ticket:
    """Move a ticket along the workflow (workflow.TRANSITIONS). Locks the ticket row; records
    ticket.status_changed on commit. Raises NotFound, TransitionNotAllowed, Invalid."""
    ticket = _lock_ticket(actor, number)
    _apply_transition(
        ticket,
        to,
        actor,
        note=note,
        resolution=resolution,
        training_recommended=training_recommended,
    )
    return ticket


def _apply_transition(
    ticket: Ticket,
    to: str,
    actor: Actor,
    *,
    note: str = "",
    resolution: str = "",
    training_recommended: bool = False,
    auto: bool = False,
) -> None:
    rule = workflow.require_transition(ticket.status, to, actor)
    note = _clean_text(note, limit=2000, what="reason", required=False)
    if rule.requires_reason and not note and actor.role != Role.SYSTEM:
        raise Invalid(_("Give a reason for this change."), code="reason_required")
    if rule.requires_resolution:
        resolution = _clean_text(resolution, limit=MAX_BODY, what="resolution")
    old = ticket.status
    now = timezone.now()
    ticket.status = to
    update_fields = ["status", "updated_at"]
    if rule.requires_resolution:
        ticket.resolution = resolution
        ticket.training_recommended = training_recommended
        ticket.resolved_at = now
        update_fields += ["resolution", "training_recommended", "resolved_at"]
    if to == TicketStatus.PENDING:
        ticket.pending_reason = note[:250]
        update_fields.append("pending_reason")
    elif old == TicketStatus.PENDING:
        ticket.pending_reason = ""
        update_fields.append("pending_reason")
    if to == TicketStatus.CLOSED:
        ticket.closed_at = now
        ticket.is_auto_closed = auto
        update_fields += ["closed_at", "is_auto_closed"]
    if rule.action in {"reopen", "restore"}:
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.is_auto_closed = False
        update_fields += ["resolved_at", "closed_at", "is_auto_closed"]
    update_fields += sla_clock.on_status_change(ticket, old=old, new=to, now=now)
    ticket.save(update_fields=update_fields)
    record_event(
        ticket,
        events.STATUS_CHANGED,
        actor=actor,
        field="status",
        old=old,
        new=to,
        payload={
            "action": rule.action,
            "note": note,
            "resolution": ticket.resolution if rule.requires_resolution else "",
            "training_recommended": training_recommended if rule.requires_resolution else False,
            "auto": auto,
        },
    )


@transaction.atomic
def assign_ticket(*, actor: Actor, number: int, assignee_id: int | None) -> Ticket:
    """Give the ticket to an agent who serves its organization (or take it off anyone).
    Accepts a new ticket. Records ticket.assigned. Raises NotFound, Forbidden, Invalid."""
    ticket = _lock_ticket(actor, number)
    _require_staff(actor)
    if assignee_id == ticket.assignee_id:
        return ticket
    assignee = None
    if assignee_id is not None:
        assignee = queries.list_assignable_agents(ticket).filter(pk=assignee_id).first()
        if assignee is None:
            raise Invalid(
                _("This person cannot take tickets of this organization."), code="invalid_assignee"
            )
    old_name = ticket.assignee.display_name if ticket.assignee else ""
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    record_event(
        ticket,
        events.ASSIGNED,
        actor=actor,
        field="assignee",
        old=old_name,
        new=assignee.display_name if assignee else "",
        is_internal=False,
        payload={"assignee_id": assignee_id},
    )
    if assignee is not None and ticket.status == TicketStatus.NEW:
        _apply_transition(ticket, TicketStatus.OPEN, actor)
    return ticket


@transaction.atomic
def escalate_ticket(
    *, actor: Actor, number: int, tier: int, reason: str, team_id: int | None = None
) -> Ticket:
    """Functional escalation: move the ticket up to L2 or L3, to the given team or the tier's
    default team, clearing the assignee. Records ticket.escalated (the manager is told).
    Raises NotFound, Forbidden, Invalid, Conflict."""
    ticket = _lock_ticket(actor, number)
    _require_staff(actor)
    if tier not in (2, 3):
        raise Invalid(_("Escalate to tier 2 or 3."), code="invalid_tier")
    if tier <= ticket.tier:
        raise workflow.TransitionNotAllowed(
            _("The ticket is already at L%(tier)d; escalation moves it up.")
            % {"tier": ticket.tier},
            code="escalation_not_upward",
        )
    if ticket.status in workflow.FINAL_STATUSES or ticket.status == TicketStatus.RESOLVED:
        raise workflow.TransitionNotAllowed(
            _("Only an open ticket can be escalated."), code="escalation_not_open"
        )
    reason = _clean_text(reason, limit=2000, what="reason")
    if team_id is not None:
        team = (
            Team.objects.filter(pk=team_id, tier=tier, is_active=True)
            .filter(Q(serves_all_organizations=True) | Q(organizations=ticket.organization_id))
            .distinct()
            .first()
        )
        if team is None:
            raise Invalid(
                _("No active team with this id serves this organization at that tier."),
                code="invalid_team",
            )
    else:
        team = _default_team(organization_id=ticket.organization_id, tier=tier)
    old_tier, old_team = ticket.tier, ticket.team.name if ticket.team else ""
    ticket.tier = tier
    ticket.team = team
    ticket.assignee = None
    ticket.tier_entered_at = timezone.now()
    ticket.save(update_fields=["tier", "team", "assignee", "tier_entered_at", "updated_at"])
    record_event(
        ticket,
        events.ESCALATED,
        actor=actor,
        field="tier",
        old=old_tier,
        new=tier,
        is_internal=True,
        payload={
            "reason": reason,
            "old_team": old_team,
            "team": team.name if team else "",
            "team_id": team.pk if team else None,
        },
    )
    return ticket


def record_rule_firings(*, rule_name: str, fired: list[tuple[Ticket, dict[str, Any]]]) -> None:
    """Record on each ticket's timeline that an escalation rule fired for it, with the
    firing's `details` (internal, by the system; linia.escalation takes the rule's actions
    through the other services), in one INSERT. The tickets are rows the caller locked in its
    transaction (the firings'). Records ticket.escalation_rule_fired."""
    record_events(
        [
            event_row(
                ticket,
                events.ESCALATION_RULE_FIRED,
                actor=SYSTEM_ACTOR,
                new=rule_name,
                is_internal=True,
                payload={"rule_name": rule_name, **details},
            )
            for ticket, details in fired
        ]
    )


@transaction.atomic
def classify_ticket(
    *,
    actor: Actor,
    number: int,
    subject: str | None = None,
    type: str | None = None,
    category_id: int | bool | None = False,
    impact: str | None = None,
    urgency: str | None = None,
    priority: str | None = None,
    asset_id: int | bool | None = False,
) -> Ticket:
    """Change what the ticket is: subject, type, category, impact and urgency (priority follows
    the matrix) or the priority itself, the affected equipment. One ticket.field_changed row
    per changed field. `category_id=False` (`asset_id=False`) leaves the category (the
    equipment) alone; None clears it."""
    ticket = _lock_ticket(actor, number)
    _require_staff(actor)
    changes: dict[str, tuple[object, object]] = {}
    if subject is not None:
        subject = _clean_text(subject, limit=MAX_SUBJECT, what="subject")
        if subject != ticket.subject:
            changes["subject"] = (ticket.subject, subject)
            ticket.subject = subject
    if type is not None and type != ticket.type:
        _check_choice(type, TicketType, "type")
        changes["type"] = (ticket.type, type)
        ticket.type = type
    if category_id is not False and category_id != ticket.category_id:
        category = None
        if category_id is not None:
            category = Category.objects.filter(pk=category_id, is_active=True).first()
            if category is None:
                raise Invalid(_("Unknown category."), code="invalid_category")
        changes["category"] = (
            ticket.category.name if ticket.category else "",
            category.name if category else "",
        )
        ticket.category = category
    if asset_id is not False and asset_id != ticket.asset_id:
        asset = (
            _check_asset(asset_id, organization_id=ticket.organization_id)
            if isinstance(asset_id, int)
            else None
        )
        changes["asset"] = (ticket.asset.name if ticket.asset else "", asset.name if asset else "")
        ticket.asset = asset
    for name, value in (("impact", impact), ("urgency", urgency)):
        if value is not None and value != getattr(ticket, name):
            _check_choice(value, Level, name)
            changes[name] = (getattr(ticket, name), value)
            setattr(ticket, name, value)
    new_priority = ticket.priority
    if priority is not None:
        new_priority = _check_choice(priority, Priority, "priority")
    elif "impact" in changes or "urgency" in changes:
        new_priority = priority_for(ticket.impact, ticket.urgency)
    if new_priority != ticket.priority:
        changes["priority"] = (ticket.priority, new_priority)
        ticket.priority = new_priority
    if not changes:
        return ticket
    update_fields = [*changes, "updated_at"]
    if changes.keys() & {"priority", "category", "type"}:  # the SLA may change
        update_fields += sla_clock.reapply_policy(ticket, now=timezone.now())
    ticket.save(update_fields=update_fields)
    for field_name, (old, new) in changes.items():
        record_event(
            ticket,
            events.FIELD_CHANGED,
            actor=actor,
            field=field_name,
            old=old,
            new=new,
            is_internal=field_name != "subject",
        )
    return ticket


@transaction.atomic
def update_ticket(
    *,
    actor: Actor,
    number: int,
    subject: str | None = None,
    type: str | None = None,
    category_id: int | bool | None = False,
    impact: str | None = None,
    urgency: str | None = None,
    priority: str | None = None,
    assignee_id: int | bool | None = False,
    asset_id: int | bool | None = False,
) -> Ticket:
    """Classify and (re)assign in one transaction (the API's PATCH): every change lands or
    none does. `False` leaves the category, the equipment or the assignee alone; None clears
    it. Visibility
    is checked first, so a client gets NotFound for a ticket it cannot see and Forbidden for
    one it can. Records what classify_ticket and assign_ticket record.
    Raises NotFound, Forbidden, Invalid."""
    _lock_ticket(actor, number)
    _require_staff(actor)
    ticket = classify_ticket(
        actor=actor,
        number=number,
        subject=subject,
        type=type,
        category_id=category_id,
        impact=impact,
        urgency=urgency,
        priority=priority,
        asset_id=asset_id,
    )
    if assignee_id is not False:
        ticket = assign_ticket(actor=actor, number=number, assignee_id=assignee_id or None)
    return ticket


@transaction.atomic
def add_attachments(
    *, actor: Actor, number: int, files: list[IncomingFile], is_internal: bool = False
) -> list[Attachment]:
    ticket = _lock_ticket(actor, number)
    if is_internal and not actor.is_staff:
        raise Forbidden(_("Only service desk staff can add internal files."))
    if ticket.status in workflow.FINAL_STATUSES and not actor.is_staff:
        raise workflow.TransitionNotAllowed(
            _("This request is closed. Please submit a new request."), code="ticket_closed"
        )
    return _store_files(ticket, None, files, actor, is_internal=is_internal)


def close_unconfirmed_tickets(*, now: datetime, days: int | None = None) -> int:
    """Close resolved tickets the requester has not answered for `days` (the setting by
    default), each in its own transaction and marked as closed automatically."""
    days = settings.LINIA_AUTO_CLOSE_DAYS if days is None else days
    cutoff = now - timedelta(days=days)
    numbers = list(
        Ticket.objects.filter(status=TicketStatus.RESOLVED, resolved_at__lt=cutoff)
        .order_by("resolved_at")
        .values_list("number", flat=True)[:1000]
    )
    closed = 0
    for number in numbers:
        if _auto_close(number=number, cutoff=cutoff):
            closed += 1
    return closed


@transaction.atomic
def _auto_close(*, number: int, cutoff: datetime) -> bool:
    ticket = (
        Ticket.objects.select_for_update()
        .filter(number=number, status=TicketStatus.RESOLVED, resolved_at__lt=cutoff)
        .first()
    )
    if ticket is None:  # someone answered meanwhile
        return False
    _apply_transition(
        ticket,
        TicketStatus.CLOSED,
        SYSTEM_ACTOR,
        auto=True,
        note=_("Closed automatically: no answer from the requester."),
    )
    return True


@transaction.atomic
def create_category(
    *,
    name: str,
    parent_id: int | None = None,
    default_team_id: int | None = None,
    default_tier: int = 1,
    position: int = 0,
) -> Category:
    """Add a node to the category tree (configuration, not a ticket change: no event).
    Raises Invalid for an empty or duplicate name, a bad tier or team; NotFound for a
    missing parent."""
    name = _clean_text(name, limit=120, what="name")
    if default_tier not in (1, 2, 3):
        raise Invalid(_("The tier must be 1, 2 or 3."), code="invalid_tier")
    if parent_id is not None and not Category.objects.filter(pk=parent_id).exists():
        raise NotFound(_("Parent category not found."))
    if default_team_id is not None and not Team.objects.filter(pk=default_team_id).exists():
        raise Invalid(_("Unknown team."), code="invalid_team")
    if Category.objects.filter(parent_id=parent_id, name__iexact=name).exists():
        raise Invalid(_("A category with this name already exists here."), code="name_taken")
    return Category.objects.create(
        name=name,
        parent_id=parent_id,
        default_team_id=default_team_id,
        default_tier=default_tier,
        position=position,
    )


def _check_asset(asset_id: int, *, organization_id: int) -> Asset:
    """The active equipment `asset_id` of the organization, or Invalid."""
    asset = Asset.objects.filter(pk=asset_id, organization_id=organization_id).first()
    if asset is None:
        raise Invalid(
            _("Unknown equipment: name equipment of the ticket's organization."),
            code="invalid_asset",
        )
    return asset


# --- work log (issue 5: included hours) -----------------------------------------------------
# Appended as one block so that parallel edits of this file stay apart; hence the late import.
from datetime import date  # noqa: E402

from .models import Worklog  # noqa: E402

MAX_WORKLOG_NOTE = 500


@transaction.atomic
def log_work(
    *,
    actor: Actor,
    number: int,
    minutes: int,
    work_date: date | None = None,
    billable: bool = True,
    note: str = "",
) -> Worklog:
    """Record time an agent spent on a ticket they may see (staff only). Billable minutes
    count against the organization's included hours of that month. `work_date` defaults to
    today and may not be in the future. Records ticket.work_logged (internal).
    Raises NotFound, Forbidden, Invalid."""
    ticket = _lock_ticket(actor, number)
    _require_staff(actor)
    if actor.user_id is None:
        raise Forbidden(_("Only a person can log work."))
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= 24 * 60:
        raise Invalid(
            _("Minutes must be a whole number from 1 to 1440 (one day)."), code="invalid_minutes"
        )
    today = timezone.localdate()
    work_date = work_date or today
    if work_date > today:
        raise Invalid(_("Work cannot be logged for a future day."), code="work_date_future")
    note = (note or "").replace("\x00", "").strip()
    if len(note) > MAX_WORKLOG_NOTE:
        raise Invalid(
            _("The note is too long (%(length)d characters; the limit is %(limit)d).")
            % {"length": len(note), "limit": MAX_WORKLOG_NOTE},
            code="note_too_long",
        )
    worklog = Worklog.objects.create(
        ticket=ticket,
        organization_id=ticket.organization_id,
        agent_id=actor.user_id,
        work_date=work_date,
        minutes=minutes,
        billable=billable,
        note=note,
    )
    record_event(
        ticket,
        events.WORK_LOGGED,
        actor=actor,
        new=_("%(minutes)s min") % {"minutes": minutes},
        is_internal=True,
        payload={
            "worklog_id": worklog.pk,
            "minutes": minutes,
            "billable": billable,
            "work_date": work_date.isoformat(),
        },
    )
    return worklog


@transaction.atomic
def delete_worklog(*, actor: Actor, worklog_id: int) -> None:
    """Remove a work log entry: one's own, or anyone's for managers and administrators.
    Records ticket.worklog_deleted (internal). Raises NotFound, Forbidden."""
    number = (
        Worklog.objects.filter(pk=worklog_id, ticket__in=queries.visible_tickets(actor))
        .values_list("ticket__number", flat=True)
        .first()
        if actor.is_staff
        else None
    )
    if number is None:
        raise NotFound(_("Work log entry not found."))
    ticket = _lock_ticket(actor, number)
    worklog = Worklog.objects.filter(pk=worklog_id, ticket=ticket).first()
    if worklog is None:  # removed meanwhile
        raise NotFound(_("Work log entry not found."))
    if worklog.agent_id != actor.user_id and not actor.is_manager:
        raise Forbidden(_("Only the author or a manager can remove this entry."))
    worklog.delete()
    record_event(
        ticket,
        events.WORKLOG_DELETED,
        actor=actor,
        old=_("%(minutes)s min") % {"minutes": worklog.minutes},
        is_internal=True,
        payload={
            "worklog_id": worklog_id,
            "minutes": worklog.minutes,
            "work_date": worklog.work_date.isoformat(),
        },
    )


# --- license reminders as tickets (issue 5) --------------------------------------------------
import logging  # noqa: E402

from linia.directory.models import License  # noqa: E402

_reminder_logger = logging.getLogger(__name__ + ".license_reminders")


def open_license_reminder_ticket(license_: License, days: int) -> Ticket | None:
    """A service request "license ends soon" for the organization, routed to its serving
    team, filed by Linia for its client manager (else its first contact). Called by
    `directory.services.send_license_reminders` inside the transaction that records the
    reminder, so there is one ticket per license and threshold. None (and a log line) when
    the organization has no contact or takes no tickets."""
    organization = license_.organization
    contacts = Contact.objects.filter(organization_id=organization.pk)
    requester = (
        contacts.filter(Q(is_client_manager=True) | Q(user__role="client_manager"))
        .order_by("pk")
        .first()
        or contacts.order_by("pk").first()
    )
    if requester is None:
        _reminder_logger.warning(
            "license %s: no contact at organization %s for the reminder ticket",
            license_.pk,
            organization.pk,
        )
        return None
    values = {
        "product": str(license_),
        "organization": organization.name,
        "date": license_.ends_on,
        "days": days,
        "seats": license_.seats or "—",
    }
    try:
        return create_ticket(
            actor=SYSTEM_ACTOR,
            subject=_("License %(product)s of %(organization)s ends on %(date)s") % values,
            description=_(
                "The license %(product)s (%(seats)s seat(s)) of %(organization)s ends on "
                "%(date)s, in %(days)s day(s). Renew it or tell the client."
            )
            % values,
            type=TicketType.SERVICE_REQUEST,
            organization_id=organization.pk,
            requester=requester.pk,
            channel=Channel.DESK,
        )
    except (Invalid, NotFound) as error:
        _reminder_logger.warning("license %s: no reminder ticket (%s)", license_.pk, error)
        return None


# --- watchers ------------------------------------------------------------------------------

from .models import TicketWatcher  # noqa: E402


@transaction.atomic
def add_watchers(*, actor: Actor, number: int, contact_ids: list[int]) -> list[TicketWatcher]:
    """Keep contacts of the ticket's organization informed besides the requester (public
    replies and status changes reach them by e-mail). Contacts already watching, and the
    requester, are skipped; returns the new watchers. Records one field change.

    Raises NotFound (the ticket, or a contact not of the ticket's organization: another
    organization's contact never learns of the ticket).
    """
    ticket = _lock_ticket(actor, number)
    wanted = set(contact_ids) - {ticket.requester_id}
    contacts = list(
        Contact.objects.filter(pk__in=wanted, organization_id=ticket.organization_id).order_by("pk")
    )
    if len(contacts) != len(wanted):
        raise NotFound(_("Contact not found."))
    watching = set(
        TicketWatcher.objects.filter(ticket=ticket, contact_id__in=wanted).values_list(
            "contact_id", flat=True
        )
    )
    added = TicketWatcher.objects.bulk_create(
        [TicketWatcher(ticket=ticket, contact=c) for c in contacts if c.pk not in watching]
    )
    if added:
        record_event(
            ticket,
            events.FIELD_CHANGED,
            actor=actor,
            field="watchers",
            new=", ".join(watcher.contact.full_name for watcher in added),
            payload={"contact_ids": [watcher.contact_id for watcher in added]},
        )
    return added
