"""Service-level configuration: business calendars and SLA policies, in the shapes provisioning
scripts use (`hours` by weekday name, targets by priority, all in working minutes)."""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator, model_validator

from linia.escalation.models import EscalationRule
from linia.sla.models import Calendar, DayKind, SlaPolicy

from .common import Id, InputSchema

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
MAX_DAYS = 1000

DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Priority = Literal["P1", "P2", "P3", "P4"]
Interval = tuple[str, str]


def _minutes(text: str, *, is_end: bool) -> int:
    hours, sep, mins = text.strip().partition(":")
    if not sep or not (hours.isdigit() and mins.isdigit()) or len(hours) > 2 or len(mins) != 2:
        raise ValueError(_("“%(value)s” is not a time of day (HH:MM)") % {"value": text})
    value = int(hours) * 60 + int(mins)
    if int(mins) > 59 or value > DAY_MINUTES or (value == DAY_MINUTES and not is_end):
        raise ValueError(_("“%(value)s” is not a time of day (HH:MM)") % {"value": text})
    return DAY_MINUTES if is_end and value == 0 else value


def _check_day(day: str, intervals: list[Interval]) -> list[Interval]:
    spans = []
    for start, end in intervals:
        first, last = _minutes(start, is_end=False), _minutes(end, is_end=True)
        if last <= first:
            raise ValueError(
                _("%(day)s: the interval %(start)s-%(end)s ends before it starts")
                % {"day": day, "start": start, "end": end}
            )
        spans.append((first, last, start, end))
    spans.sort()
    for before, after in pairwise(spans):
        if after[0] < before[1]:
            raise ValueError(
                _("%(day)s: the intervals %(first)s and %(second)s overlap")
                % {
                    "day": day,
                    "first": f"{before[2]}-{before[3]}",
                    "second": f"{after[2]}-{after[3]}",
                }
            )
    return intervals


def _hhmm(value: time, *, is_end: bool = False) -> str:
    if is_end and value == time(0):
        return "24:00"
    return f"{value:%H:%M}"


class CalendarIn(InputSchema):
    name: str = Field(max_length=120)
    timezone: str = Field(max_length=64, description="An IANA time zone, e.g. Europe/Warsaw.")
    hours: dict[DayName, list[Interval]] = Field(
        default_factory=dict,
        description='Working intervals by weekday, e.g. {"mon": [["09:00", "18:00"]]}; a '
        'missing or empty day is a day off; an end of "24:00" (or "00:00") is midnight.',
    )
    holidays_country: str = Field(
        "", max_length=2, description="Public holidays of this country (ISO code), or blank."
    )
    extra_days_off: list[date] = Field(default_factory=list, max_length=MAX_DAYS)
    extra_working_days: list[date] = Field(
        default_factory=list,
        max_length=MAX_DAYS,
        description="Dates that are working days with the usual working day's hours.",
    )
    is_24x7: bool = Field(False, description="Every minute counts; hours and holidays ignored.")

    @field_validator("hours")
    @classmethod
    def _valid_hours(cls, value: dict[str, list[Interval]]) -> dict[str, list[Interval]]:
        for day, intervals in value.items():
            _check_day(day, intervals)
        return value

    @model_validator(mode="after")
    def _days_do_not_clash(self) -> CalendarIn:
        both = sorted(set(self.extra_days_off) & set(self.extra_working_days))
        if both:
            raise ValueError(
                _("%(date)s is both an extra day off and an extra working day")
                % {"date": both[0].isoformat()}
            )
        return self

    def weekly(self) -> dict[int, list[Interval]]:
        return {DAY_NAMES.index(day): intervals for day, intervals in self.hours.items()}


class CalendarOut(Schema):
    id: int
    name: str
    timezone: str
    hours: dict[str, list[Interval]]
    holidays_country: str
    extra_days_off: list[date]
    extra_working_days: list[date]
    is_24x7: bool
    is_default: bool

    @staticmethod
    def resolve_hours(calendar: Calendar) -> dict[str, list[Interval]]:
        hours: dict[str, list[Interval]] = {day: [] for day in DAY_NAMES}
        for interval in sorted(calendar.intervals.all(), key=lambda i: (i.weekday, i.start)):
            hours[DAY_NAMES[interval.weekday]].append(
                (_hhmm(interval.start), _hhmm(interval.end, is_end=True))
            )
        return hours

    @staticmethod
    def resolve_extra_days_off(calendar: Calendar) -> list[date]:
        return sorted({day.date for day in calendar.days.all() if day.kind == DayKind.OFF})

    @staticmethod
    def resolve_extra_working_days(calendar: Calendar) -> list[date]:
        return sorted({day.date for day in calendar.days.all() if day.kind == DayKind.WORKING})


class TargetIn(InputSchema):
    first_response: int = Field(ge=1, le=10**7, description="Working minutes.")
    next_update: int | None = Field(None, ge=1, le=10**7, description="Working minutes.")
    resolution: int = Field(ge=1, le=10**7, description="Working minutes.")


class PolicyIn(InputSchema):
    name: str = Field(max_length=120)
    calendar: Id | None = Field(None, description="A calendar id; null: the default calendar.")
    targets: dict[Priority, TargetIn] = Field(
        description="By priority; a priority without targets gets no clocks."
    )
    warn_at_percent: int = Field(75, ge=1, le=100)
    pause_statuses: list[str] = Field(default_factory=lambda: ["pending"], max_length=20)


