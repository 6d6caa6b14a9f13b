"""Business time: working hours in a time zone, with public holidays and custom days.

`BusinessCalendar` is an immutable value: no database, no settings. The SLA clocks ask it three
questions: "what instant is N working minutes after this one?" (`add`, `add_minutes`), "how much
working time lies between two instants?" (`time_between`, `minutes_between`) and "is this
instant working time?" (`is_working_time`).

The one rule everything follows: an instant is working time when the wall clock of the
calendar's time zone shows, at that instant, a time inside one of that date's working intervals.
So, on the day clocks go forward, the skipped hour never happens (an interval 02:00-05:00 in
Kyiv is two hours long that day, and an interval that starts in the skipped hour starts when the
clocks jump); on the day clocks go back, the repeated hour happens twice and counts twice.
Midnight is not special: an interval may end at 24:00 and the next one begin at 00:00.

What a date's working intervals are, in order of precedence:
1. 24/7 calendars: the whole day, every day (holidays do not apply);
2. an extra working day of the calendar: its own hours, or the usual working day's hours;
3. a custom day off of the calendar: none;
4. a day the country's law moves work to (e.g. a working Saturday in Russia): the usual hours;
5. a public holiday of the country (the `holidays` package): none;
6. otherwise the weekly hours of that weekday.
The "usual working day" is the first weekday, Monday first, that has hours.

The arithmetic walks whole working intervals, day by day, never minute by minute; the time
zone's offset changes are found once per (zone, year) and the public holidays once per
(country, year), both cached for the life of the process.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays as holidays_package

DAY_MINUTES = 24 * 60
ZERO = timedelta(0)
MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)
WEEKDAYS = 7

# Working intervals of one date: minutes from local midnight, [start, end), 0 ≤ start < end ≤ 1440.
Span = tuple[int, int]
Spans = tuple[Span, ...]
WHOLE_DAY: Spans = ((0, DAY_MINUTES),)

TimeLike = time | str | int


class NoWorkingTime(ValueError):
    """The calendar has no working time after the instant (it has no weekly hours and its
    last extra working day is past), so the asked-for instant does not exist."""


# --- parsing and normalising ---------------------------------------------------------------


def to_minutes(value: TimeLike, *, is_end: bool = False) -> int:
    """ "09:30", time(9, 30) or 570 → 570. For an end, "24:00" or midnight (00:00) → 1440."""
    if isinstance(value, bool):
        raise TypeError("a time of day, not a boolean")
    if isinstance(value, int):
        minutes = value
    elif isinstance(value, time):
        if value.second or value.microsecond:
            raise ValueError(f"working hours are whole minutes, not {value.isoformat()}")
        minutes = value.hour * 60 + value.minute
    else:
        text = value.strip()
        hours, sep, mins = text.partition(":")
        if not sep or not hours.isdigit() or not mins.isdigit() or len(mins) != 2:
            raise ValueError(f"“{value}” is not a time of day (HH:MM)")
        minutes = int(hours) * 60 + int(mins)
        if int(mins) > 59:
            raise ValueError(f"“{value}” is not a time of day (HH:MM)")
    if is_end and minutes == 0:
        minutes = DAY_MINUTES
    if not 0 <= minutes <= DAY_MINUTES:
        raise ValueError(f"{value!r} is outside the day")
    return minutes


def normalize_spans(spans: Iterable[tuple[TimeLike, TimeLike]]) -> Spans:
    """Sorted, validated intervals of one day; overlapping or touching ones are merged."""
    parsed = sorted((to_minutes(start), to_minutes(end, is_end=True)) for start, end in spans)
    merged: list[list[int]] = []
    for start, end in parsed:
        if start >= end:
            raise ValueError("a working interval must end after it starts")
        if start >= DAY_MINUTES:
            raise ValueError("a working interval must start before midnight")
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((start, end) for start, end in merged)


@cache
def supported_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes the `holidays` package knows."""
    return frozenset(code for code in holidays_package.list_supported_countries() if len(code) == 2)


def validate_timezone(key: str) -> str:
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"“{key}” is not a known time zone") from None
    return key


def validate_country(code: str) -> str:
    code = code.strip().upper()
    if code and code not in supported_countries():
        raise ValueError(f"“{code}” is not a country the holidays calendar knows")
    return code


