"""Writes for escalation: the scheduler's tick that fires rules, and rule configuration.

A tick (`fire_escalations`) walks the active rules in order. For each rule it reads the
candidate tickets in bounded batches (linia.escalation.queries: conditions that arose since
the rule's watermark, and tickets changed since then) and fires the rule for each one in a
transaction of its own (`fire_rule`):

1. lock the ticket row and check that the condition still holds;
2. insert the `EscalationFiring` row (or claim the scheduled one): its unique key (rule,
   ticket, condition instant) makes a second scheduler that races us fail here and skip, so
   nothing fires twice;
3. take the actions through the ticket services as the system actor (each action is a
   savepoint: one that is refused, e.g. no team serves the organization, is recorded as failed
   and the others still happen);
4. record the firing on the ticket's timeline, with the rule's name and who is to be e-mailed;
   the e-mails go out after commit (linia.escalation.handlers).

A time-at-tier rule counts working minutes, which SQL cannot: when it first sees a ticket at
its tier it computes, with the ticket's business calendar, when the minutes are over and
schedules the firing for then (a firing row without `fired_at`).

An unexpected error rolls back that one firing (it is retried on the next tick), is logged,
and does not stop the tick. The rule's watermark moves on only when all its candidates were
looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.accounts.models import User
from linia.core.access import SYSTEM_ACTOR, Actor, Role
from linia.core.errors import DomainError, Forbidden, Invalid, NotFound
from linia.tickets import services as ticket_services
from linia.tickets.models import Channel, Ticket

from . import queries, timing
from .models import PRIORITIES, Condition, EscalationFiring, EscalationRule, PriorityChange

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Bounds of one tick, per rule: the rest waits for the next tick (a minute later).
MAX_EXAMINED_PER_RULE = 5_000
MAX_FIRINGS_PER_RULE = 500

DONE, SKIPPED, FAILED = "done", "skipped", "failed"


@dataclass(frozen=True)
class FiringResult:
    """What one firing did (or, with `error`, why it was rolled back)."""

    rule_id: int
    rule_name: str
    ticket_number: int
    condition_at: datetime
    actions: list[dict[str, str]] = field(default_factory=list)
    error: str = ""

    @property
    def failed_actions(self) -> list[dict[str, str]]:
        return [action for action in self.actions if action.get("outcome") == FAILED]


# --- the tick -----------------------------------------------------------------------------


@dataclass
class Tick:
    """One tick's instant and what its rules read once and share: the recently changed
    tickets (per watermark), and the users of a role that rules notify."""

    now: datetime
    changed: dict[tuple[datetime, bool], list[int]] = field(default_factory=dict)
    role_users: dict[str, list[User]] = field(default_factory=dict)

    def users_with_role(self, role: str) -> list[User]:
        if role not in self.role_users:
            self.role_users[role] = list(
                User.objects.filter(role=role, is_active=True).exclude(email="").order_by("pk")
            )
        return self.role_users[role]


def fire_escalations(*, now: datetime | None = None) -> list[FiringResult]:
    """Fire every active rule for every ticket its condition holds for at `now`, once per
    condition. Each firing commits on its own; a failure is logged and does not stop the
    others. Returns what fired (and the firings that failed and will be retried)."""
    tick = Tick(now=now or timezone.now())
    results: list[FiringResult] = []
    checked: list[int] = []
    for rule in list(queries.list_active_rules()):
        rule_results, complete = _run_rule(rule, tick)
        results.extend(rule_results)
        if complete:
            checked.append(rule.pk)
    if checked:
        EscalationRule.objects.filter(pk__in=checked).update(checked_until=tick.now)
    return results


def _run_rule(rule: EscalationRule, tick: Tick) -> tuple[list[FiringResult], bool]:
    """Fire one rule; also says whether every candidate was looked at (the watermark may
    move on)."""
    results: list[FiringResult] = []
    since = queries.watch_since(rule, tick.now)
    complete = True
    seen: set[int] = set()  # a ticket found by both queries is tried once
    for source in queries.sources(rule):
        if source == queries.PASSED:
            complete &= _walk_candidates(rule, tick, since, source, results, seen)
            continue
        key = (since, rule.condition == Condition.PRIORITY_CREATED)
        if key not in tick.changed:
            tick.changed[key] = queries.changed_ticket_ids(rule, since)
        ids = tick.changed[key]
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            complete &= _walk_candidates(rule, tick, since, source, results, seen, chunk)
    if rule.condition == Condition.TIME_AT_TIER:
        complete &= _walk_scheduled(rule, tick, results)
    if any(result.error for result in results):
        complete = False  # keep the failed tickets in the next tick's window
    return results, complete


def _walk_candidates(
    rule: EscalationRule, tick: Tick, since: datetime, source: str,
    results: list[FiringResult], seen: set[int], ticket_ids: list[int] | None = None,
) -> bool:  # fmt: skip
    now = tick.now
    after: tuple[datetime, int] | None = None
    examined = 0
    while True:
        batch = queries.candidate_batch(
            rule, now, since=since, source=source, after=after, size=BATCH_SIZE,
            ticket_ids=ticket_ids or (),
        )  # fmt: skip
        for ticket in batch:
            if len(results) >= MAX_FIRINGS_PER_RULE:
                return False
            if ticket.pk in seen:
                continue
            seen.add(ticket.pk)
            condition_at: datetime = ticket.condition_at  # type: ignore[attr-defined]
            due_at = condition_at
            if rule.condition == Condition.TIME_AT_TIER:
                deadline = timing.tier_deadline(ticket, condition_at, rule.minutes)
                if deadline is None:
                    continue
                due_at = deadline
                if due_at > now:
                    _schedule(rule, ticket, condition_at, due_at)
                    continue
            result = _fire_safely(rule, ticket.pk, ticket.number, condition_at, due_at, tick)
            if result is not None:
                results.append(result)
        examined += len(batch)
        if len(batch) < BATCH_SIZE:
            return True
        if examined >= MAX_EXAMINED_PER_RULE:
            return False
        last = batch[-1]
        after = (last.condition_at, last.pk)  # type: ignore[attr-defined]


def _walk_scheduled(rule: EscalationRule, tick: Tick, results: list[FiringResult]) -> bool:
    after: int | None = None
    while True:
        batch = queries.due_scheduled_batch(rule, tick.now, after=after, size=BATCH_SIZE)
        for scheduled in batch:
            if len(results) >= MAX_FIRINGS_PER_RULE:
                return False
            result = _fire_safely(
                rule, scheduled.ticket_id, scheduled.ticket.number, scheduled.condition_at,
                scheduled.due_at, tick, scheduled_id=scheduled.pk,
            )  # fmt: skip
            if result is not None:
                results.append(result)
        if len(batch) < BATCH_SIZE:
            return True
        after = batch[-1].pk


def _schedule(
    rule: EscalationRule, ticket: Ticket, condition_at: datetime, due_at: datetime
) -> None:
    """Remember when a time-at-tier rule is due for a ticket (once: a racing scheduler's row
    wins)."""
    EscalationFiring.objects.bulk_create(
        [EscalationFiring(rule=rule, ticket_id=ticket.pk, condition_at=condition_at,
                          due_at=due_at)],
        ignore_conflicts=True,
    )  # fmt: skip


def _fire_safely(
    rule: EscalationRule, ticket_id: int, number: int, condition_at: datetime,
    due_at: datetime, tick: Tick, *, scheduled_id: int | None = None,
) -> FiringResult | None:  # fmt: skip
    try:
        return fire_rule(
            rule=rule, ticket_id=ticket_id, condition_at=condition_at, due_at=due_at, tick=tick,
            scheduled_id=scheduled_id,
        )  # fmt: skip
    except Exception as error:
        logger.exception(
            "Escalation rule %s (%s) failed on ticket #%s; it is retried on the next tick",
            rule.pk,
            rule.name,
            number,
        )
        return FiringResult(
            rule_id=rule.pk,
            rule_name=rule.name,
            ticket_number=number,
            condition_at=condition_at,
            error=str(error) or error.__class__.__name__,
        )


@transaction.atomic
def fire_rule(
    *,
    rule: EscalationRule,
    ticket_id: int,
    condition_at: datetime,
    due_at: datetime,
    tick: Tick,
    scheduled_id: int | None = None,
) -> FiringResult | None:
    """Fire `rule` for one ticket if its condition still holds at the tick's instant for the
    same condition instant and the rule has not fired for it yet; None otherwise (including
    when a concurrent scheduler fired it first). `scheduled_id` names the scheduled firing
    being carried out (removed if its condition no longer holds).

    Locks the ticket row, inserts (or claims) the EscalationFiring row before any action, takes
    the actions as the system actor and records ticket.escalation_rule_fired (internal); the
    e-mails go out after commit. Actions the ticket services refuse are recorded as failed.
    """
    ticket = queries.lock_if_holds(rule, ticket_id, tick.now, condition_at)
    if ticket is None:
        if scheduled_id is not None:  # resolved, paused or moved meanwhile: seen again on change
            EscalationFiring.objects.filter(pk=scheduled_id, fired_at__isnull=True).delete()
        return None
    if scheduled_id is not None:
        claimed = EscalationFiring.objects.filter(pk=scheduled_id, fired_at__isnull=True).update(
            fired_at=timezone.now()
        )
        if not claimed:
            return None  # another scheduler fired it
        firing = EscalationFiring.objects.get(pk=scheduled_id)
    else:
        try:
            with transaction.atomic():
                firing = EscalationFiring.objects.create(
                    rule=rule,
                    ticket_id=ticket.pk,
                    condition_at=condition_at,
                    due_at=due_at,
                    fired_at=timezone.now(),
                )
        except IntegrityError:
            return None  # another scheduler fired (or scheduled) it for this condition
    actions = _take_actions(rule, ticket)
    recipients = _recipients(rule, ticket.pk, tick)
    if rule.notifies:
        actions.append(
            {
                "action": "notify",
                "outcome": DONE if recipients else SKIPPED,
                "message": ", ".join(user.display_name for user in recipients)
                or _("Nobody to notify."),
            }
        )
    firing.actions = actions
    firing.save(update_fields=["actions"])
    ticket_services.record_rule_firing(
        ticket=ticket,
        rule_name=rule.name,
        details={
            "rule_id": rule.pk,
            "firing_id": firing.pk,
            "condition": rule.condition,
            "condition_at": condition_at.isoformat(),
            "actions": actions,
            "notify_user_ids": [user.pk for user in recipients],
        },
    )
    return FiringResult(
        rule_id=rule.pk,
        rule_name=rule.name,
        ticket_number=ticket.number,
        condition_at=condition_at,
        actions=actions,
    )


def _take_actions(rule: EscalationRule, ticket: Ticket) -> list[dict[str, str]]:
    """Functional escalation, assignment, priority and the note, in that order. Never opens a
    transaction of its own: each service call is a savepoint of the firing's transaction."""
    number = ticket.number
    results: list[dict[str, str]] = []
    target = rule.target_tier
    if target:
        if ticket.tier >= target:
            results.append(
                _outcome("escalate", SKIPPED, _("Already at L%(tier)d.") % {"tier": ticket.tier})
            )
        else:
            _attempt(results, "escalate", lambda: _escalate(rule, number, target))
    if rule.assign_to_id is not None:
        assignee_id = rule.assign_to_id
        _attempt(results, "assign", lambda: _assign(number, assignee_id))
    if rule.set_priority:
        new_priority = raised_priority(ticket.priority, rule.set_priority)
        if new_priority is None:
            results.append(
                _outcome(
                    "priority",
                    SKIPPED,
                    _("Already at %(priority)s.") % {"priority": ticket.priority},
                )
            )
        else:
            _attempt(
                results, "priority", lambda: _set_priority(number, ticket.priority, new_priority)
            )
    if rule.note.strip():
        body = rule.note
        _attempt(results, "note", lambda: _add_note(number, body))
    return results


