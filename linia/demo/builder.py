"""Builds the demo installation through the domain services, exactly as people would.

Nothing here writes rows directly: users, teams, organizations, contacts, categories and
tickets are all created by `linia.*.services`, so the demo data obeys every rule the product
enforces (workflow, tenancy, events). The whole load is one transaction: it is there
completely or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.accounts import services as account_services
from linia.accounts.models import Team, User, UserRole
from linia.channels.email import services as email_services
from linia.channels.email.models import Mailbox, Security
from linia.core.access import SYSTEM_ACTOR, Actor
from linia.core.errors import Conflict
from linia.directory import services as directory_services
from linia.directory.access import actor_for_user
from linia.directory.models import Contact, Organization
from linia.sla.models import Calendar, SlaPolicy
from linia.tickets import services as ticket_services
from linia.tickets.models import Category, Ticket

from .cards import build_cards
from .content import (
    CATEGORIES,
    DEMO_MAILBOX,
    DEMO_PASSWORD,
    ORGANIZATIONS,
    PEOPLE,
    TEAMS,
    TICKETS,
    Assign,
    AutoClose,
    Escalate,
    Note,
    PersonSpec,
    Reply,
    Status,
    Step,
    TicketSpec,
)
from .kb import build_knowledge_base
from .sla import NAMES as SLA_NAMES
from .sla import build_sla, play_sla_tickets


class DemoNotLoadable(Conflict):
    code = "demo_not_loadable"


@dataclass(frozen=True)
class DemoSummary:
    users: int
    organizations: int
    teams: int
    categories: int
    tickets: int


def is_loaded() -> bool:
    """Whether the demo data is in the database (its first organization exists)."""
    return Organization.objects.filter(name=ORGANIZATIONS[0].name).exists()


def conflicts() -> list[str]:
    """Why the demo cannot go into this database (empty when it can): the demo is for a
    fresh installation and never mixes with real data."""
    reasons = []
    tickets = Ticket.objects.count()
    if tickets:
        reasons.append(_("the database already holds %(count)d tickets") % {"count": tickets})
    taken = sorted(
        User.objects.filter(username__in=[person.username for person in PEOPLE]).values_list(
            "username", flat=True
        )
    )
    if taken:
        reasons.append(_("these log-ins already exist: %(names)s") % {"names": ", ".join(taken)})
    names = [spec.name for spec in ORGANIZATIONS] + [spec.name for spec in TEAMS]
    if (
        Organization.objects.filter(name__in=names).exists()
        or Team.objects.filter(name__in=names).exists()
    ):
        reasons.append(_("some demo organizations or teams already exist"))
    if Mailbox.objects.filter(name=DEMO_MAILBOX).exists():
        reasons.append(_("the demo mailbox already exists"))
    if Category.objects.filter(parent=None, name__in=[spec.name for spec in CATEGORIES]).exists():
        reasons.append(_("some demo categories already exist"))
    if (
        Calendar.objects.filter(name__in=SLA_NAMES).exists()
        or SlaPolicy.objects.filter(name__in=SLA_NAMES).exists()
    ):
        reasons.append(_("some demo SLA calendars or policies already exist"))
    return reasons


@transaction.atomic
def load_demo() -> DemoSummary:
    """Create the demo installation. Raises DemoNotLoadable when the database is not fresh."""
    reasons = conflicts()
    if reasons:
        raise DemoNotLoadable(
            _("The demo data is for a fresh installation: %(reasons)s.")
            % {"reasons": "; ".join(reasons)}
        )
    teams = {
        spec.key: account_services.create_team(name=spec.name, tier=spec.tier) for spec in TEAMS
    }
    organizations = {
        spec.key: directory_services.create_organization(
            actor=SYSTEM_ACTOR,
            name=spec.name,
            legal_name=spec.legal_name,
            notes=spec.notes,
            team_ids=[team.pk for team in teams.values()],
        )
        for spec in ORGANIZATIONS
    }
    users: dict[str, User] = {}
    contacts: dict[str, Contact] = {}
    for person in PEOPLE:
        users[person.username] = _create_person(person)
        if person.team:
            account_services.add_team_member(
                team_id=teams[person.team].pk, user_id=users[person.username].pk
            )
        if person.organization:
            contacts[person.username] = directory_services.create_contact(
                organization_id=organizations[person.organization].pk,
                full_name=person.full_name,
                email=person.email,
                phone=person.phone,
                position=person.position,
                language=person.language,
                user_id=users[person.username].pk,
            )
    categories: dict[str, Category] = {}
    for position, category in enumerate(CATEGORIES):
        categories[category.key] = ticket_services.create_category(
            name=category.name,
            parent_id=categories[category.parent].pk if category.parent else None,
            default_team_id=teams[category.team].pk if category.team else None,
            default_tier=category.tier,
            position=position,
        )
    build_sla(organizations=organizations)
    admin = next(user for user in users.values() if user.role == UserRole.ADMIN)
    # No mail server needed: mail reaches it by `linia ingest-email --mailbox …` (docs/email.md).
    email_services.create_mailbox(
        actor=actor_for_user(admin),
        name=DEMO_MAILBOX,
        host="imap.demo.invalid",
        port=143,
        security=Security.STARTTLS,
        username="support",
        default_team_id=teams["l1"].pk,
        is_active=False,
    )
    build_cards(
        organizations=organizations, contacts=contacts, admin=admin, today=timezone.localdate()
    )
    actors = {username: actor_for_user(user) for username, user in users.items()}
    now = timezone.now()
    for ticket in TICKETS:
        _play_ticket(
            ticket, actors=actors, users=users, contacts=contacts, categories=categories, now=now
        )
    sla_tickets = play_sla_tickets(
        actors=actors, contacts=contacts, categories=categories, now=timezone.now()
    )
    build_knowledge_base(users=users, organizations=organizations, now=timezone.now())
    return DemoSummary(
        users=len(users),
        organizations=len(organizations),
        teams=len(teams),
        categories=len(categories),
        tickets=len(TICKETS) + sla_tickets,
    )


def _create_person(person: PersonSpec) -> User:
    return account_services.create_user(
        username=person.username,
        email=person.email,
        password=DEMO_PASSWORD,
        role=person.role,
        first_name=person.first_name,
        last_name=person.last_name,
        language=person.language,
        time_zone=person.time_zone,
    )


def _play_ticket(
    spec: TicketSpec,
    *,
    actors: dict[str, Actor],
    users: dict[str, User],
    contacts: dict[str, Contact],
    categories: dict[str, Category],
    now: datetime,
) -> None:
    requester = contacts[spec.requester]
    if spec.filed_by:
        filer = actors[spec.filed_by]
        ticket = ticket_services.create_ticket(
            actor=filer,
            subject=spec.subject,
            description=spec.description,
            type=spec.type,
            category_id=categories[spec.category].pk,
            impact=spec.impact,
            urgency=spec.urgency,
            organization_id=requester.organization_id,
            requester=requester.pk,
            channel=spec.channel,
            received_at=now - timedelta(hours=spec.hours_ago),
        )
    else:
        ticket = ticket_services.create_ticket(
            actor=actors[spec.requester],
            subject=spec.subject,
            description=spec.description,
            type=spec.type,
            category_id=categories[spec.category].pk,
            impact=spec.impact,
            urgency=spec.urgency,
            channel=spec.channel,
            received_at=now - timedelta(hours=spec.hours_ago),
        )
    for step in spec.steps:
        _play_step(step, number=ticket.number, actors=actors, users=users)


def _play_step(
    step: Step, *, number: int, actors: dict[str, Actor], users: dict[str, User]
) -> None:
    if isinstance(step, Assign):
        ticket_services.assign_ticket(
            actor=actors[step.by], number=number, assignee_id=users[step.to].pk
        )
    elif isinstance(step, Reply | Note):
        actor = actors[step.by]
        ticket_services.add_message(
            actor=actor,
            number=number,
            body=step.body,
            is_internal=isinstance(step, Note),
            channel="desk" if actor.is_staff else "portal",
        )
    elif isinstance(step, Status):
        ticket_services.change_status(
            actor=actors[step.by],
            number=number,
            to=step.to,
            note=step.note,
            resolution=step.resolution,
            training_recommended=step.training_recommended,
        )
    elif isinstance(step, Escalate):
        ticket_services.escalate_ticket(
            actor=actors[step.by], number=number, tier=step.tier, reason=step.reason
        )
    elif isinstance(step, AutoClose):
        # As the periodic task does once the waiting time is over; this ticket is the only
        # resolved one at this point (see content.TICKETS), so nothing else is closed.
        closed = ticket_services.close_unconfirmed_tickets(
            now=timezone.now() + timedelta(seconds=1), days=0
        )
        if closed != 1:
            raise DemoNotLoadable(
                _("Auto-closing the demo ticket closed %(count)d tickets.") % {"count": closed}
            )


# --- the log-in table -------------------------------------------------------------------


def login_rows() -> list[tuple[str, str, str, str, str, str]]:
    """(login, password, role, name, organization, language) for every demo person."""
    organization_names = {spec.key: spec.name for spec in ORGANIZATIONS}
    team_names = {spec.key: spec.name for spec in TEAMS}
    rows = []
    for person in PEOPLE:
        role = str(UserRole(person.role).label)
        if person.team:
            role = f"{role} ({team_names[person.team]})"
        rows.append(
            (
                person.username,
                DEMO_PASSWORD,
                role,
                person.full_name,
                organization_names.get(person.organization, "—"),
                person.language,
            )
        )
    return rows


def login_table() -> str:
    """The demo log-ins as a plain-text table."""
    header = (_("Login"), _("Password"), _("Role"), _("Name"), _("Organization"), _("Language"))
    rows = [header, *login_rows()]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    separator = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), separator, *(line(row) for row in rows[1:])])
