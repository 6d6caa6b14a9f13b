"""The ticket state machine: the only place that knows which status changes exist and who may
take them. `tickets.services.change_status` is its only writer; pages and the API ask
`allowed_transitions` which buttons to show. No database access here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linia.core.access import Actor, Role
from linia.core.errors import Conflict

StrOrPromise = str | Promise


class TicketStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    PENDING = "pending", _("Pending")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


S = TicketStatus
ACTIVE_STATUSES = frozenset({S.NEW, S.OPEN, S.IN_PROGRESS, S.PENDING})
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})

STAFF = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})
MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
CLIENTS = frozenset({Role.REQUESTER, Role.CLIENT_MANAGER})
SYSTEM = frozenset({Role.SYSTEM})


@dataclass(frozen=True)
class Rule:
    action: str
    label: StrOrPromise
    roles: frozenset[Role]
    requires_resolution: bool = False
    requires_reason: bool = False
    pauses_sla: bool = False


def _rule(action: str, label: StrOrPromise, roles: frozenset[Role], **options: bool) -> Rule:
    return Rule(action=action, label=label, roles=roles, **options)


# (from, to) → rule. Everything not listed is forbidden.
# fmt: off
TRANSITIONS: dict[tuple[TicketStatus, TicketStatus], Rule] = {
    (S.NEW, S.OPEN): _rule("accept", _("Accept"), STAFF | SYSTEM),
    (S.NEW, S.IN_PROGRESS): _rule("start", _("Start work"), STAFF | SYSTEM),
    (S.OPEN, S.IN_PROGRESS): _rule("start", _("Start work"), STAFF | SYSTEM),
    (S.NEW, S.PENDING): _rule("pend", _("Set pending"), STAFF, requires_reason=True, pauses_sla=True),
    (S.OPEN, S.PENDING): _rule("pend", _("Set pending"), STAFF, requires_reason=True, pauses_sla=True),
    (S.IN_PROGRESS, S.PENDING): _rule("pend", _("Set pending"), STAFF, requires_reason=True, pauses_sla=True),
    (S.PENDING, S.IN_PROGRESS): _rule("resume", _("Resume"), STAFF | CLIENTS | SYSTEM),
    (S.NEW, S.RESOLVED): _rule("resolve", _("Resolve"), STAFF, requires_resolution=True),
    (S.OPEN, S.RESOLVED): _rule("resolve", _("Resolve"), STAFF, requires_resolution=True),
    (S.IN_PROGRESS, S.RESOLVED): _rule("resolve", _("Resolve"), STAFF, requires_resolution=True),
    (S.PENDING, S.RESOLVED): _rule("resolve", _("Resolve"), STAFF, requires_resolution=True),
    (S.RESOLVED, S.CLOSED): _rule("confirm", _("Confirm the fix"), CLIENTS | STAFF | SYSTEM),
    (S.RESOLVED, S.IN_PROGRESS): _rule("reopen", _("Reopen"), CLIENTS | STAFF | SYSTEM, requires_reason=True),
    (S.CLOSED, S.IN_PROGRESS): _rule("reopen", _("Reopen"), MANAGERS, requires_reason=True),
    (S.NEW, S.CANCELLED): _rule("cancel", _("Cancel"), STAFF | CLIENTS, requires_reason=True),
    (S.OPEN, S.CANCELLED): _rule("cancel", _("Cancel"), STAFF | CLIENTS, requires_reason=True),
    (S.IN_PROGRESS, S.CANCELLED): _rule("cancel", _("Cancel"), STAFF, requires_reason=True),
    (S.PENDING, S.CANCELLED): _rule("cancel", _("Cancel"), STAFF | CLIENTS, requires_reason=True),
    (S.CANCELLED, S.OPEN): _rule("restore", _("Restore"), MANAGERS, requires_reason=True),
}
# fmt: on


@dataclass(frozen=True)
class Transition:
    to: TicketStatus
    rule: Rule


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"


def find_rule(current: str, to: str, role: Role) -> Rule | None:
    rule = TRANSITIONS.get((TicketStatus(current), TicketStatus(to)))
    if rule is None or role not in rule.roles:
        return None
    return rule


def require_transition(current: str, to: str, actor: Actor) -> Rule:
    """The rule for current → to, or TransitionNotAllowed with a readable message."""
    if to not in TicketStatus.values:
        raise TransitionNotAllowed(_("Unknown status “%(to)s”.") % {"to": to}, from_=current, to=to)
    rule = find_rule(current, to, actor.role)
    if rule is not None:
        return rule
    names = {"from": TicketStatus(current).label, "to": TicketStatus(to).label}
    if (TicketStatus(current), TicketStatus(to)) in TRANSITIONS:
        message = _("You may not move a ticket from “%(from)s” to “%(to)s”.") % names
    else:
        message = _("A ticket cannot go from “%(from)s” to “%(to)s”.") % names
    raise TransitionNotAllowed(message, from_=current, to=to)


def allowed_transitions(current: str, actor: Actor) -> list[Transition]:
    """The status changes `actor` may take from `current`, in table order."""
    return [
        Transition(to=to, rule=rule)
        for (source, to), rule in TRANSITIONS.items()
        if source == current and actor.role in rule.roles
    ]
