"""Working time for time-at-tier rules: minutes that count under the ticket's SLA calendar.

Until the SLA engine (linia.sla) provides calendars, this falls back to wall-clock minutes.
"""

from __future__ import annotations

from datetime import datetime

from linia.tickets.models import Ticket


def working_minutes_since(ticket: Ticket, instant: datetime, now: datetime) -> int:
    """Whole working minutes between `instant` and `now` for `ticket` (0 if `now` is earlier)."""
    if now <= instant:
        return 0
    return int((now - instant).total_seconds() // 60)
