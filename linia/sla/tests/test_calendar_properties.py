"""Business-time arithmetic against a brute-force reference that walks minute by minute.

The reference knows nothing of the calendar's internals: for each UTC minute it asks the time
zone for the local wall clock and checks that date's working intervals, computed by its own
rules (weekly hours, holidays, custom days). Random calendars use the zones whose clocks move
(Kyiv, Warsaw, New York) and start instants are drawn around their DST changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linia.sla.calendar import BusinessCalendar, NoWorkingTime

MINUTE = timedelta(minutes=1)
ZONES = ["Europe/Kyiv", "Europe/Warsaw", "America/New_York", "UTC"]
COUNTRIES = ["", "UA", "PL", "RU", "US"]
# The UTC instants of the DST changes the starts cluster around (2025-2027).
DST_CHANGES = {
    "Europe/Kyiv": [
        "2025-03-30T01:00",
        "2025-10-26T01:00",
        "2026-03-29T01:00",
        "2026-10-25T01:00",
        "2027-03-28T01:00",
    ],
    "Europe/Warsaw": [
        "2025-03-30T01:00",
        "2025-10-26T01:00",
        "2026-03-29T01:00",
        "2026-10-25T01:00",
        "2027-03-28T01:00",
    ],
    "America/New_York": [
        "2025-03-09T07:00",
        "2025-11-02T06:00",
        "2026-03-08T07:00",
        "2026-11-01T06:00",
        "2027-03-14T07:00",
    ],
    "UTC": ["2026-01-01T00:00", "2026-06-30T12:00"],
}


# --- the reference ---------------------------------------------------------------------------


@lru_cache(maxsize=64)
def reference_holidays(country: str, year: int) -> tuple[set[date], set[date]]:
    table = holidays.country_holidays(country, years=year)
    return set(table), set(getattr(table, "weekend_workdays", set()))


def reference_day(calendar: BusinessCalendar, day: date) -> list[tuple[int, int]]:
    if calendar.is_24x7:
        return [(0, 1440)]
    extra = [spans for extra_day, spans in calendar.working_days if extra_day == day]
    if extra:
        usual = next((spans for spans in calendar.weekly if spans), ())
        return list(extra[0] or usual)
    if day in calendar.days_off:
        return []
    if calendar.holidays_country:
        public, moved = reference_holidays(calendar.holidays_country, day.year)
        if day in moved:
            return list(next((spans for spans in calendar.weekly if spans), ()))
        if day in public:
            return []
    return list(calendar.weekly[day.weekday()])


def reference_is_working(calendar: BusinessCalendar, instant: datetime) -> bool:
    local = instant.astimezone(ZoneInfo(calendar.timezone))
    minute = local.hour * 60 + local.minute
    return any(start <= minute < end for start, end in reference_day(calendar, local.date()))


def reference_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    count, instant = 0, start
    while instant < end:
        count += reference_is_working(calendar, instant)
        instant += MINUTE
    return count


def reference_add(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    instant, counted = start, 0
    while counted < minutes:
        counted += reference_is_working(calendar, instant)
        instant += MINUTE
    return instant


# --- strategies -------------------------------------------------------------------------------

# Boundaries on the half hour, and some right at the DST hours (02:00-04:00 local).
boundaries = st.one_of(
    st.integers(0, 48).map(lambda half_hours: half_hours * 30),
    st.sampled_from([0, 60, 120, 150, 180, 210, 240, 1440]),
)


@st.composite
def day_spans(draw) -> list[tuple[int, int]]:
    points = sorted(set(draw(st.lists(boundaries, min_size=0, max_size=6))))
    if len(points) % 2:
        points = points[:-1]
    return [(points[i], points[i + 1]) for i in range(0, len(points), 2)]


@st.composite
def calendars(draw) -> BusinessCalendar:
    zone = draw(st.sampled_from(ZONES))
    weekly = {weekday: draw(day_spans()) for weekday in range(7)}
    if not any(weekly.values()):
        weekly[draw(st.integers(0, 6))] = [(540, 1080)]
    around = draw(st.sampled_from(DST_CHANGES[zone]))
    base = date.fromisoformat(around[:10])
    near_days = st.integers(-6, 9).map(lambda shift: base + timedelta(days=shift))
    extra = draw(st.dictionaries(near_days, day_spans(), max_size=3))
    return BusinessCalendar.build(
        timezone=zone,
        hours=weekly,
        holidays_country=draw(st.sampled_from(COUNTRIES)),
        days_off=draw(st.sets(near_days, max_size=3)),
        working_days=extra,
        is_24x7=draw(st.booleans().map(lambda yes: yes and draw(st.integers(0, 9)) == 0)),
    )


@st.composite
def calendar_and_start(draw) -> tuple[BusinessCalendar, datetime]:
    calendar = draw(calendars())
    around = datetime.fromisoformat(draw(st.sampled_from(DST_CHANGES[calendar.timezone])))
    shift = draw(st.one_of(st.integers(-180, 180), st.integers(-4 * 1440, 4 * 1440)))
    return calendar, around.replace(tzinfo=UTC) + shift * MINUTE


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# --- properties -------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(0, 3 * 1440))
def test_between_matches_the_reference(case, length):
    calendar, start = case
    end = start + length * MINUTE

    assert calendar.minutes_between(start, end) == reference_between(calendar, start, end)
    assert calendar.time_between(start, end) == reference_between(calendar, start, end) * MINUTE


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(0, 1200))
def test_add_matches_the_reference(case, minutes):
    calendar, start = case

    result = calendar.add_minutes(start, minutes)

    assert result == reference_add(calendar, start, minutes)
    assert calendar.minutes_between(start, result) == minutes


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(0, 600), st.integers(0, 600))
def test_adding_twice_is_adding_the_sum(case, first, second):
    calendar, start = case

    assert calendar.add_minutes(calendar.add_minutes(start, first), second) == (
        calendar.add_minutes(start, first + second)
    )


@PROPERTY_SETTINGS
@given(calendar_and_start())
def test_is_working_time_matches_the_reference(case):
    calendar, start = case

    for minute in range(0, 6 * 60, 7):
        instant = start + minute * MINUTE
        assert calendar.is_working_time(instant) == reference_is_working(calendar, instant)


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(0, 2 * 1440), st.integers(0, 2 * 1440))
def test_between_is_antisymmetric_and_additive(case, first, second):
    calendar, start = case
    middle, end = start + first * MINUTE, start + (first + second) * MINUTE

    assert calendar.time_between(end, start) == -calendar.time_between(start, end)
    assert calendar.time_between(start, end) == (
        calendar.time_between(start, middle) + calendar.time_between(middle, end)
    )


@PROPERTY_SETTINGS
@given(calendar_and_start(), st.integers(1, 300), st.integers(1, 59))
def test_add_handles_seconds_exactly(case, minutes, seconds):
    calendar, start = case
    start += seconds * timedelta(seconds=1)
    duration = timedelta(minutes=minutes, seconds=seconds)

    result = calendar.add(start, duration)

    assert calendar.time_between(start, result) == duration
    # The earliest such instant: a second less of work is not enough.
    assert calendar.time_between(start, result - timedelta(seconds=1)) < duration


def test_a_calendar_without_weekly_hours_runs_out():
    calendar = BusinessCalendar.build(
        timezone="Europe/Kyiv", working_days={date(2026, 5, 2): [("10:00", "12:00")]}
    )
    start = datetime(2026, 5, 1, tzinfo=UTC)

    assert calendar.add_minutes(start, 120) == datetime(2026, 5, 2, 9, 0, tzinfo=UTC)
    assert calendar.minutes_between(start, start + timedelta(days=400)) == 120
    with pytest.raises(NoWorkingTime):
        calendar.add_minutes(start, 121)
