"""Reads for service levels: which policy and calendar apply, as ready values.

`resolve_sla` answers "which promises apply to a ticket of this organization, category and
type, received on this date?" in a few small queries. Calendars and policy targets are turned
into immutable values once per (row, revision) and kept for the life of the process; every
write gives the row a new revision, so an edit is picked up at once and nothing stale is
served (not even after a rolled-back test reuses an id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from functools import lru_cache
from uuid import UUID

from django.db.models import Q, QuerySet

from .calendar import ALWAYS, DAY_MINUTES, BusinessCalendar, Span
from .models import (
    Calendar,
    CalendarDay,
    DayKind,
    SlaContract,
    SlaPolicy,
    SlaTarget,
    SlaTypeOverride,
    WorkingInterval,
)


@dataclass(frozen=True)
class Targets:
    """One priority's promises, in working minutes."""

    first_response: int
    resolution: int
    next_update: int | None


@dataclass(frozen=True)
class PolicyValue:
    name: str
    warning_percent: int
    pause_statuses: frozenset[str]
    targets: Mapping[str, Targets]


@dataclass(frozen=True)
class ResolvedSla:
    """What applies to one ticket: the policy's promises, measured on the calendar."""

    policy_id: int
    policy_name: str
    warning_percent: int
    pause_statuses: frozenset[str]
    targets: Mapping[str, Targets]
    calendar_id: int | None  # None: no calendar is configured, the clocks run 24/7 (UTC)
    calendar: BusinessCalendar
    source: str  # "category", "ticket_type", "contract" or "default"

    def target(self, priority: str) -> Targets | None:
        return self.targets.get(priority)


# --- values, cached by revision --------------------------------------------------------------


def _span(start: time, end: time) -> Span:
    end_minutes = end.hour * 60 + end.minute
    return start.hour * 60 + start.minute, end_minutes or DAY_MINUTES


@lru_cache(maxsize=256)
def _calendar_value(
    pk: int, revision: UUID, timezone: str, country: str, is_24x7: bool
) -> BusinessCalendar:
    hours: dict[int, list[Span]] = {}
    for interval in WorkingInterval.objects.filter(calendar_id=pk).order_by("weekday", "start"):
        hours.setdefault(interval.weekday, []).append(_span(interval.start, interval.end))
    days_off: set[date] = set()
    working: dict[date, list[Span]] = {}
    for day in CalendarDay.objects.filter(calendar_id=pk).order_by("date", "start"):
        if day.kind == DayKind.OFF:
            days_off.add(day.date)
            continue
        spans = working.setdefault(day.date, [])
        if day.start is not None and day.end is not None:
            spans.append(_span(day.start, day.end))
    return BusinessCalendar.build(
        timezone=timezone,
        hours=hours,
        holidays_country=country,
        days_off=days_off,
        working_days=working,
        is_24x7=is_24x7,
    )


def calendar_value(calendar: Calendar) -> BusinessCalendar:
    """The calendar row as a value for the arithmetic (cached per revision)."""
    return _calendar_value(
        calendar.pk,
        calendar.revision,
        calendar.timezone,
        calendar.holidays_country,
        calendar.is_24x7,
    )


@lru_cache(maxsize=256)
def _policy_value(
    pk: int, revision: UUID, name: str, warning_percent: int, pause_statuses: tuple[str, ...]
) -> PolicyValue:
    targets = {
        target.priority: Targets(
            first_response=target.first_response_minutes,
            resolution=target.resolution_minutes,
            next_update=target.next_update_minutes,
        )
        for target in SlaTarget.objects.filter(policy_id=pk)
    }
    return PolicyValue(name, warning_percent, frozenset(pause_statuses), targets)


def policy_value(policy: SlaPolicy) -> PolicyValue:
    statuses = policy.pause_statuses if isinstance(policy.pause_statuses, list) else []
    return _policy_value(
        policy.pk,
        policy.revision,
        policy.name,
        policy.warning_percent,
        tuple(sorted(str(status) for status in statuses)),
    )


def _resolved(policy: SlaPolicy, calendar: Calendar | None, source: str) -> ResolvedSla:
    value = policy_value(policy)
    return ResolvedSla(
        policy_id=policy.pk,
        policy_name=value.name,
        warning_percent=value.warning_percent,
        pause_statuses=value.pause_statuses,
        targets=value.targets,
        calendar_id=calendar.pk if calendar is not None else None,
        calendar=calendar_value(calendar) if calendar is not None else ALWAYS,
        source=source,
    )