def _outcome(action: str, outcome: str, message: str) -> dict[str, str]:
    return {"action": action, "outcome": outcome, "message": message}


def _attempt(results: list[dict[str, str]], action: str, call: Callable[[], str]) -> None:
    try:
        message = call()
    except DomainError as error:
        logger.warning("Escalation action %s refused: %s (%s)", action, error.message, error.code)
        results.append({**_outcome(action, FAILED, error.message), "code": error.code})
    else:
        results.append(_outcome(action, DONE, message))


def _escalate(rule: EscalationRule, number: int, tier: int) -> str:
    ticket = ticket_services.escalate_ticket(
        actor=SYSTEM_ACTOR,
        number=number,
        tier=tier,
        reason=_("Escalation rule: %(name)s") % {"name": rule.name},
        team_id=rule.escalate_to_team_id,
    )
    team = ticket.team.name if ticket.team else "—"
    return f"L{tier} · {team}"


def _assign(number: int, assignee_id: int) -> str:
    ticket = ticket_services.assign_ticket(
        actor=SYSTEM_ACTOR, number=number, assignee_id=assignee_id
    )
    return ticket.assignee.display_name if ticket.assignee else ""


def _set_priority(number: int, old: str, new: str) -> str:
    ticket_services.classify_ticket(actor=SYSTEM_ACTOR, number=number, priority=new)
    return f"{old} → {new}"


