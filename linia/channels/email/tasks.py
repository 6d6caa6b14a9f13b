"""Background tasks of the e-mail channel: the periodic IMAP poll."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task


@db_periodic_task(crontab(minute="*"))
@lock_task("poll-imap")
def poll_imap_task() -> None:
    from .imap import poll_all

    poll_all()
