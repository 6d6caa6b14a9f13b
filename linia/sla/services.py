"""Writes for service levels: calendars, policies, contracts and type overrides.

Configuration, not ticket changes: no timeline rows. Each service is one transaction, checks
its input (Invalid, NotFound), and gives the changed calendar or policy a new `revision`, which
is what the value caches in `queries` key on (so an edit is seen at once by every process).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from django.db import transaction
from django.utils.translation import gettext as _

from linia.core.errors import Invalid, NotFound
from linia.directory.models import Organization

from .calendar import (
    BusinessCalendar,
    TimeLike,
    validate_country,
    validate_timezone,
)
from .models import (
    PRIORITIES,
    Calendar,
    CalendarDay,
    DayKind,
    SlaContract,
    SlaPolicy,
    SlaTarget,
    SlaTypeOverride,
    WorkingInterval,
)
from .queries import calendar_value

Hours = Mapping[int, Iterable[tuple[TimeLike, TimeLike]]]
WorkingDays = Mapping[date, Iterable[tuple[TimeLike, TimeLike]]]


@dataclass(frozen=True)
class TargetSpec:
    """One priority's targets, in working minutes (next_update None: no such promise)."""

    first_response: int
    resolution: int
    next_update: int | None = None


# --- helpers (never open a transaction) -----------------------------------------------------


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise Invalid(_("The name is required."), code="name_required")
    if len(name) > 120:
        raise Invalid(_("The name is too long (at most 120 characters)."), code="name_too_long")
    return name


def _check_calendar(
    *,
    timezone: str,
    hours: Hours,
    country: str,
    days_off: Iterable[date],
    working_days: WorkingDays,
    is_24x7: bool,
) -> BusinessCalendar:
    """Build the value the clocks would use: every rule of a calendar is checked there."""
    try:
        validate_timezone(timezone)
    except ValueError:
        raise Invalid(
            _("“%(value)s” is not a known time zone.") % {"value": timezone},
            code="invalid_timezone",
        ) from None
    try:
        validate_country(country)
    except ValueError:
        raise Invalid(
            _("“%(value)s” is not a country code the holiday calendar knows.") % {"value": country},
            code="invalid_country",
        ) from None
    try:
        return BusinessCalendar.build(
            timezone=timezone,
            hours=hours,
            holidays_country=country,
            days_off=days_off,
            working_days=working_days,
            is_24x7=is_24x7,
        )
    except (ValueError, TypeError) as error:
        raise Invalid(
            _("The working hours are not valid: %(error)s") % {"error": error},
            code="invalid_hours",
        ) from None


def _minutes_to_time(minutes: int) -> time:
    return time(0) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def _write_hours(calendar: Calendar, value: BusinessCalendar) -> None:
    calendar.intervals.all().delete()
    WorkingInterval.objects.bulk_create(
        WorkingInterval(
            calendar=calendar,
            weekday=weekday,
            start=_minutes_to_time(start),
            end=_minutes_to_time(end),
        )
        for weekday, spans in enumerate(value.weekly)
        for start, end in spans
    )


def _write_days(calendar: Calendar, value: BusinessCalendar) -> None:
    calendar.days.all().delete()
    rows = [
        CalendarDay(calendar=calendar, date=day, kind=DayKind.OFF) for day in sorted(value.days_off)
    ]
    for day, spans in value.working_days:
        if not spans:
            rows.append(CalendarDay(calendar=calendar, date=day, kind=DayKind.WORKING))
        rows.extend(
            CalendarDay(
                calendar=calendar,
                date=day,
                kind=DayKind.WORKING,
                start=_minutes_to_time(start),
                end=_minutes_to_time(end),
            )
            for start, end in spans
        )
    CalendarDay.objects.bulk_create(rows)


def _make_sole_default(model: type[Calendar] | type[SlaPolicy], pk: int) -> None:
    model.objects.filter(is_default=True).exclude(pk=pk).update(
        is_default=False, revision=uuid.uuid4()
    )


def _check_targets(targets: Mapping[str, TargetSpec]) -> None:
    for priority, spec in targets.items():
        if priority not in PRIORITIES:
            raise Invalid(
                _("“%(value)s” is not a priority; use P1, P2, P3 or P4.") % {"value": priority},
                code="invalid_priority",
            )
        minutes = [spec.first_response, spec.resolution]
        if spec.next_update is not None:
            minutes.append(spec.next_update)
        if any(not isinstance(value, int) or value <= 0 for value in minutes):
            raise Invalid(
                _("Targets are whole working minutes above zero (%(priority)s).")
                % {"priority": priority},
                code="invalid_target",
            )


