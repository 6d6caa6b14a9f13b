"""Reads for escalation: the active rules, and for each rule the tickets to look at now.

The scheduler never loads the open tickets to check them one by one, and a quiet tick costs the
same whatever the backlog: for each rule it reads, by indexed queries,

- the tickets whose condition instant (a due or warning instant stored on the ticket, the
  moment it entered its tier) passed since the rule's watermark (`checked_until`, less a
  margin for late commits and clock skew): a range scan on that instant's index;
- the tickets changed since the watermark (a ticket event was recorded: reopened, resumed,
  re-prioritised…) whose condition holds now, even with an older instant;
- for time-at-tier rules, the scheduled firings whose working minutes are over.

Every query keeps only active, running (not paused) tickets and drops, in SQL, those the rule
already fired or scheduled for (NOT EXISTS on the firings' unique key).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from linia.tickets import events
from linia.tickets.models import Ticket, TicketEvent
from linia.tickets.workflow import ACTIVE_STATUSES, TicketStatus

from .models import Condition, EscalationFiring, EscalationRule

# The stored ticket instant each condition is about (and keyed by: EscalationFiring.condition_at).
CONDITION_FIELDS: dict[str, str] = {
    Condition.TIME_AT_TIER: "tier_entered_at",
    Condition.FIRST_RESPONSE_WARNING: "first_response_warning_at",
    Condition.FIRST_RESPONSE_BREACH: "first_response_due",
    Condition.RESOLUTION_WARNING: "resolution_warning_at",
    Condition.RESOLUTION_BREACH: "resolution_due",
    Condition.NO_UPDATE: "next_update_due",
    Condition.PRIORITY_CREATED: "created_at",
}
# How far a new (or just edited) rule looks back: it acts on what arose in the last day, not
# on the whole backlog.
FIRST_LOOKBACK = timedelta(days=1)
# Re-read this much before the watermark: transactions that committed late, clocks that differ
# between machines. Tickets fired meanwhile are dropped by the NOT EXISTS.
WATERMARK_MARGIN = timedelta(minutes=10)

INACTIVE_STATUSES = sorted(set(TicketStatus.values) - ACTIVE_STATUSES)
ZERO = timedelta(0)
PASSED = "passed"
CHANGED = "changed"


def list_rules() -> QuerySet[EscalationRule]:
    """Every rule, in the order the scheduler runs them."""
    return EscalationRule.objects.order_by("position", "id")


def list_active_rules() -> QuerySet[EscalationRule]:
    return (
        EscalationRule.objects.filter(is_active=True)
        .select_related("escalate_to_team", "assign_to")
        .order_by("position", "id")
    )


def condition_field(rule: EscalationRule) -> str:
    return CONDITION_FIELDS[rule.condition]


def watch_since(rule: EscalationRule, now: datetime) -> datetime:
    """Conditions that arose after this instant are looked for in this tick."""
    if rule.checked_until is None:
        return now - FIRST_LOOKBACK
    return min(rule.checked_until, now) - WATERMARK_MARGIN


def sources(rule: EscalationRule) -> tuple[str, ...]:
    # A priority rule is about registration or a priority change, both recorded as events.
    return (CHANGED,) if rule.condition == Condition.PRIORITY_CREATED else (PASSED, CHANGED)


def _eligible(rule: EscalationRule, *, by_id: bool = False) -> QuerySet[Ticket]:
    """Active, running tickets within the rule's filters. With `by_id`, the caller names the
    tickets: the tier filter is then written so that no planner prefers the tier index."""
    # "Not one of the final statuses" rather than "one of the active ones": the same rows, but
    # SQLite's planner then reads the due-instant index instead of the whole status index.
    tickets = Ticket.objects.exclude(status__in=INACTIVE_STATUSES).filter(
        sla_paused_at__isnull=True
    )
    if rule.tier and by_id:
        tickets = tickets.alias(tier_plus_zero=F("tier") + 0).filter(tier_plus_zero=rule.tier)
    elif rule.tier:
        tickets = tickets.filter(tier=rule.tier)
    if rule.priority:
        tickets = tickets.filter(priority=rule.priority)
    if rule.organization_id:
        tickets = tickets.filter(organization_id=rule.organization_id)
    if rule.category_id:
        tickets = tickets.filter(category_id=rule.category_id)
    return tickets


def _holds(rule: EscalationRule, now: datetime) -> Q:
    """The condition at `now`, as far as SQL can tell (time at a tier: the ticket is at the
    tier; its working minutes are counted by the caller)."""
    condition = rule.condition
    if condition == Condition.TIME_AT_TIER:
        return Q(tier_entered_at__lte=now)
    if condition == Condition.FIRST_RESPONSE_WARNING:
        # Once the response is overdue only the breach is news.
        return (
            Q(first_response_warning_at__lte=now, first_response_at__isnull=True)
            & (Q(first_response_due__isnull=True) | Q(first_response_due__gt=now))
        )  # fmt: skip
    if condition == Condition.FIRST_RESPONSE_BREACH:
        return Q(first_response_due__lte=now, first_response_at__isnull=True)
    if condition == Condition.RESOLUTION_WARNING:
        return Q(resolution_warning_at__lte=now) & (
            Q(resolution_due__isnull=True) | Q(resolution_due__gt=now)
        )
    if condition == Condition.RESOLUTION_BREACH:
        return Q(resolution_due__lte=now)
    if condition == Condition.NO_UPDATE:
        return Q(next_update_due__lte=now - timedelta(minutes=rule.minutes))
    if condition == Condition.PRIORITY_CREATED:
        return Q(created_at__lte=now)
    raise ValueError(f"unknown condition {condition}")


def changed_ticket_ids(rule: EscalationRule, since: datetime) -> list[int]:
    """The tickets with an event recorded after `since` (for a priority rule: registered, or
    their priority changed), by id. Bounded by the desk's activity since the last tick."""
    recent = TicketEvent.objects.filter(created_at__gt=since)
    if rule.condition == Condition.PRIORITY_CREATED:
        recent = recent.filter(
            Q(kind=events.TICKET_CREATED) | Q(kind=events.FIELD_CHANGED, field="priority")
        )
    return sorted(set(recent.values_list("ticket_id", flat=True)))