def _add_note(number: int, body: str) -> str:
    ticket_services.add_message(
        actor=SYSTEM_ACTOR, number=number, body=body, is_internal=True, channel=Channel.DESK
    )
    return ""


def raised_priority(current: str, change: str) -> str | None:
    """The priority after `change` ("raise" one step, or up to "P1".."P3"); None when the
    ticket is already there or higher (rules never lower a priority)."""
    if not change or current not in PRIORITIES:
        return None
    index = PRIORITIES.index(current)
    if change == PriorityChange.RAISE:
        return PRIORITIES[index - 1] if index > 0 else None
    if change in PRIORITIES and PRIORITIES.index(change) < index:
        return change
    return None


def _recipients(rule: EscalationRule, ticket_id: int, tick: Tick) -> list[User]:
    """Who the rule e-mails, as the ticket is after the actions (an escalated ticket's new
    team): everyone with the rule's role, and the assignee or else the ticket's team."""
    if not rule.notifies:
        return []
    users: list[User] = []
    if rule.notify_role:
        users.extend(tick.users_with_role(rule.notify_role))
    if rule.notify_assignee:
        ticket = Ticket.objects.select_related("assignee", "team").get(pk=ticket_id)
        if ticket.assignee is not None and ticket.assignee.is_active and ticket.assignee.email:
            users.append(ticket.assignee)
        elif ticket.team is not None:
            users.extend(
                ticket.team.members.filter(is_active=True).exclude(email="").order_by("pk")
            )
    seen: set[int] = set()
    unique: list[User] = []
    for user in users:
        if user.pk not in seen:
            seen.add(user.pk)
            unique.append(user)
    return unique


