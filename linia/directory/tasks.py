"""Background tasks of the directory."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from .services.reminders import send_license_reminders


@db_periodic_task(crontab(minute="15", hour="7"))
@lock_task("license-reminders")
def send_license_reminders_task() -> None:
    """Once a day: reminders of licenses ending in 30, 7 and 1 day(s)."""
    send_license_reminders(today=timezone.localdate())