# --- resolution ----------------------------------------------------------------------------


def active_contract(organization_id: int, on_date: date) -> SlaContract | None:
    """The organization's active contract, if it covers `on_date`."""
    return (
        _contract_rows(organization_id, on_date)
        .select_related("policy", "calendar", "policy__calendar")
        .first()
    )


def default_calendar() -> Calendar | None:
    return Calendar.objects.filter(is_default=True).first()


def resolve_sla(
    *,
    organization_id: int,
    category_policy_id: int | None,
    ticket_type: str,
    on_date: date,
) -> ResolvedSla | None:
    """The policy and calendar for a ticket. The policy: the category's, else the ticket
    type's, else the organization's contract's, else the default policy (None if there is
    none at all). The calendar: the contract's, else the policy's, else the default calendar,
    else 24/7 in UTC.

    Every ticket created asks this, so it is at most three queries Django builds quickly (one
    with three subqueries took ~5 ms to build, more than the three ran): the contract with its
    calendar, the type's policy (when there is a type), the candidate policies with theirs; a
    fourth for the default calendar only when neither has one (the values themselves are
    cached by revision)."""
    # One active contract per organization: no ORDER BY (Meta's would join the organization).
    contract = next(
        iter(_contract_rows(organization_id, on_date).select_related("calendar").order_by()[:1]),
        None,
    )
    contract_policy_id = contract.policy_id if contract is not None else None
    type_policy_id = None
    if ticket_type:
        overrides = SlaTypeOverride.objects.filter(ticket_type=ticket_type).order_by()  # unique
        type_policy_id = next(iter(overrides.values_list("policy_id", flat=True)[:1]), None)
    wanted = [
        ("category", category_policy_id),
        ("ticket_type", type_policy_id),
        ("contract", contract_policy_id),
    ]
    ids = [pk for _source, pk in wanted if pk is not None]
    candidates = {
        policy.pk: policy
        for policy in SlaPolicy.objects.select_related("calendar")
        .filter(Q(pk__in=ids) | Q(is_default=True))
        .order_by()
    }
    chosen = next(
        ((source, candidates[pk]) for source, pk in wanted if pk in candidates), None
    ) or next((("default", p) for p in candidates.values() if p.is_default), None)
    if chosen is None:
        return None
    source, policy = chosen
    calendar = (contract.calendar if contract is not None else None) or policy.calendar
    return _resolved(policy, calendar or default_calendar(), source)


def _contract_rows(organization_id: int, on_date: date) -> QuerySet[SlaContract]:
    return (
        SlaContract.objects.filter(organization_id=organization_id, is_active=True)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=on_date))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on_date))
    )


def sla_for(policy: SlaPolicy, calendar: Calendar | None) -> ResolvedSla:
    """Rows already loaded as the value the clocks use (the default calendar if None)."""
    return _resolved(policy, calendar or default_calendar(), "ticket")


def load_sla(*, policy_id: int, calendar_id: int | None) -> ResolvedSla | None:
    """The policy and calendar a ticket was given (None if the policy is gone; the default
    calendar if the calendar is)."""
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        return None
    return _resolved(policy, _calendar_or_default(calendar_id), "ticket")


def _calendar_or_default(calendar_id: int | None) -> Calendar | None:
    calendar = Calendar.objects.filter(pk=calendar_id).first() if calendar_id else None
    return calendar or default_calendar()


def get_calendar_value(calendar_id: int | None) -> BusinessCalendar:
    """A stored calendar as a value: the default calendar if it is gone (or None was given),
    24/7 in UTC if there is none at all."""
    calendar = _calendar_or_default(calendar_id)
    return calendar_value(calendar) if calendar is not None else ALWAYS


def list_policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("calendar").prefetch_related("targets")


def list_calendars() -> QuerySet[Calendar]:
    return Calendar.objects.prefetch_related("intervals", "days")


def contract_policy_id(organization_id: int) -> int | None:
    """The policy of the organization's active contract (whatever its dates), or None."""
    return (
        SlaContract.objects.filter(organization_id=organization_id, is_active=True)
        .values_list("policy_id", flat=True)
        .first()
    )