def _check_policy_fields(warning_percent: int, pause_statuses: Sequence[str]) -> list[str]:
    if not 1 <= warning_percent <= 100:
        raise Invalid(
            _("The warning threshold is a percentage from 1 to 100."),
            code="invalid_warning_percent",
        )
    statuses = [str(status).strip() for status in pause_statuses]
    if any(not status for status in statuses):
        raise Invalid(_("Name each status that pauses the clock."), code="invalid_pause_status")
    return sorted(set(statuses))


def _get_calendar(calendar_id: int | None) -> Calendar | None:
    if calendar_id is None:
        return None
    calendar = Calendar.objects.filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(_("Calendar not found."))
    return calendar


def _get_policy(policy_id: int) -> SlaPolicy:
    policy = SlaPolicy.objects.filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("SLA policy not found."))
    return policy


def _write_targets(policy: SlaPolicy, targets: Mapping[str, TargetSpec]) -> None:
    policy.targets.all().delete()
    SlaTarget.objects.bulk_create(
        SlaTarget(
            policy=policy,
            priority=priority,
            first_response_minutes=spec.first_response,
            next_update_minutes=spec.next_update,
            resolution_minutes=spec.resolution,
        )
        for priority, spec in sorted(targets.items())
    )


# --- calendars -------------------------------------------------------------------------------


@transaction.atomic
def create_calendar(
    *,
    name: str,
    timezone: str,
    hours: Hours | None = None,
    holidays_country: str = "",
    days_off: Iterable[date] = (),
    working_days: WorkingDays | None = None,
    is_24x7: bool = False,
    is_default: bool = False,
) -> Calendar:
    """A business calendar. `hours` maps weekdays (0 = Monday) to intervals such as
    [("09:00", "13:00"), ("14:00", "18:00")]; `working_days` maps extra working dates to their
    hours ([] = the usual day's). Raises Invalid."""
    name = _clean_name(name)
    value = _check_calendar(
        timezone=timezone,
        hours=hours or {},
        country=holidays_country,
        days_off=days_off,
        working_days=working_days or {},
        is_24x7=is_24x7,
    )
    if Calendar.objects.filter(name__iexact=name).exists():
        raise Invalid(_("A calendar with this name already exists."), code="name_taken")
    calendar = Calendar.objects.create(
        name=name,
        timezone=value.timezone,
        holidays_country=value.holidays_country,
        is_24x7=is_24x7,
        is_default=False,
    )
    _write_hours(calendar, value)
    _write_days(calendar, value)
    if is_default:
        _make_sole_default(Calendar, calendar.pk)
        calendar.is_default = True
        calendar.save(update_fields=["is_default"])
    return calendar


@transaction.atomic
def update_calendar(
    *,
    calendar_id: int,
    name: str | None = None,
    timezone: str | None = None,
    hours: Hours | None = None,
    holidays_country: str | None = None,
    days_off: Iterable[date] | None = None,
    working_days: WorkingDays | None = None,
    is_24x7: bool | None = None,
    is_default: bool | None = None,
) -> Calendar:
    """Change a calendar; what is given replaces what was (None leaves it). Tickets pick the
    change up at their next clock change. Raises NotFound, Invalid."""
    calendar = Calendar.objects.select_for_update().filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(_("Calendar not found."))
    current = calendar_value(calendar)
    value = _check_calendar(
        timezone=timezone if timezone is not None else current.timezone,
        hours=hours if hours is not None else dict(enumerate(current.weekly)),
        country=holidays_country if holidays_country is not None else current.holidays_country,
        days_off=days_off if days_off is not None else current.days_off,
        working_days=working_days if working_days is not None else dict(current.working_days),
        is_24x7=is_24x7 if is_24x7 is not None else current.is_24x7,
    )
    if name is not None:
        name = _clean_name(name)
        if Calendar.objects.filter(name__iexact=name).exclude(pk=calendar.pk).exists():
            raise Invalid(_("A calendar with this name already exists."), code="name_taken")
        calendar.name = name
    calendar.timezone = value.timezone
    calendar.holidays_country = value.holidays_country
    calendar.is_24x7 = value.is_24x7
    if hours is not None:
        _write_hours(calendar, value)
    if days_off is not None or working_days is not None:
        _write_days(calendar, value)
    if is_default is not None:
        if is_default:
            _make_sole_default(Calendar, calendar.pk)
        calendar.is_default = is_default
    calendar.revision = uuid.uuid4()
    calendar.save()
    return calendar


@transaction.atomic
def touch_calendar(*, calendar_id: int) -> None:
    """Mark a calendar as changed (after its hours or days were edited in the admin), so that
    every process reloads it."""
    Calendar.objects.filter(pk=calendar_id).update(revision=uuid.uuid4())


# --- policies -------------------------------------------------------------------------------


