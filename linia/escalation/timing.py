"""Working time for time-at-tier rules: when N working minutes at a tier are over.

The minutes are counted on the business calendar the ticket's SLA clocks follow
(`Ticket.sla_calendar`; the default calendar, or 24/7, when it has none).
"""

from __future__ import annotations

from datetime import datetime

from linia.sla.calendar import NoWorkingTime
from linia.sla.queries import get_calendar_value
from linia.tickets.models import Ticket


def tier_deadline(ticket: Ticket, entered_at: datetime, minutes: int) -> datetime | None:
    """The instant `minutes` working minutes after `entered_at` under the ticket's calendar;
    None if the calendar has no working time left."""
    calendar = get_calendar_value(ticket.sla_calendar_id)
    try:
        return calendar.add_minutes(entered_at, minutes)
    except NoWorkingTime:
        return None
