"""The SLA clocks of a ticket: due instants kept on the ticket row, recomputed inside the
ticket services' transactions, read by pages, the API and the escalation scheduler.

Three clocks, all counted in working time of the ticket's calendar, from `received_at`:
- first response: met by the first public reply of a person of the service desk (not an
  internal note, not a message of the system itself); resolving a ticket that never had a
  reply counts as its response;
- resolution: met when the ticket is resolved; reopening continues it;
- next update: started by the first response, pushed by every later public staff reply; it
  promises the requester news every N working minutes.
Each has a due instant and (first response, resolution) a warning instant: received + the
warning percentage of the target. The one rule the scheduler relies on: **a non-null due or
warning instant belongs to a running clock, or to one already missed while it ran.** Stopped
clocks (paused, resolved, closed, cancelled) have none in the future.

Pausing (a status the policy lists, "pending" by default) stops every running clock: instants
still ahead are cleared, what the next-update clock had left is kept, and the working time
spent paused is added to `sla_paused_total` when the ticket leaves the status. Every deadline
is therefore `received_at` + target + paused working time: the due instants shift by exactly
the working time spent paused. Resolving stops the clocks the same way and stores the outcome
(working minutes used, met or breached) for reports; reopening resumes them.

The policy and calendar are chosen at registration and again when the ticket is reclassified
(priority, category or type), and kept on the ticket (`sla_policy`, `sla_calendar`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linia.sla import queries as sla_queries
from linia.sla.calendar import MINUTE, ZERO, BusinessCalendar, NoWorkingTime
from linia.sla.queries import ResolvedSla, Targets

from .models import Ticket
from .workflow import ACTIVE_STATUSES, TicketStatus

# Everything the clocks write: services add these to `update_fields`.
CLOCK_FIELDS = [
    "sla_policy",
    "sla_calendar",
    "sla_paused_at",
    "sla_paused_total",
    "first_response_due",
    "first_response_warning_at",
    "resolution_due",
    "resolution_warning_at",
    "next_update_due",
    "next_update_left",
    "first_response_minutes",
    "first_response_breached",
    "resolution_minutes",
    "resolution_breached",
]
OK, WARNING, BREACHED, MET = "ok", "warning", "breached", "met"
STATE_LABELS = {
    OK: _("on time"),
    WARNING: _("at risk"),
    BREACHED: _("breached"),
    MET: _("met"),
}


# --- which policy, which calendar ----------------------------------------------------------


# The policy chosen per (organization, category's policy, type, day): see start_clocks.
PolicyChoices = dict[tuple[int, int | None, str, date], ResolvedSla | None]


def resolve_for(ticket: Ticket) -> ResolvedSla | None:
    """The policy and calendar for the ticket as it stands (what a new ticket's clocks follow)."""
    category = ticket.category if ticket.category_id else None
    return sla_queries.resolve_sla(
        organization_id=ticket.organization_id,
        category_policy_id=category.sla_policy_id if category is not None else None,
        ticket_type=ticket.type,
        on_date=timezone.localdate(ticket.received_at),
    )


def pinned_sla(ticket: Ticket) -> ResolvedSla | None:
    """The policy and calendar the ticket's clocks follow (None: no SLA applies)."""
    if ticket.sla_policy_id is None or ticket.sla_policy is None:
        return None
    # No query for rows selected with the ticket (the ticket page selects them).
    return sla_queries.sla_for(ticket.sla_policy, ticket.sla_calendar)


def ticket_calendar(ticket: Ticket) -> BusinessCalendar:
    """The calendar the ticket's working time is measured on (24/7 UTC if none applies)."""
    return sla_queries.get_calendar_value(ticket.sla_calendar_id)


def working_minutes_between(ticket: Ticket, start: datetime, end: datetime) -> int:
    """Whole working minutes of the ticket's calendar in [start, end) (for time-at-tier)."""
    return ticket_calendar(ticket).minutes_between(start, end)


# --- arithmetic helpers --------------------------------------------------------------------


def _add(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime | None:
    try:
        return calendar.add(start, max(duration, ZERO))
    except NoWorkingTime:
        return None


def _consumed(ticket: Ticket, calendar: BusinessCalendar, until: datetime) -> timedelta:
    """Working time the clocks ran between registration and `until`, pauses excluded."""
    return max(calendar.time_between(ticket.received_at, until) - ticket.sla_paused_total, ZERO)


def _deadline(ticket: Ticket, calendar: BusinessCalendar, budget: timedelta) -> datetime | None:
    """When `budget` of running time is used: received + budget + paused time. While paused,
    None if that moment had not come when the pause began (the clock is frozen)."""
    due = _add(calendar, ticket.received_at, budget + ticket.sla_paused_total)
    if due is not None and ticket.sla_paused_at is not None and due > ticket.sla_paused_at:
        return None
    return due


def _warning_budget(minutes: int, percent: int) -> timedelta:
    return timedelta(minutes=minutes) * percent / 100


def _responded(ticket: Ticket) -> bool:
    return ticket.first_response_at is not None or ticket.first_response_minutes is not None


def _targets(ticket: Ticket, sla: ResolvedSla) -> Targets | None:
    return sla.target(ticket.priority)


def _clear_running(ticket: Ticket) -> None:
    ticket.first_response_due = ticket.first_response_warning_at = None
    ticket.resolution_due = ticket.resolution_warning_at = None
    ticket.next_update_due = ticket.next_update_left = None


def _schedule(ticket: Ticket, sla: ResolvedSla, *, only_missing: bool = False) -> None:
    """Set the first-response and resolution instants of the running clocks from scratch
    (`only_missing`: only those that are unset, i.e. were frozen or stopped)."""
    targets = _targets(ticket, sla)
    active = ticket.status in ACTIVE_STATUSES
    calendar, percent = sla.calendar, sla.warning_percent
    plan: list[tuple[str, str, int | None, bool]] = [
        (
            "first_response_due",
            "first_response_warning_at",
            targets.first_response if targets else None,
            active and not _responded(ticket),
        ),
        (
            "resolution_due",
            "resolution_warning_at",
            targets.resolution if targets else None,
            active and ticket.resolution_minutes is None,
        ),
    ]
    for due_field, warning_field, minutes, running in plan:
        if not running or minutes is None:
            setattr(ticket, due_field, None)
            setattr(ticket, warning_field, None)
            continue
        if not only_missing or getattr(ticket, due_field) is None:
            setattr(ticket, due_field, _deadline(ticket, calendar, timedelta(minutes=minutes)))
        if not only_missing or getattr(ticket, warning_field) is None:
            setattr(
                ticket,
                warning_field,
                _deadline(ticket, calendar, _warning_budget(minutes, percent)),
            )


def _start_next_update(ticket: Ticket, sla: ResolvedSla, now: datetime) -> None:
    """The requester heard from us (or the promise changed): the next update is due one
    interval from now (frozen with the whole interval left while paused)."""
    targets = _targets(ticket, sla)
    minutes = targets.next_update if targets else None
    ticket.next_update_due = ticket.next_update_left = None
    if minutes is None or ticket.status not in ACTIVE_STATUSES or not _responded(ticket):
        return
    if ticket.sla_paused_at is not None:
        ticket.next_update_left = timedelta(minutes=minutes)
    else:
        ticket.next_update_due = _add(sla.calendar, now, timedelta(minutes=minutes))


def _pin(ticket: Ticket, sla: ResolvedSla | None) -> None:
    ticket.sla_policy_id = sla.policy_id if sla is not None else None
    ticket.sla_calendar_id = sla.calendar_id if sla is not None else None


# --- the moments the services call ----------------------------------------------------------


def start_clocks(ticket: Ticket, *, now: datetime, policies: PolicyChoices) -> None:
    """A ticket was registered: choose its policy and start the clocks at `received_at`.
    `policies` keeps the choice for the other tickets of a batch that share organization,
    category's policy, type and day (filled here)."""
    key = (
        ticket.organization_id,
        ticket.category.sla_policy_id if ticket.category else None,
        ticket.type,
        timezone.localdate(ticket.received_at),
    )
    if key not in policies:
        policies[key] = resolve_for(ticket)
    sla = policies[key]
    _pin(ticket, sla)
    _clear_running(ticket)
    if sla is not None:
        _schedule(ticket, sla)
        if ticket.status in sla.pause_statuses:
            _pause(ticket, sla, now)


def reapply_policy(ticket: Ticket, *, now: datetime) -> list[str]:
    """The priority, category or type changed: choose the policy again and recompute the
    running clocks with its targets (the next update restarts from now)."""
    sla = resolve_for(ticket)
    _pin(ticket, sla)
    if sla is None:
        _clear_running(ticket)
        return list(CLOCK_FIELDS)
    _schedule(ticket, sla)
    _start_next_update(ticket, sla, now)
    return list(CLOCK_FIELDS)


def on_status_change(ticket: Ticket, *, old: str, new: str, now: datetime) -> list[str]:
    """Pause on entering a pausing status, resume on leaving it; resolving stops the clocks
    and stores the outcome; closing or cancelling stops them; reopening resumes them."""
    sla = pinned_sla(ticket)
    if sla is None:
        return []
    pausing = sla.pause_statuses
    was_running = old in ACTIVE_STATUSES and old not in pausing
    runs = new in ACTIVE_STATUSES and new not in pausing
    if new == TicketStatus.RESOLVED:
        _resolve(ticket, sla, now)
    elif new in (TicketStatus.CLOSED, TicketStatus.CANCELLED):
        _stop(ticket, now)
    elif was_running and not runs:
        _pause(ticket, sla, now)
    elif runs and not was_running:
        _resume(ticket, sla, now)
    else:
        return []
    return list(CLOCK_FIELDS)


def on_public_staff_reply(ticket: Ticket, *, now: datetime) -> list[str]:
    """A person of the service desk answered publicly: the first one meets the first response
    (its outcome stored); each one restarts the next-update clock."""
    sla = pinned_sla(ticket)
    if sla is None or ticket.status not in ACTIVE_STATUSES:
        return []
    if ticket.first_response_minutes is None:
        _decide_first_response(ticket, sla, stop=ticket.sla_paused_at or now)
    _start_next_update(ticket, sla, now)
    return list(CLOCK_FIELDS)


def _decide_first_response(ticket: Ticket, sla: ResolvedSla, *, stop: datetime) -> None:
    targets = _targets(ticket, sla)
    used = _consumed(ticket, sla.calendar, stop)
    ticket.first_response_minutes = used // MINUTE
    due = ticket.first_response_due
    ticket.first_response_breached = (due is not None and stop > due) if targets else None
    ticket.first_response_due = ticket.first_response_warning_at = None


def _pause(ticket: Ticket, sla: ResolvedSla, now: datetime) -> None:
    ticket.sla_paused_at = now
    for name in (
        "first_response_due",
        "first_response_warning_at",
        "resolution_due",
        "resolution_warning_at",
    ):
        instant = getattr(ticket, name)
        if instant is not None and instant > now:
            setattr(ticket, name, None)  # frozen; recomputed on resume
    if ticket.next_update_due is not None and ticket.next_update_due > now:
        ticket.next_update_left = sla.calendar.time_between(now, ticket.next_update_due)
        ticket.next_update_due = None


def _resume(ticket: Ticket, sla: ResolvedSla, now: datetime) -> None:
    if ticket.sla_paused_at is not None:
        ticket.sla_paused_total += max(sla.calendar.time_between(ticket.sla_paused_at, now), ZERO)
    ticket.sla_paused_at = None
    if ticket.resolution_minutes is not None:  # reopened: the resolution clock runs again
        ticket.resolution_minutes = ticket.resolution_breached = None
        ticket.resolution_due = ticket.resolution_warning_at = None
    _schedule(ticket, sla, only_missing=True)
    if ticket.next_update_left is not None:
        ticket.next_update_due = _add(sla.calendar, now, ticket.next_update_left)
        ticket.next_update_left = None
    elif ticket.next_update_due is None:
        _start_next_update(ticket, sla, now)


def _resolve(ticket: Ticket, sla: ResolvedSla, now: datetime) -> None:
    stop = ticket.sla_paused_at or now
    if ticket.first_response_minutes is None and ticket.first_response_at is None:
        _decide_first_response(ticket, sla, stop=stop)
    targets = _targets(ticket, sla)
    ticket.resolution_minutes = _consumed(ticket, sla.calendar, stop) // MINUTE
    due = ticket.resolution_due
    ticket.resolution_breached = (due is not None and stop > due) if targets else None
    _stop(ticket, stop)


def _stop(ticket: Ticket, now: datetime) -> None:
    if ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
    _clear_running(ticket)


# --- reading the clocks -----------------------------------------------------------------------


@dataclass(frozen=True)
class ClockStatus:
    """One clock as a page shows it."""

    name: str  # "first_response", "resolution" or "next_update"
    label: str
    due: datetime | None
    state: str  # ok, warning, breached, met, or "" (not running, no outcome)
    paused: bool = False
    remaining_minutes: int | None = None  # working minutes to the due instant (< 0: overdue)
    elapsed_minutes: int | None = None  # working minutes the clock has run, pauses excluded


@dataclass(frozen=True)
class SlaStatus:
    policy: str | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    next_update_due: datetime | None
    paused: bool
    state: str  # ok, warning, breached or met
    elapsed_minutes: int | None = None  # the resolution clock's working minutes so far
    remaining_minutes: int | None = None  # working minutes to resolution_due (< 0: overdue)
    clocks: list[ClockStatus] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])


