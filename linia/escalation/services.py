"""Writes for escalation: the scheduler's tick that fires rules, and rule configuration.

A tick (`fire_escalations`) walks the active rules in order. For each rule it reads the
candidate tickets in bounded batches (linia.escalation.queries: conditions that arose since
the rule's watermark, and tickets changed since then) and fires the rule for them in
transactions of up to FIRING_BATCH firings (`fire_due`):

1. lock the tickets whose condition still holds at the same instant (one query, in id
   order), then read the rule's firings for them: a firing another scheduler committed is
   seen, and none can appear while the locks are held, so nothing fires twice (the firings'
   unique key (rule, ticket, condition instant) stays as the last guard);
2. take each ticket's own actions through the ticket services as the system actor: functional
   escalation, assignment, priority (each a savepoint: one that is refused, e.g. no team
   serves the organization, is recorded as failed and the others still happen);
3. then, for all the batch's tickets at once, the note, the firing rows, and the record on the
   tickets' timelines with the rule's name and who is to be e-mailed; the e-mails go out
   after commit (linia.escalation.handlers).

A time-at-tier rule counts working minutes, which SQL cannot: when it first sees a ticket at
its tier it computes, with the ticket's business calendar, when the minutes are over and
schedules the firing for then (a firing row without `fired_at`).

An unexpected error in one ticket's actions rolls back that ticket's firing (a savepoint); one
in the batch's shared steps rolls back the batch. Either is logged, retried on the next tick,
and does not stop the tick. The rule's watermark moves on only when all its candidates were
looked at.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.accounts.models import User
from linia.core.access import SYSTEM_ACTOR, Actor, Role
from linia.core.errors import DomainError, Forbidden, Invalid, NotFound
from linia.tickets import services as ticket_services
from linia.tickets.models import Ticket

from . import queries, timing
from .models import PRIORITIES, Condition, EscalationFiring, EscalationRule, PriorityChange

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Firings that share a transaction: one lock query, one INSERT each of notes, firings and
# timeline events, one commit. A transaction per firing cost ~10 ms a firing at 100,000 open
# tickets (bench/sla_tick.py). The batch's tickets stay locked until it commits.
FIRING_BATCH = 50
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


@dataclass(frozen=True)
class Due:
    """A firing to attempt: the rule's condition came due for the ticket at `due_at`
    (`scheduled_id`: the scheduled firing row it carries out)."""

    ticket_id: int
    number: int
    condition_at: datetime
    due_at: datetime
    scheduled_id: int | None = None


# --- the tick -----------------------------------------------------------------------------


@dataclass
class Tick:
    """One tick's instant and what its rules read once and share: the recently changed
    tickets (per watermark), and the users that rules notify (by role, by team)."""

    now: datetime
    changed: dict[tuple[datetime, bool], list[int]] = field(default_factory=dict)
    role_users: dict[str, list[User]] = field(default_factory=dict)
    team_users: dict[int, list[User]] = field(default_factory=dict)

    def users_with_role(self, role: str) -> list[User]:
        if role not in self.role_users:
            self.role_users[role] = list(User.objects.mailable().filter(role=role).order_by("pk"))
        return self.role_users[role]

    def members_of(self, team_id: int) -> list[User]:
        if team_id not in self.team_users:
            self.team_users[team_id] = list(
                User.objects.mailable().filter(teams=team_id).order_by("pk")
            )
        return self.team_users[team_id]


def fire_escalations(*, now: datetime | None = None) -> list[FiringResult]:
    """Fire every active rule for every ticket its condition holds for at `now`, once per
    condition. Firings commit in batches; a failure is logged and does not stop the others.
    Returns what fired (and the firings that failed and will be retried)."""
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
        due: list[Due] = []
        room = MAX_FIRINGS_PER_RULE - len(results)
        for ticket in batch:
            if len(due) >= room:
                results.extend(_fire_batches(rule, due, tick))
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
            due.append(Due(ticket.pk, ticket.number, condition_at, due_at))
        results.extend(_fire_batches(rule, due, tick))
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
        room = MAX_FIRINGS_PER_RULE - len(results)
        due = [
            Due(row.ticket_id, row.ticket.number, row.condition_at, row.due_at, row.pk)
            for row in batch[:room]
        ]
        results.extend(_fire_batches(rule, due, tick))
        if len(batch) > room:
            return False
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


def _fire_batches(rule: EscalationRule, due: list[Due], tick: Tick) -> Iterator[FiringResult]:
    for start in range(0, len(due), FIRING_BATCH):
        batch = due[start : start + FIRING_BATCH]
        try:
            yield from fire_due(rule=rule, due=batch, tick=tick)
        except Exception as error:
            logger.exception(
                "Escalation rule %s (%s) failed on tickets %s; they are retried on the next tick",
                rule.pk,
                rule.name,
                ", ".join(f"#{item.number}" for item in batch),
            )
            yield from (_failed(rule, item, error) for item in batch)


def _failed(rule: EscalationRule, item: Due, error: Exception) -> FiringResult:
    return FiringResult(
        rule_id=rule.pk,
        rule_name=rule.name,
        ticket_number=item.number,
        condition_at=item.condition_at,
        error=str(error) or error.__class__.__name__,
    )


@dataclass
class _Firing:
    item: Due
    ticket: Ticket
    actions: list[dict[str, str]]


@transaction.atomic
def fire_due(*, rule: EscalationRule, due: list[Due], tick: Tick) -> list[FiringResult]:
    """Fire `rule` for each of `due` whose condition still holds at the tick's instant for
    the same condition instant and that the rule has not fired for yet (a scheduled firing
    being carried out is removed if its condition no longer holds), in one transaction.

    Locks the tickets, takes each ticket's actions as the system actor, then adds the note to
    all of them, writes the EscalationFiring rows and records ticket.escalation_rule_fired
    (internal); the e-mails go out after commit. Actions the ticket services refuse are
    recorded as failed; an unexpected error in one ticket's actions rolls back (and reports)
    that ticket's firing only. Returns the results in the order of `due`.
    """
    locked = queries.lock_holding(
        rule, [(item.ticket_id, item.condition_at) for item in due], tick.now
    )
    firings = queries.firings_for(rule, list(locked))
    gone = [item.scheduled_id for item in due if item.scheduled_id and item.ticket_id not in locked]
    if gone:  # resolved, paused or moved meanwhile: seen again on change
        EscalationFiring.objects.filter(pk__in=gone, fired_at__isnull=True).delete()
    outcomes: dict[int, FiringResult | _Firing] = {}
    for item in due:
        ticket = locked.get(item.ticket_id)
        if ticket is None or not _still_due(item, firings):
            continue
        try:
            actions = _take_ticket_actions(rule, ticket)
        except Exception as error:
            logger.exception(
                "Escalation rule %s (%s) failed on ticket #%s; it is retried on the next tick",
                rule.pk,
                rule.name,
                item.number,
            )
            outcomes[item.ticket_id] = _failed(rule, item, error)
        else:
            outcomes[item.ticket_id] = _Firing(item, ticket, actions)
    fired = [outcome for outcome in outcomes.values() if isinstance(outcome, _Firing)]
    if fired:
        _finish(rule, fired, tick)
    results: list[FiringResult] = []
    for item in due:
        outcome = outcomes.get(item.ticket_id)
        if isinstance(outcome, _Firing):
            outcome = FiringResult(
                rule_id=rule.pk,
                rule_name=rule.name,
                ticket_number=item.number,
                condition_at=item.condition_at,
                actions=outcome.actions,
            )
        if outcome is not None:
            results.append(outcome)
    return results


def _still_due(item: Due, firings: dict[tuple[int, datetime], int | None]) -> bool:
    """Not fired (or scheduled) by another scheduler meanwhile; for a scheduled firing, its
    row is still there and not fired."""
    key = (item.ticket_id, item.condition_at)
    if item.scheduled_id is None:
        return key not in firings
    return key in firings and firings[key] == item.scheduled_id


def _finish(rule: EscalationRule, fired: list[_Firing], tick: Tick) -> None:
    """What the batch's firings do together: the note, who is told, the firing rows and the
    timeline records."""
    if rule.note.strip():
        body = rule.note
        tickets = [firing.ticket for firing in fired]
        note: list[dict[str, str]] = []
        _attempt(note, "note", lambda: _add_notes(tickets, body))
        for firing in fired:
            firing.actions.append(dict(note[0]))
    if rule.notifies:
        recipients = _recipients(rule, [firing.ticket.pk for firing in fired], tick)
        for firing in fired:
            users = recipients[firing.ticket.pk]
            firing.actions.append(
                {
                    "action": "notify",
                    "outcome": DONE if users else SKIPPED,
                    "message": ", ".join(user.display_name for user in users)
                    or _("Nobody to notify."),
                }
            )
    else:
        recipients = {}
    now = timezone.now()
    rows = [
        EscalationFiring(
            pk=firing.item.scheduled_id, rule=rule, ticket_id=firing.ticket.pk,
            condition_at=firing.item.condition_at, due_at=firing.item.due_at, fired_at=now,
            actions=firing.actions,
        )
        for firing in fired
    ]  # fmt: skip
    # New firings are inserted (the unique key refuses one another scheduler added, which
    # the locks make impossible short of a bug: the batch then rolls back); scheduled ones are
    # claimed.
    EscalationFiring.objects.bulk_create([row for row in rows if row.pk is None])
    EscalationFiring.objects.bulk_update(
        [row for row in rows if row.pk is not None], ["fired_at", "actions"]
    )
    ticket_services.record_rule_firings(
        rule_name=rule.name,
        fired=[
            (
                firing.ticket,
                {
                    "rule_id": rule.pk,
                    "firing_id": row.pk,
                    "condition": rule.condition,
                    "condition_at": firing.item.condition_at.isoformat(),
                    "actions": firing.actions,
                    "notify_user_ids": [user.pk for user in recipients.get(firing.ticket.pk, [])],
                },
            )
            for firing, row in zip(fired, rows, strict=True)
        ],
    )


def _take_ticket_actions(rule: EscalationRule, ticket: Ticket) -> list[dict[str, str]]:
    """Functional escalation, assignment and priority, in that order, as one savepoint (an
    unexpected error undoes all three). Each service call is a savepoint of its own within it.
    """
    if not (rule.target_tier or rule.assign_to_id is not None or rule.set_priority):
        return []
    with transaction.atomic():
        return _ticket_actions(rule, ticket)


def _ticket_actions(rule: EscalationRule, ticket: Ticket) -> list[dict[str, str]]:
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


def _add_notes(tickets: list[Ticket], body: str) -> str:
    ticket_services.add_system_notes(tickets=tickets, body=body)
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


def _recipients(rule: EscalationRule, ticket_ids: list[int], tick: Tick) -> dict[int, list[User]]:
    """Whom the rule e-mails for each ticket, as the tickets are after the actions (an
    escalated ticket's new team): everyone with the rule's role, and the assignee or else the
    ticket's team."""
    role_users = tick.users_with_role(rule.notify_role) if rule.notify_role else []
    chosen: dict[int, list[User]] = {ticket_id: list(role_users) for ticket_id in ticket_ids}
    if rule.notify_assignee:
        rows = list(
            Ticket.objects.filter(pk__in=ticket_ids).values_list("pk", "assignee_id", "team_id")
        )
        assignees = {
            user.pk: user
            for user in User.objects.mailable().filter(
                pk__in={assignee_id for _pk, assignee_id, _team in rows if assignee_id}
            )
        }
        for ticket_id, assignee_id, team_id in rows:
            if assignee_id in assignees:  # active, with an address
                chosen[ticket_id].append(assignees[assignee_id])
            elif team_id is not None:
                chosen[ticket_id].extend(tick.members_of(team_id))
    return {ticket_id: _unique(users) for ticket_id, users in chosen.items()}


def _unique(users: list[User]) -> list[User]:
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