class PolicyPatch(InputSchema):
    """Omitted fields stay as they are; `targets` replaces all targets; `calendar: null`
    clears the calendar."""

    name: str | None = Field(None, max_length=120)
    calendar: Id | None = None
    targets: dict[Priority, TargetIn] | None = None
    warn_at_percent: int | None = Field(None, ge=1, le=100)
    pause_statuses: list[str] | None = Field(None, max_length=20)


class TargetOut(Schema):
    first_response: int
    next_update: int | None
    resolution: int


class PolicyOut(Schema):
    id: int
    name: str
    calendar: int | None
    targets: dict[str, TargetOut]
    warn_at_percent: int
    pause_statuses: list[str]
    is_default: bool

    @staticmethod
    def resolve_calendar(policy: SlaPolicy) -> int | None:
        return policy.calendar_id

    @staticmethod
    def resolve_warn_at_percent(policy: SlaPolicy) -> int:
        return policy.warning_percent

    @staticmethod
    def resolve_targets(policy: SlaPolicy) -> dict[str, dict[str, Any]]:
        return {
            target.priority: {
                "first_response": target.first_response_minutes,
                "next_update": target.next_update_minutes,
                "resolution": target.resolution_minutes,
            }
            for target in sorted(policy.targets.all(), key=lambda t: t.priority)
        }


# --- escalation rules ------------------------------------------------------------------------

RuleCondition = Literal[
    "time_at_tier",
    "first_response_warning",
    "first_response_breach",
    "resolution_warning",
    "resolution_breach",
    "no_update",
    "priority_created",
]
RulePriority = Literal["", "P1", "P2", "P3", "P4"]
PriorityChangeName = Literal["", "raise", "P1", "P2", "P3"]
NotifyRoleName = Literal["", "manager", "admin"]
MAX_MINUTES = 2**31 - 1
MAX_POSITION = 2**31 - 1
MAX_NOTE = 10_000

# Body fields named after a relation carry its id: the model field is `<name>_id`.
RULE_RELATIONS = ("organization", "category", "escalate_to_team", "assign_to")
OMITTED: Any = None  # the default of a patch field the client did not send


class RuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=200)
    is_active: bool = True
    position: int = Field(0, ge=0, le=MAX_POSITION, description="Rules run lowest first.")
    condition: RuleCondition
    tier: Literal[1, 2, 3] | None = Field(
        None, description="time_at_tier: required. Other conditions: only this tier."
    )
    minutes: int = Field(
        0, ge=0, le=MAX_MINUTES, description="time_at_tier: required; no_update: grace."
    )
    priority: RulePriority | None = Field(
        None, description="priority_created: required. Other conditions: only this priority."
    )
    organization: Id | None = Field(None, description="Only tickets of this organization.")
    category: Id | None = Field(None, description="Only tickets of exactly this category.")
    escalate_to_tier: Literal[2, 3] | None = None
    escalate_to_team: Id | None = Field(None, description="A team id (L2 or L3).")
    assign_to: Id | None = Field(None, description="A user id (agent, manager or admin).")
    set_priority: PriorityChangeName = ""
    notify_role: NotifyRoleName = ""
    notify_assignee: bool = False
    note: str = Field("", max_length=MAX_NOTE, description="Added as an internal note.")

    def fields(self, names: set[str] | None = None) -> dict[str, Any]:
        """The given fields (all by default) as the rule services take them."""
        names = set(type(self).model_fields) if names is None else names
        values: dict[str, Any] = {}
        for name in names:
            value = getattr(self, name)
            if name == "priority" and value is None:
                value = ""
            values[f"{name}_id" if name in RULE_RELATIONS else name] = value
        return values


class RulePatch(RuleIn):
    """Omitted fields stay as they are; relations, `tier` and `escalate_to_tier` may be null
    (cleared), the other fields may not."""

    # Typed without None so that an explicit null is refused (422); the default (None, not
    # validated) only marks the field as optional: only `model_fields_set` is sent on.
    name: str = Field(OMITTED, min_length=1, max_length=200)
    is_active: bool = Field(OMITTED)
    position: int = Field(OMITTED, ge=0, le=MAX_POSITION)
    condition: RuleCondition = Field(OMITTED)
    minutes: int = Field(OMITTED, ge=0, le=MAX_MINUTES)
    set_priority: PriorityChangeName = Field(OMITTED)
    notify_role: NotifyRoleName = Field(OMITTED)
    notify_assignee: bool = Field(OMITTED)
    note: str = Field(OMITTED, max_length=MAX_NOTE)


class RuleOut(Schema):
    id: int
    name: str
    is_active: bool
    position: int
    condition: str
    tier: int | None
    minutes: int
    priority: str
    organization: int | None
    category: int | None
    escalate_to_tier: int | None
    escalate_to_team: int | None
    assign_to: int | None
    set_priority: str
    notify_role: str
    notify_assignee: bool
    note: str
    created_at: datetime
    updated_at: datetime
    checked_until: datetime | None = Field(
        description="The scheduler has examined every ticket whose condition arose before "
        "this instant; null after the rule is created or changed."
    )

    @staticmethod
    def resolve_organization(rule: EscalationRule) -> int | None:
        return rule.organization_id

    @staticmethod
    def resolve_category(rule: EscalationRule) -> int | None:
        return rule.category_id

    @staticmethod
    def resolve_escalate_to_team(rule: EscalationRule) -> int | None:
        return rule.escalate_to_team_id

    @staticmethod
    def resolve_assign_to(rule: EscalationRule) -> int | None:
        return rule.assign_to_id