def _state(ticket: Ticket, now: datetime) -> str:
    if ticket.first_response_breached or ticket.resolution_breached:
        return BREACHED
    dues = (ticket.first_response_due, ticket.resolution_due, ticket.next_update_due)
    if any(due is not None and due <= now for due in dues):
        return BREACHED
    if ticket.status not in ACTIVE_STATUSES and ticket.resolution_minutes is not None:
        return MET
    warnings = (ticket.first_response_warning_at, ticket.resolution_warning_at)
    if any(warning is not None and warning <= now for warning in warnings):
        return WARNING
    return OK


def sla_status(ticket: Ticket, now: datetime, *, sla: ResolvedSla | None = None) -> SlaStatus:
    """The clocks as stored: no query when `ticket.sla_policy` was selected with the ticket.
    Give `sla` (the ticket's `pinned_sla`) to measure elapsed and remaining working time."""
    paused = ticket.sla_paused_at is not None and ticket.status in ACTIVE_STATUSES
    status = SlaStatus(
        policy=ticket.sla_policy.name if ticket.sla_policy_id and ticket.sla_policy else None,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        next_update_due=ticket.next_update_due,
        paused=paused,
        state=_state(ticket, now),
    )
    if sla is None:
        return status
    clocks = _clocks(ticket, sla, now, paused=paused)
    resolution = clocks[1]
    return replace(
        status,
        elapsed_minutes=resolution.elapsed_minutes,
        remaining_minutes=resolution.remaining_minutes,
        clocks=clocks,
    )