# --- rule configuration -------------------------------------------------------------------

EDITABLE_FIELDS = frozenset(
    {
        "name",
        "is_active",
        "position",
        "condition",
        "tier",
        "minutes",
        "priority",
        "organization_id",
        "category_id",
        "escalate_to_tier",
        "escalate_to_team_id",
        "assign_to_id",
        "set_priority",
        "notify_role",
        "notify_assignee",
        "note",
    }
)


def _require_admin(actor: Actor) -> None:
    if actor.role not in {Role.ADMIN, Role.SYSTEM}:
        raise Forbidden(_("Only administrators manage escalation rules."))


def _save_valid(rule: EscalationRule) -> EscalationRule:
    try:
        rule.full_clean()
    except ValidationError as error:
        messages = {name: [str(m) for m in errors] for name, errors in error.message_dict.items()}
        first = next(iter(messages.values()))[0]
        raise Invalid(first, code="invalid_rule", errors=messages) from None
    rule.save()
    return rule


def _check_fields(options: dict[str, Any]) -> None:
    unknown = sorted(set(options) - EDITABLE_FIELDS)
    if unknown:
        raise Invalid(
            _("Unknown rule fields: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="invalid_rule",
        )


@transaction.atomic
def create_rule(*, actor: Actor, name: str, condition: str, **options: Any) -> EscalationRule:
    """Add an escalation rule (administrators). `options` are the rule's other fields (ids for
    relations: `escalate_to_team_id`…). Raises Forbidden, Invalid."""
    _require_admin(actor)
    _check_fields(options)
    return _save_valid(EscalationRule(name=name, condition=condition, **options))


@transaction.atomic
def update_rule(*, actor: Actor, rule_id: int, **changes: Any) -> EscalationRule:
    """Change some fields of a rule (administrators). Past firings stay: a rule never fires
    twice for the same condition of a ticket. Raises Forbidden, NotFound, Invalid."""
    _require_admin(actor)
    _check_fields(changes)
    rule = EscalationRule.objects.select_for_update().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Escalation rule not found."))
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.checked_until = None  # a changed rule looks back again
    return _save_valid(rule)


@transaction.atomic
def delete_rule(*, actor: Actor, rule_id: int) -> None:
    """Remove a rule and its firing records (the tickets' timelines keep what it did).
    Raises Forbidden, NotFound."""
    _require_admin(actor)
    deleted, _counts = EscalationRule.objects.filter(pk=rule_id).delete()
    if not deleted:
        raise NotFound(_("Escalation rule not found."))