# --- cached facts about zones and countries ------------------------------------------------


@lru_cache(maxsize=512)
def country_days(country: str, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The public holidays of `country` in `year`, and the weekend days its law makes working
    days (days moved to make a bridge, as in Russia). Cached per (country, year)."""
    table = holidays_package.country_holidays(country, years=year)
    public = frozenset(day for day in table if day.year == year)
    moved = frozenset(day for day in getattr(table, "weekend_workdays", ()) if day.year == year)
    return public, moved


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # noqa: S101  (a ZoneInfo always has one)
    return offset


@lru_cache(maxsize=1024)
def zone_transitions(zone_key: str, year: int) -> tuple[datetime, ...]:
    """The UTC instants of `year` (UTC) at which the zone's offset changes, to the second.

    Found by comparing offsets a day apart and bisecting where they differ: cheap, and cached
    per (zone, year). (Two changes within one day that cancel out would go unseen; no zone
    has them.)"""
    zone = ZoneInfo(zone_key)
    instant = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = _offset(zone, instant)
    found: list[datetime] = []
    while instant < end:
        step = min(instant + timedelta(days=1), end)
        if _offset(zone, step) == offset:
            instant = step
            continue
        low, high = instant, step  # same offset at low, another at high
        while high - low > SECOND:
            middle = low + SECOND * ((high - low) // SECOND // 2)
            if _offset(zone, middle) == offset:
                low = middle
            else:
                high = middle
        found.append(high)
        instant, offset = high, _offset(zone, high)
    return tuple(found)


def _segment_end(zone_key: str, instant: datetime) -> datetime:
    """The next offset change after `instant`, or the next new year (UTC) if there is none
    before it: the zone's offset is constant in [instant, result)."""
    changes = zone_transitions(zone_key, instant.year)
    index = bisect.bisect_right(changes, instant)
    if index < len(changes):
        return changes[index]
    return datetime(instant.year + 1, 1, 1, tzinfo=UTC)


def _require_aware(instant: datetime) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("business-time arithmetic needs aware datetimes")


# --- the calendar ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
    """Working hours in a time zone. Build one with `BusinessCalendar.build(...)`.

    weekly        seven tuples of intervals (minutes from midnight), Monday first
    working_days  extra working days: (date, intervals) pairs; empty intervals mean the usual
                  working day's hours
    """

    timezone: str = "UTC"
    weekly: tuple[Spans, ...] = ((),) * WEEKDAYS
    holidays_country: str = ""
    days_off: frozenset[date] = frozenset()
    working_days: tuple[tuple[date, Spans], ...] = ()
    is_24x7: bool = False
    _extra: dict[date, Spans] = field(init=False, repr=False, compare=False, hash=False)
    _usual: Spans = field(init=False, repr=False, compare=False, hash=False)
    _recurring: bool = field(init=False, repr=False, compare=False, hash=False)
    _last_extra: date | None = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        validate_timezone(self.timezone)
        if len(self.weekly) != WEEKDAYS:
            raise ValueError("weekly hours need seven days, Monday first")
        weekly = tuple(normalize_spans(day) for day in self.weekly)
        country = validate_country(self.holidays_country)
        extra: dict[date, Spans] = {}
        for day, spans in self.working_days:
            extra[day] = normalize_spans([*extra.get(day, ()), *spans])
        usual = next((day for day in weekly if day), ())
        set_ = object.__setattr__
        set_(self, "weekly", weekly)
        set_(self, "holidays_country", country)
        set_(self, "working_days", tuple(sorted(extra.items())))
        set_(self, "_extra", extra)
        set_(self, "_usual", usual)
        set_(self, "_recurring", self.is_24x7 or bool(usual))
        set_(self, "_last_extra", max(extra) if extra else None)

    @classmethod
    def build(
        cls,
        *,
        timezone: str = "UTC",
        hours: Mapping[int, Iterable[tuple[TimeLike, TimeLike]]] | None = None,
        holidays_country: str = "",
        days_off: Iterable[date] = (),
        working_days: Mapping[date, Iterable[tuple[TimeLike, TimeLike]]] | None = None,
        is_24x7: bool = False,
    ) -> BusinessCalendar:
        """`hours` maps a weekday (0 = Monday) to its intervals, e.g.
        {0: [("09:00", "13:00"), ("14:00", "18:00")], …}; missing weekdays are days off."""
        hours = hours or {}
        if any(not 0 <= weekday < WEEKDAYS for weekday in hours):
            raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")
        return cls(
            timezone=timezone,
            weekly=tuple(normalize_spans(hours.get(weekday, ())) for weekday in range(WEEKDAYS)),
            holidays_country=holidays_country,
            days_off=frozenset(days_off),
            working_days=tuple(
                (day, normalize_spans(spans)) for day, spans in (working_days or {}).items()
            ),
            is_24x7=is_24x7,
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)  # ZoneInfo caches its instances

    # --- one date ----------------------------------------------------------------------------

    def day_spans(self, day: date) -> Spans:
        """The working intervals of a local date (see the module docstring for precedence)."""
        if self.is_24x7:
            return WHOLE_DAY
        extra = self._extra.get(day)
        if extra is not None:
            return extra or self._usual
        if day in self.days_off:
            return ()
        if self.holidays_country:
            public, moved = country_days(self.holidays_country, day.year)
            if day in moved:
                return self._usual
            if day in public:
                return ()
        return self.weekly[day.weekday()]

    def is_working_day(self, day: date) -> bool:
        return bool(self.day_spans(day))

    # --- instants ----------------------------------------------------------------------------

    def is_working_time(self, instant: datetime) -> bool:
        _require_aware(instant)
        local = instant.astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.day_spans(local.date()))

    def spans(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """The working periods [a, b) from `start` on, in UTC and in order, the first one
        clipped to `start`. Ends only if the calendar runs out of working time."""
        _require_aware(start)
        zone = self.zone
        instant = start.astimezone(UTC)
        while True:
            segment_end = _segment_end(self.timezone, instant)
            offset = _offset(zone, instant)
            # In [instant, segment_end) the offset is constant: wall time = UTC + offset.
            wall_from = instant.replace(tzinfo=None) + offset
            wall_to = segment_end.replace(tzinfo=None) + offset
            day = wall_from.date()
            midnight = datetime.combine(day, time())
            while midnight < wall_to:
                if not self._recurring and (self._last_extra is None or day > self._last_extra):
                    return
                for first, last in self.day_spans(day):
                    begin = max(midnight + MINUTE * first, wall_from)
                    finish = min(midnight + MINUTE * last, wall_to)
                    if begin < finish:
                        yield (
                            (begin - offset).replace(tzinfo=UTC),
                            (finish - offset).replace(tzinfo=UTC),
                        )
                day += timedelta(days=1)
                midnight = datetime.combine(day, time())
            instant = segment_end

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which `duration` of working time has passed since `start`
        (in UTC). Adding nothing returns `start` itself, even outside working hours.
        Raises NoWorkingTime if the calendar runs out of working time."""
        _require_aware(start)
        if duration < ZERO:
            raise ValueError("add a positive duration")
        if duration == ZERO:
            return start.astimezone(UTC)
        left = duration
        for begin, finish in self.spans(start):
            if finish - begin >= left:
                return begin + left
            left -= finish - begin
        raise NoWorkingTime("the calendar has no working time left")

    def add_minutes(self, start: datetime, minutes: float) -> datetime:
        """`add` for a number of working minutes ("P1: resolve within 240 working minutes")."""
        return self.add(start, timedelta(minutes=minutes))

    def time_between(self, start: datetime, end: datetime) -> timedelta:
        """The working time in [start, end); negative if `end` is before `start`."""
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.time_between(end, start)
        total = ZERO
        for begin, finish in self.spans(start):
            if begin >= end:
                break
            total += min(finish, end) - begin
        return total

    def minutes_between(self, start: datetime, end: datetime) -> int:
        """Whole working minutes in [start, end), rounded toward zero."""
        between = self.time_between(start, end)
        whole = abs(between) // MINUTE
        return whole if between >= ZERO else -whole


ALWAYS = BusinessCalendar(is_24x7=True)
"""24/7 in UTC: the calendar of last resort when none is configured."""
