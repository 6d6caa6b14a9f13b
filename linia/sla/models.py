"""Service levels as administrators configure them: calendars, policies and their targets,
organization contracts and per-type overrides. The app knows no tickets: statuses and ticket
types are kept as plain strings, and the ticket clocks live on the ticket (linia.tickets)."""

from __future__ import annotations

import uuid
from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import supported_countries, validate_timezone

PRIORITIES = ["P1", "P2", "P3", "P4"]
DEFAULT_PAUSE_STATUSES = ["pending"]


def default_pause_statuses() -> list[str]:
    return list(DEFAULT_PAUSE_STATUSES)


def _validate_timezone(value: str) -> None:
    try:
        validate_timezone(value)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a known time zone."), params={"value": value}
        ) from None


def _validate_country(value: str) -> None:
    if value and value not in supported_countries():
        raise ValidationError(
            _("“%(value)s” is not a country code the holiday calendar knows (e.g. UA, PL, RU)."),
            params={"value": value},
        )


def _ends_before_start(start: time | None, end: time | None) -> bool:
    """Hours that end before they start (an end of 00:00 is midnight at the end of the day)."""
    return start is not None and end is not None and end != time(0) and end <= start


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Calendar(models.Model):
    """Working hours in a time zone, with a country's public holidays and custom days."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Kyiv",
        validators=[_validate_timezone],
        help_text=_("An IANA time zone, e.g. Europe/Kyiv, Europe/Warsaw, America/New_York."),
    )
    holidays_country = models.CharField(
        _("public holidays of"),
        max_length=2,
        blank=True,
        validators=[_validate_country],
        help_text=_("A two-letter country code (UA, PL, RU …); blank for no public holidays."),
    )
    is_24x7 = models.BooleanField(
        _("24/7"),
        default=False,
        help_text=_("Every minute counts; working hours and holidays are ignored."),
    )
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Used when neither the contract nor the policy names a calendar."),
    )
    # A new value on every change of the calendar or its hours and days: caches key on it.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="sla_calendar_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class WorkingInterval(models.Model):
    """One period of working hours on a weekday (a day may have several: 09-13 and 14-18)."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="sla_interval_weekday"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=time(0)),
                name="sla_interval_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self) -> None:
        if _ends_before_start(self.start, self.end):
            raise ValidationError(_("The working hours must end after they start."))


class DayKind(models.TextChoices):
    OFF = "off", _("Day off")
    WORKING = "working", _("Working day")


class CalendarDay(models.Model):
    """A date that differs from the weekly hours: a custom day off, or an extra working day
    (with its own hours, or the usual working day's hours when none are given). Several
    working rows on one date give that date several intervals; a working row wins over an
    off row and over a public holiday."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices, default=DayKind.OFF)
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "start"]
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="sla_day_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(kind=DayKind.WORKING, start__isnull=False, end__isnull=False),
                name="sla_day_hours_only_when_working",
            ),
            models.UniqueConstraint(
                fields=["calendar", "date"],
                condition=models.Q(kind=DayKind.OFF),
                name="sla_day_off_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    def clean(self) -> None:
        if self.kind == DayKind.OFF and (self.start or self.end):
            raise ValidationError(_("A day off has no working hours."))
        if (self.start is None) != (self.end is None):
            raise ValidationError(_("Give both the start and the end of the hours, or neither."))
        if _ends_before_start(self.start, self.end):
            raise ValidationError(_("The working hours must end after they start."))


class SlaPolicy(models.Model):
    """Targets per priority, the warning threshold and the statuses that stop the clock."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    is_default = models.BooleanField(
        _("default"),
        default=False,
        help_text=_("Applies to every ticket no contract, category or ticket type covers."),
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the target)"),
        default=75,
        help_text=_("A warning is due when this share of a target's working time is used."),
    )
    pause_statuses = models.JSONField(
        _("statuses that pause the clock"),
        default=default_pause_statuses,
        blank=True,
        help_text=_(
            'Ticket statuses, e.g. ["pending"] (waiting for the requester or a third party).'
        ),
    )
    calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("calendar"),
        help_text=_("Used when the organization's contract names no calendar."),
    )
    revision = models.UUIDField(default=uuid.uuid4, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="sla_policy_one_default",
            ),
            models.CheckConstraint(
                condition=models.Q(warning_percent__gte=1, warning_percent__lte=100),
                name="sla_policy_warning_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        statuses = self.pause_statuses
        if not isinstance(statuses, list) or not all(
            isinstance(item, str) and item for item in statuses
        ):
            raise ValidationError(
                {"pause_statuses": _('Give a list of status names, e.g. ["pending"].')}
            )


class SlaTarget(models.Model):
    """What a policy promises for one priority, in working minutes of the calendar."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(
        _("priority"), max_length=2, choices=[(value, value) for value in PRIORITIES]
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (working minutes)"))
    next_update_minutes = models.PositiveIntegerField(
        _("next update (working minutes)"),
        null=True,
        blank=True,
        help_text=_("How often the requester must hear from us; blank for no such promise."),
    )
    resolution_minutes = models.PositiveIntegerField(_("resolution (working minutes)"))

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique"),
            models.CheckConstraint(
                condition=models.Q(priority__in=PRIORITIES), name="sla_target_priority_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(first_response_minutes__gt=0, resolution_minutes__gt=0)
                & (
                    models.Q(next_update_minutes__isnull=True) | models.Q(next_update_minutes__gt=0)
                ),
                name="sla_target_minutes_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} · {self.priority}"


class SlaContract(models.Model):
    """Binds an organization to a policy (and a calendar) for a period. One active contract
    per organization; outside its dates the default policy applies."""

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="sla_contracts",
        verbose_name=_("organization"),
    )
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("policy")
    )
    calendar = models.ForeignKey(
        Calendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("calendar"),
        help_text=_("Blank: the policy's calendar, or the default calendar."),
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    reference = models.CharField(_("contract reference"), max_length=120, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization", "-is_active", "-starts_on"]
        verbose_name = _("SLA contract")
        verbose_name_plural = _("SLA contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=models.Q(is_active=True),
                name="sla_contract_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="sla_contract_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.policy}"


class SlaTypeOverride(models.Model):
    """Tickets of one type (e.g. "change" or "question") follow their own policy."""

    ticket_type = models.CharField(
        _("ticket type"),
        max_length=20,
        unique=True,
        help_text=_("incident, service_request, change, problem, complaint or question"),
    )
    policy = models.ForeignKey(
        SlaPolicy,
        on_delete=models.CASCADE,
        related_name="type_overrides",
        verbose_name=_("policy"),
    )

    class Meta:
        ordering = ["ticket_type"]
        verbose_name = _("SLA policy for a ticket type")
        verbose_name_plural = _("SLA policies for ticket types")

    def __str__(self) -> str:
        return f"{self.ticket_type} → {self.policy}"