def _remaining(calendar: BusinessCalendar, now: datetime, due: datetime | None) -> int | None:
    return calendar.minutes_between(now, due) if due is not None else None


def _clock_state(due: datetime | None, warning: datetime | None, now: datetime) -> str:
    if due is not None and due <= now:
        return BREACHED
    if warning is not None and warning <= now:
        return WARNING
    return OK


def _clocks(ticket: Ticket, sla: ResolvedSla, now: datetime, *, paused: bool) -> list[ClockStatus]:
    calendar = sla.calendar
    targets = _targets(ticket, sla)
    stop = min(ticket.sla_paused_at or now, now)
    elapsed = _consumed(ticket, calendar, stop) // MINUTE
    clocks: list[ClockStatus] = []

    def target_clock(
        name: str,
        label: str,
        minutes: int | None,
        due: datetime | None,
        warning: datetime | None,
        outcome_minutes: int | None,
        breached: bool | None,
    ) -> ClockStatus:
        if outcome_minutes is not None:  # decided
            return ClockStatus(
                name, label, None, BREACHED if breached else MET, elapsed_minutes=outcome_minutes
            )
        if minutes is None or ticket.status not in ACTIVE_STATUSES:
            return ClockStatus(name, label, None, "")
        if due is None and paused:  # frozen: what is left of the target
            left = minutes - elapsed
            return ClockStatus(
                name, label, None, OK, paused=True, remaining_minutes=left, elapsed_minutes=elapsed
            )
        return ClockStatus(
            name,
            label,
            due,
            _clock_state(due, warning, now),
            paused=paused,
            remaining_minutes=_remaining(calendar, now, due),
            elapsed_minutes=elapsed,
        )

    if _responded(ticket) and ticket.first_response_minutes is None:  # before any SLA applied
        clocks.append(ClockStatus("first_response", str(_("First response")), None, ""))
    else:
        clocks.append(
            target_clock(
                "first_response",
                str(_("First response")),
                targets.first_response if targets else None,
                ticket.first_response_due,
                ticket.first_response_warning_at,
                ticket.first_response_minutes,
                ticket.first_response_breached,
            )
        )
    clocks.append(
        target_clock(
            "resolution",
            str(_("Resolution")),
            targets.resolution if targets else None,
            ticket.resolution_due,
            ticket.resolution_warning_at,
            ticket.resolution_minutes,
            ticket.resolution_breached,
        )
    )
    if ticket.next_update_left is not None:
        clocks.append(
            ClockStatus(
                "next_update",
                str(_("Next update")),
                None,
                OK,
                paused=True,
                remaining_minutes=ticket.next_update_left // MINUTE,
            )
        )
    elif ticket.next_update_due is not None:
        clocks.append(
            ClockStatus(
                "next_update",
                str(_("Next update")),
                ticket.next_update_due,
                _clock_state(ticket.next_update_due, None, now),
                paused=paused,
                remaining_minutes=_remaining(calendar, now, ticket.next_update_due),
            )
        )
    return clocks


def ticket_sla_status(ticket: Ticket, now: datetime) -> SlaStatus:
    """`sla_status` with elapsed and remaining working time (a few queries: for one ticket)."""
    return sla_status(ticket, now, sla=pinned_sla(ticket))