def candidate_tickets(
    rule: EscalationRule,
    now: datetime,
    *,
    since: datetime,
    source: str,
    ticket_ids: Sequence[int] = (),
) -> QuerySet[Ticket]:
    """Tickets the rule's condition holds for at `now` that it has neither fired nor scheduled
    for at their current condition instant (annotated as `condition_at`): those whose instant
    passed after `since` (`PASSED`), or those of `ticket_ids`, changed after `since`
    (`CHANGED`)."""
    field = condition_field(rule)
    tickets = _eligible(rule, by_id=source == CHANGED).filter(_holds(rule, now))
    if source == PASSED:
        # The instant passed after `since` (no update: plus the rule's grace minutes).
        lag = timedelta(minutes=rule.minutes) if rule.condition == Condition.NO_UPDATE else ZERO
        tickets = tickets.filter(**{f"{field}__gt": since - lag})
    else:
        tickets = tickets.filter(pk__in=list(ticket_ids))
    recorded = EscalationFiring.objects.filter(
        rule_id=rule.pk, ticket_id=OuterRef("pk"), condition_at=OuterRef(field)
    )
    return tickets.filter(~Exists(recorded)).annotate(condition_at=F(field))


def candidate_batch(
    rule: EscalationRule,
    now: datetime,
    *,
    since: datetime,
    source: str,
    after: tuple[datetime, int] | None,
    size: int,
    ticket_ids: Sequence[int] = (),
) -> list[Ticket]:
    """The next `size` candidates in (condition instant, id) order, after the key `after`."""
    field = condition_field(rule)
    tickets = candidate_tickets(rule, now, since=since, source=source, ticket_ids=ticket_ids)
    if after is not None:
        instant, pk = after
        tickets = tickets.filter(
            Q(**{f"{field}__gt": instant}) | Q(**{field: instant, "pk__gt": pk})
        )
    return list(tickets.defer("description", "resolution").order_by(field, "pk")[:size])


def due_scheduled_batch(
    rule: EscalationRule, now: datetime, *, after: int | None, size: int
) -> list[EscalationFiring]:
    """Scheduled firings of the rule whose time has come, by id, after the id `after`."""
    scheduled = EscalationFiring.objects.filter(
        rule_id=rule.pk, fired_at__isnull=True, due_at__lte=now
    )
    if after is not None:
        scheduled = scheduled.filter(pk__gt=after)
    return list(scheduled.select_related("ticket").only(
        "id", "ticket_id", "condition_at", "due_at", "ticket__number"
    ).order_by("pk")[:size])  # fmt: skip


def lock_holding(
    rule: EscalationRule, keys: Sequence[tuple[int, datetime]], now: datetime
) -> dict[int, Ticket]:
    """Of the (ticket id, condition instant) `keys`, the tickets the rule's condition still
    holds for at `now` at that same instant, locked for update, by id. One query for a batch
    of firings; the rows are locked in id order, so two schedulers never deadlock. Must run
    inside a transaction."""
    field = condition_field(rule)
    wanted = dict(keys)
    locked = (
        _eligible(rule, by_id=True)
        .filter(_holds(rule, now), pk__in=list(wanted))
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return {ticket.pk: ticket for ticket in locked if getattr(ticket, field) == wanted[ticket.pk]}


def firings_for(
    rule: EscalationRule, ticket_ids: Sequence[int]
) -> dict[tuple[int, datetime], int | None]:
    """The rule's firing rows (fired or scheduled) for these tickets: (ticket id, condition
    instant) → the id of a scheduled row not fired yet, or None for a fired one. Read after
    the tickets were locked, it sees every firing another scheduler committed for them, and
    none can be added until this transaction ends (each is written under its ticket's lock)."""
    rows = EscalationFiring.objects.filter(rule_id=rule.pk, ticket_id__in=list(ticket_ids))
    return {
        (ticket_id, condition_at): None if fired_at is not None else firing_id
        for firing_id, ticket_id, condition_at, fired_at in rows.values_list(
            "id", "ticket_id", "condition_at", "fired_at"
        )
    }
