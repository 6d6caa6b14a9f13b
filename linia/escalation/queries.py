"""Reads for escalation: the active rules, and for each rule the tickets its condition holds for.

Candidates come from indexed range queries on the instants stored on the ticket (due and
warning instants, the moment it entered its tier), restricted to active, running tickets, with
the tickets the rule already fired for removed in SQL (NOT EXISTS on the firings' unique key).
Open tickets are never loaded into Python to be checked one by one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from linia.tickets.models import Ticket
from linia.tickets.workflow import ACTIVE_STATUSES

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
# How far back "a ticket of priority P was created" looks: the window stays small and
# indexed, and a rule added today does not act on last year's tickets.
PRIORITY_CREATED_LOOKBACK = timedelta(days=1)


def list_active_rules() -> QuerySet[EscalationRule]:
    return (
        EscalationRule.objects.filter(is_active=True)
        .select_related("escalate_to_team", "assign_to")
        .order_by("position", "id")
    )


def condition_field(rule: EscalationRule) -> str:
    return CONDITION_FIELDS[rule.condition]


def candidate_tickets(rule: EscalationRule, now: datetime) -> QuerySet[Ticket]:
    """Active, running tickets the rule's condition holds for at `now` and that the rule has not
    fired for at their current condition instant (annotated as `condition_at`).

    Time at a tier is prefiltered by wall-clock minutes (working minutes never exceed them);
    the caller checks working minutes on the candidates.
    """
    tickets = Ticket.objects.filter(status__in=sorted(ACTIVE_STATUSES), sla_paused_at__isnull=True)
    field = condition_field(rule)
    condition = rule.condition
    if condition == Condition.TIME_AT_TIER:
        tickets = tickets.filter(
            tier=rule.tier or 0, tier_entered_at__lte=now - timedelta(minutes=rule.minutes)
        )
    elif condition == Condition.FIRST_RESPONSE_WARNING:
        # Once the response is overdue only the breach is news.
        tickets = tickets.filter(
            first_response_warning_at__lte=now, first_response_at__isnull=True
        ).filter(Q(first_response_due__isnull=True) | Q(first_response_due__gt=now))
    elif condition == Condition.FIRST_RESPONSE_BREACH:
        tickets = tickets.filter(first_response_due__lte=now, first_response_at__isnull=True)
    elif condition == Condition.RESOLUTION_WARNING:
        tickets = tickets.filter(resolution_warning_at__lte=now).filter(
            Q(resolution_due__isnull=True) | Q(resolution_due__gt=now)
        )
    elif condition == Condition.RESOLUTION_BREACH:
        tickets = tickets.filter(resolution_due__lte=now)
    elif condition == Condition.NO_UPDATE:
        tickets = tickets.filter(next_update_due__lte=now - timedelta(minutes=rule.minutes))
    elif condition == Condition.PRIORITY_CREATED:
        tickets = tickets.filter(
            priority=rule.priority,
            number__gt=_last_number_before(now - PRIORITY_CREATED_LOOKBACK),
            created_at__lte=now,
        )
    else:  # pragma: no cover - the check constraint allows nothing else
        return tickets.none()
    if rule.tier and condition != Condition.TIME_AT_TIER:
        tickets = tickets.filter(tier=rule.tier)
    if rule.priority and condition != Condition.PRIORITY_CREATED:
        tickets = tickets.filter(priority=rule.priority)
    if rule.organization_id:
        tickets = tickets.filter(organization_id=rule.organization_id)
    if rule.category_id:
        tickets = tickets.filter(category_id=rule.category_id)
    fired = EscalationFiring.objects.filter(
        rule_id=rule.pk, ticket_id=OuterRef("pk"), condition_at=OuterRef(field)
    )
    return tickets.filter(~Exists(fired)).annotate(condition_at=F(field))


def _last_number_before(instant: datetime) -> Subquery | Coalesce:
    """The number of the newest ticket registered before `instant` (0 if none). Numbers grow
    with registration, so `number > this` is "registered since `instant`", read from the
    number index backwards over one window's tickets instead of scanning every ticket."""
    newest = Ticket.objects.filter(created_at__lt=instant).order_by("-number").values("number")[:1]
    return Coalesce(Subquery(newest), Value(0))


def candidate_batch(
    rule: EscalationRule, now: datetime, *, after: tuple[datetime, int] | None, size: int
) -> list[Ticket]:
    """The next `size` candidates in (condition instant, id) order, after the key `after`."""
    field = condition_field(rule)
    tickets = candidate_tickets(rule, now)
    if after is not None:
        instant, pk = after
        tickets = tickets.filter(
            Q(**{f"{field}__gt": instant}) | Q(**{field: instant, "pk__gt": pk})
        )
    return list(tickets.defer("description", "resolution").order_by(field, "pk")[:size])


def get_locked_candidate(rule: EscalationRule, ticket_id: int, now: datetime) -> Ticket | None:
    """The ticket, locked for update, if the rule's condition still holds for it at `now`
    (and has not fired). Must run inside a transaction."""
    return candidate_tickets(rule, now).select_for_update().filter(pk=ticket_id).first()


def list_firings_for_ticket(ticket_id: int) -> QuerySet[EscalationFiring]:
    return EscalationFiring.objects.filter(ticket_id=ticket_id).select_related("rule")
