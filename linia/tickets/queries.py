"""Reads for tickets. Every query starts from `visible_tickets(actor)`, the one tenancy gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _

from linia.accounts.models import Team, User
from linia.core.access import Actor, Role
from linia.core.errors import NotFound
from linia.directory.access import organization_filter

from .models import Attachment, Category, Message, Ticket, TicketEvent
from .workflow import ACTIVE_STATUSES, FINAL_STATUSES


def visible_tickets(actor: Actor) -> QuerySet[Ticket]:
    """The tickets `actor` may see: own (requester), the organization's (client manager),
    the served organizations' (agent), or all (manager, administrator, system)."""
    tickets = Ticket.objects.all()
    if actor.role == Role.REQUESTER:
        if actor.contact_id is None or actor.organization_id is None:
            return tickets.none()
        return tickets.filter(requester_id=actor.contact_id, organization_id=actor.organization_id)
    return tickets.filter(organization_filter(actor))


def get_ticket_for(actor: Actor, number: int | str) -> Ticket:
    """One visible ticket by number, with what its page shows; NotFound otherwise."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("Ticket not found.")) from None
    ticket = (
        visible_tickets(actor)
        .select_related(
            "organization",
            "requester",
            "assignee",
            "team",
            "category",
            "created_by",
            "sla_policy",
            "sla_calendar",
        )
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound(_("Ticket not found."))
    return ticket


@dataclass
class QueueFilters:
    statuses: list[str] = field(default_factory=list)  # empty: every active status
    include_closed: bool = False
    organization_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    tier: int | None = None
    team_id: int | None = None
    priority: str = ""
    type: str = ""
    category_id: int | None = None
    requester_id: int | None = None
    text: str = ""
    sort: str = "-number"


QUEUE_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-number": ("-number",),
    "number": ("number",),
    "priority": ("priority", "-number"),
    "-updated": ("-updated_at", "-number"),
    "received": ("received_at", "number"),
    # By SLA: the resolution due soonest first, tickets without a running clock last.
    "sla": (F("resolution_due").asc(nulls_last=True), "number"),
}


def list_tickets_for(actor: Actor, filters: QueueFilters) -> QuerySet[Ticket]:
    """Visible tickets narrowed by `filters`, shaped for list pages (queue, API, portal)."""
    tickets = visible_tickets(actor)
    if filters.statuses:
        tickets = tickets.filter(status__in=filters.statuses)
    elif not filters.include_closed:
        tickets = tickets.filter(status__in=sorted(ACTIVE_STATUSES))
    if filters.organization_id:
        tickets = tickets.filter(organization_id=filters.organization_id)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee_id=actor.user_id)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    if filters.tier:
        tickets = tickets.filter(tier=filters.tier)
    if filters.team_id:
        tickets = tickets.filter(team_id=filters.team_id)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.type:
        tickets = tickets.filter(type=filters.type)
    if filters.category_id:
        tickets = tickets.filter(category_id=filters.category_id)
    if filters.requester_id:
        tickets = tickets.filter(requester_id=filters.requester_id)
    text = filters.text.strip().lstrip("#")
    if text:
        condition = Q(subject__icontains=text)
        if text.isdigit():
            condition |= Q(number=int(text))
        tickets = tickets.filter(condition)
    order = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["-number"])
    return tickets.select_related(
        "organization", "requester", "assignee", "team", "category", "sla_policy"
    ).order_by(*order)


def list_requests_for(actor: Actor, *, state: str = "all") -> QuerySet[Ticket]:
    """The portal's "my requests": everything the client actor sees, newest first.

    `state` narrows it: "open" (not yet closed or cancelled, resolved included, since it
    waits for the requester) or "closed" (closed or cancelled); anything else is everything.
    """
    tickets = visible_tickets(actor)
    if state == "open":
        tickets = tickets.exclude(status__in=sorted(FINAL_STATUSES))
    elif state == "closed":
        tickets = tickets.filter(status__in=sorted(FINAL_STATUSES))
    return tickets.select_related("requester", "organization").order_by("-number")


def visible_messages(ticket: Ticket, actor: Actor) -> QuerySet[Message]:
    messages = ticket.messages.all()
    if not actor.is_staff:
        messages = messages.filter(is_internal=False)
    return messages


def list_messages_for(ticket: Ticket, actor: Actor) -> QuerySet[Message]:
    """The thread as `actor` sees it (clients never see internal notes), with attachments."""
    attachments = Attachment.objects.order_by("created_at", "id")
    return (
        visible_messages(ticket, actor)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("created_at", "id")
    )


def ticket_timeline(ticket: Ticket, actor: Actor) -> QuerySet[TicketEvent]:
    """The ticket's history as `actor` may see it, oldest first."""
    events = ticket.events.all()
    if not actor.is_staff:
        events = events.filter(is_internal=False)
    return events.order_by("created_at", "id")


def get_attachment_for(actor: Actor, attachment_id: int) -> Attachment:
    """An attachment the actor may download: its ticket is visible and, for clients, it is not
    part of an internal note. NotFound otherwise."""
    attachments = Attachment.objects.filter(ticket__in=visible_tickets(actor))
    if not actor.is_staff:
        attachments = attachments.filter(is_internal=False)
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    return attachment


def list_ticket_attachments_for(ticket: Ticket, actor: Actor) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    if not actor.is_staff:
        attachments = attachments.filter(is_internal=False)
    return attachments


def list_categories() -> QuerySet[Category]:
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("position", "name")
    )


def category_choices() -> list[tuple[int, str]]:
    """Active categories as (id, "Parent › Child") pairs, in tree order."""
    categories = list(list_categories())
    by_parent: dict[int | None, list[Category]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    result: list[tuple[int, str]] = []

    def walk(parent_id: int | None, prefix: str) -> None:
        for category in by_parent.get(parent_id, []):
            label = f"{prefix}{category.name}"
            result.append((category.pk, label))
            walk(category.pk, f"{label} › ")

    walk(None, "")
    return result


def list_assignable_agents(ticket: Ticket) -> QuerySet[User]:
    """Staff who may take this ticket: members of teams serving its organization, and managers."""
    serving_teams = Team.objects.filter(
        Q(serves_all_organizations=True) | Q(organizations=ticket.organization_id), is_active=True
    )
    return (
        User.objects.filter(is_active=True)
        .filter(Q(teams__in=serving_teams) | Q(role__in=["manager", "admin"]))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def list_teams(tier: int | None = None) -> QuerySet[Team]:
    teams = Team.objects.filter(is_active=True)
    if tier:
        teams = teams.filter(tier=tier)
    return teams.order_by("tier", "name")
