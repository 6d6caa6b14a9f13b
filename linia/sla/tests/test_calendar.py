"""Business-time arithmetic on worked examples: what an administrator would check by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from linia.sla.calendar import (
    ALWAYS,
    BusinessCalendar,
    country_days,
    normalize_spans,
    to_minutes,
    zone_transitions,
)

KYIV = ZoneInfo("Europe/Kyiv")
WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = range(5)


def office(zone: str = "Europe/Kyiv", country: str = "", **kwargs) -> BusinessCalendar:
    hours = kwargs.pop("hours", {day: [("09:00", "18:00")] for day in WEEKDAYS})
    return BusinessCalendar.build(timezone=zone, hours=hours, holidays_country=country, **kwargs)


def split_day(zone: str = "Europe/Kyiv", country: str = "") -> BusinessCalendar:
    hours = {day: [("09:00", "13:00"), ("14:00", "18:00")] for day in WEEKDAYS}
    return office(zone, country, hours=hours)


# --- adding working time ------------------------------------------------------------------------


def test_four_working_hours_after_friday_half_past_five_in_kyiv():
    friday = datetime(2026, 3, 27, 17, 30, tzinfo=KYIV)

    due = office().add_minutes(friday, 240)

    # 30 minutes on Friday, 3½ hours on Monday; the clocks moved on Sunday, which changes nothing.
    assert due.astimezone(KYIV) == datetime(2026, 3, 30, 12, 30, tzinfo=KYIV)


def test_lunch_break_is_not_working_time():
    morning = datetime(2026, 6, 1, 12, 0, tzinfo=KYIV)  # Monday

    due = split_day().add_minutes(morning, 120)

    assert due.astimezone(KYIV) == datetime(2026, 6, 1, 15, 0, tzinfo=KYIV)


def test_an_instant_outside_hours_starts_at_the_next_opening():
    night = datetime(2026, 6, 1, 3, 0, tzinfo=KYIV)

    assert office().add_minutes(night, 1).astimezone(KYIV) == datetime(
        2026, 6, 1, 9, 1, tzinfo=KYIV
    )


def test_a_target_ending_exactly_at_closing_time_is_due_at_closing_time():
    morning = datetime(2026, 6, 1, 9, 0, tzinfo=KYIV)

    assert office().add_minutes(morning, 540).astimezone(KYIV) == datetime(
        2026, 6, 1, 18, 0, tzinfo=KYIV
    )


def test_adding_nothing_returns_the_start_even_at_night():
    night = datetime(2026, 6, 1, 3, 0, tzinfo=KYIV)

    assert office().add_minutes(night, 0) == night


def test_results_are_in_utc():
    start = datetime(2026, 6, 1, 10, 0, tzinfo=KYIV)

    assert office().add_minutes(start, 60) == datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def test_five_working_days():
    monday = datetime(2026, 6, 1, 9, 0, tzinfo=KYIV)

    due = office().add_minutes(monday, 5 * 540)

    assert due.astimezone(KYIV) == datetime(2026, 6, 5, 18, 0, tzinfo=KYIV)


# --- holidays -----------------------------------------------------------------------------------


def test_christmas_eve_is_a_holiday_in_poland():
    # 24 December is a public holiday in Poland from 2025; 25 and 26 too, then the weekend:
    # two hours on Wednesday, two on Monday.
    wednesday = datetime(2026, 12, 23, 16, 0, tzinfo=WARSAW)

    due = office("Europe/Warsaw", "PL").add_minutes(wednesday, 240)

    assert due.astimezone(WARSAW) == datetime(2026, 12, 28, 11, 0, tzinfo=WARSAW)


def test_without_a_country_christmas_eve_is_a_working_day():
    wednesday = datetime(2026, 12, 23, 16, 0, tzinfo=WARSAW)

    due = office("Europe/Warsaw").add_minutes(wednesday, 240)

    assert due.astimezone(WARSAW) == datetime(2026, 12, 24, 11, 0, tzinfo=WARSAW)


def test_ukrainian_public_holidays_are_suspended_under_martial_law():
    # The `holidays` package lists no Ukrainian public holidays from 2023 (martial law): a
    # Kyiv calendar that must keep a holiday lists it as a custom day off.
    assert country_days("UA", 2026) == (frozenset(), frozenset())
    assert date(2021, 8, 24) in country_days("UA", 2021)[0]
    independence_day = datetime(2026, 8, 24, 9, 0, tzinfo=KYIV)  # a Monday
    with_day_off = office(country="UA", days_off=[date(2026, 8, 24)])

    assert office(country="UA").is_working_time(independence_day)
    assert not with_day_off.is_working_time(independence_day)


def test_russian_new_year_holidays_and_a_moved_working_saturday():
    calendar = office("Europe/Moscow", "RU")
    moscow = ZoneInfo("Europe/Moscow")

    assert not calendar.is_working_day(date(2026, 1, 5))  # Monday of the New Year holidays
    assert calendar.is_working_day(date(2024, 4, 27))  # a Saturday made a working day
    assert calendar.day_spans(date(2024, 4, 27)) == ((540, 1080),)
    assert calendar.add_minutes(datetime(2026, 1, 1, tzinfo=moscow), 1).astimezone(
        moscow
    ) == datetime(2026, 1, 12, 9, 1, tzinfo=moscow)


def test_custom_days_off_and_extra_working_days_with_their_own_hours():
    calendar = office(
        days_off=[date(2026, 6, 2)],
        working_days={date(2026, 6, 6): [("10:00", "14:00")], date(2026, 6, 7): []},
    )

    assert calendar.day_spans(date(2026, 6, 2)) == ()
    assert calendar.day_spans(date(2026, 6, 6)) == ((600, 840),)
    assert calendar.day_spans(date(2026, 6, 7)) == ((540, 1080),)  # the usual day's hours
    saturday = datetime(2026, 6, 6, 13, 0, tzinfo=KYIV)
    assert calendar.add_minutes(saturday, 120).astimezone(KYIV) == datetime(
        2026, 6, 7, 10, 0, tzinfo=KYIV
    )


def test_an_extra_working_day_wins_over_a_holiday():
    calendar = office("Europe/Warsaw", "PL", working_days={date(2026, 12, 24): []})

    assert calendar.is_working_day(date(2026, 12, 24))
    assert not calendar.is_working_day(date(2026, 12, 25))


# --- time zones and midnight ----------------------------------------------------------------------


def test_the_night_the_clocks_go_forward_has_a_shorter_shift():
    night_shift = office(hours={6: [("00:00", "06:00")]})  # Sunday 00:00-06:00
    sunday = datetime(2026, 3, 29, 0, 0, tzinfo=KYIV)

    # 03:00 became 04:00: the shift lasted five real hours.
    assert night_shift.minutes_between(sunday, sunday + timedelta(hours=12)) == 300


def test_the_night_the_clocks_go_back_has_a_longer_shift():
    night_shift = office(hours={6: [("00:00", "06:00")]})
    sunday = datetime(2026, 10, 25, 0, 0, tzinfo=KYIV)

    # 04:00 became 03:00 again: the hour 03:00-04:00 happened twice and counts twice.
    assert night_shift.minutes_between(sunday, sunday + timedelta(hours=12)) == 420


def test_an_interval_starting_in_the_skipped_hour_starts_when_the_clocks_jump():
    calendar = office(hours={6: [("03:30", "05:00")]})
    sunday = datetime(2026, 3, 29, 0, 0, tzinfo=KYIV)

    assert calendar.minutes_between(sunday, sunday + timedelta(hours=12)) == 60
    assert calendar.add_minutes(sunday, 1) == datetime(2026, 3, 29, 1, 1, tzinfo=UTC)


def test_new_york_business_day_across_the_change():
    calendar = office("America/New_York", hours={6: [("01:00", "04:00")]})
    sunday = datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK)

    assert calendar.minutes_between(sunday, sunday + timedelta(days=1)) == 120
    assert zone_transitions("America/New_York", 2026) == (
        datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    )


def test_an_interval_may_end_at_midnight_and_the_next_begin_there():
    calendar = office(hours={0: [("20:00", "24:00")], 1: [("00:00", "02:00")]})
    monday = datetime(2026, 6, 1, 23, 0, tzinfo=KYIV)

    assert calendar.add_minutes(monday, 120).astimezone(KYIV) == datetime(
        2026, 6, 2, 1, 0, tzinfo=KYIV
    )
    assert calendar.is_working_time(datetime(2026, 6, 1, 23, 59, tzinfo=KYIV))
    assert not calendar.is_working_time(datetime(2026, 6, 2, 2, 0, tzinfo=KYIV))


def test_twenty_four_seven_counts_every_minute_and_ignores_holidays():
    calendar = BusinessCalendar.build(timezone="Europe/Warsaw", holidays_country="PL", is_24x7=True)
    christmas = datetime(2026, 12, 24, 22, 0, tzinfo=WARSAW)

    assert calendar.add_minutes(christmas, 240) == christmas + timedelta(hours=4)
    assert ALWAYS.minutes_between(christmas, christmas + timedelta(days=3)) == 3 * 1440


# --- measuring ---------------------------------------------------------------------------------


def test_working_minutes_between_two_instants():
    friday = datetime(2026, 6, 5, 17, 0, tzinfo=KYIV)
    monday = datetime(2026, 6, 8, 10, 30, tzinfo=KYIV)

    assert split_day().minutes_between(friday, monday) == 60 + 90
    assert split_day().minutes_between(monday, friday) == -150


def test_is_working_time_in_a_split_day():
    calendar = split_day()

    assert calendar.is_working_time(datetime(2026, 6, 1, 12, 59, tzinfo=KYIV))
    assert not calendar.is_working_time(datetime(2026, 6, 1, 13, 0, tzinfo=KYIV))
    assert calendar.is_working_time(datetime(2026, 6, 1, 14, 0, tzinfo=KYIV))
    assert not calendar.is_working_time(datetime(2026, 6, 6, 10, 0, tzinfo=KYIV))  # Saturday


# --- input -------------------------------------------------------------------------------------


def test_hours_are_parsed_validated_and_merged():
    assert to_minutes("09:30") == 570
    assert to_minutes(time(0), is_end=True) == 1440
    assert normalize_spans([("14:00", "18:00"), ("09:00", "13:00"), ("12:00", "14:00")]) == (
        (540, 1080),
    )
    for bad in [[("18:00", "09:00")], [("9", "10:00")], [("09:75", "10:00")]]:
        with pytest.raises(ValueError):
            normalize_spans(bad)


def test_unknown_zone_or_country_and_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        BusinessCalendar.build(timezone="Europe/Atlantis")
    with pytest.raises(ValueError):
        BusinessCalendar.build(holidays_country="XX")
    with pytest.raises(ValueError):
        office().add_minutes(datetime(2026, 6, 1, 9, 0), 10)