@transaction.atomic
def create_policy(
    *,
    name: str,
    targets: Mapping[str, TargetSpec],
    warning_percent: int = 75,
    pause_statuses: Sequence[str] = ("pending",),
    calendar_id: int | None = None,
    is_default: bool = False,
) -> SlaPolicy:
    """A policy with its targets per priority (working minutes). Priorities without targets
    get no clocks. Raises Invalid, NotFound (calendar)."""
    name = _clean_name(name)
    _check_targets(targets)
    statuses = _check_policy_fields(warning_percent, pause_statuses)
    calendar = _get_calendar(calendar_id)
    if SlaPolicy.objects.filter(name__iexact=name).exists():
        raise Invalid(_("A policy with this name already exists."), code="name_taken")
    policy = SlaPolicy.objects.create(
        name=name, warning_percent=warning_percent, pause_statuses=statuses, calendar=calendar
    )
    _write_targets(policy, targets)
    if is_default:
        _make_sole_default(SlaPolicy, policy.pk)
        policy.is_default = True
        policy.save(update_fields=["is_default"])
    return policy


@transaction.atomic
def update_policy(
    *,
    policy_id: int,
    name: str | None = None,
    targets: Mapping[str, TargetSpec] | None = None,
    warning_percent: int | None = None,
    pause_statuses: Sequence[str] | None = None,
    calendar_id: int | bool | None = False,
    is_default: bool | None = None,
) -> SlaPolicy:
    """Change a policy; given `targets` replace all of them. `calendar_id=False` leaves the
    calendar, None clears it. Running clocks take new targets at their next recompute (a
    priority or classification change). Raises NotFound, Invalid."""
    policy = SlaPolicy.objects.select_for_update().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("SLA policy not found."))
    if name is not None:
        name = _clean_name(name)
        if SlaPolicy.objects.filter(name__iexact=name).exclude(pk=policy.pk).exists():
            raise Invalid(_("A policy with this name already exists."), code="name_taken")
        policy.name = name
    statuses = _check_policy_fields(
        policy.warning_percent if warning_percent is None else warning_percent,
        policy.pause_statuses if pause_statuses is None else pause_statuses,
    )
    if warning_percent is not None:
        policy.warning_percent = warning_percent
    policy.pause_statuses = statuses
    if calendar_id is not False:
        policy.calendar = _get_calendar(calendar_id if isinstance(calendar_id, int) else None)
    if targets is not None:
        _check_targets(targets)
        _write_targets(policy, targets)
    if is_default is not None:
        if is_default:
            _make_sole_default(SlaPolicy, policy.pk)
        policy.is_default = is_default
    policy.revision = uuid.uuid4()
    policy.save()
    return policy


@transaction.atomic
def touch_policy(*, policy_id: int) -> None:
    """Mark a policy as changed (after its targets were edited in the admin)."""
    SlaPolicy.objects.filter(pk=policy_id).update(revision=uuid.uuid4())


# --- contracts and overrides -------------------------------------------------------------------


@transaction.atomic
def bind_organization(
    *,
    organization_id: int,
    policy_id: int,
    calendar_id: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reference: str = "",
) -> SlaContract:
    """Give the organization its contract: the active one is updated in place, or one is
    created. New tickets of the organization follow it. Raises NotFound, Invalid."""
    if not Organization.objects.filter(pk=organization_id).exists():
        raise NotFound(_("Organization not found."))
    policy = _get_policy(policy_id)
    calendar = _get_calendar(calendar_id)
    if starts_on and ends_on and ends_on < starts_on:
        raise Invalid(_("The contract cannot end before it starts."), code="invalid_dates")
    contract = (
        SlaContract.objects.select_for_update()
        .filter(organization_id=organization_id, is_active=True)
        .first()
    ) or SlaContract(organization_id=organization_id)
    contract.policy = policy
    contract.calendar = calendar
    contract.starts_on = starts_on
    contract.ends_on = ends_on
    contract.reference = (reference or "").strip()[:120]
    contract.save()
    return contract


@transaction.atomic
def unbind_organization(*, organization_id: int) -> int:
    """End the organization's active contract: its new tickets follow the default policy.
    Returns how many contracts were ended (0 or 1)."""
    return SlaContract.objects.filter(organization_id=organization_id, is_active=True).update(
        is_active=False
    )


@transaction.atomic
def set_type_policy(*, ticket_type: str, policy_id: int | None) -> SlaTypeOverride | None:
    """Tickets of `ticket_type` follow `policy_id` (None removes the override)."""
    ticket_type = (ticket_type or "").strip()
    if not ticket_type or len(ticket_type) > 20:
        raise Invalid(_("Name the ticket type."), code="invalid_type")
    if policy_id is None:
        SlaTypeOverride.objects.filter(ticket_type=ticket_type).delete()
        return None
    policy = _get_policy(policy_id)
    override, _created = SlaTypeOverride.objects.update_or_create(
        ticket_type=ticket_type, defaults={"policy": policy}
    )
    return override
