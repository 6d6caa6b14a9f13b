"""The escalation scheduler: one tick a minute, under a lock so that two schedulers never run
a tick at once (and the firings' unique key keeps them from double-firing even if they did)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))
@lock_task("fire-escalations")
def fire_escalations_task() -> None:
    from .services import fire_escalations

    results = fire_escalations(now=timezone.now())
    fired = [result for result in results if not result.error]
    if fired:
        logger.info("Escalation rules fired %d times", len(fired))
    failed = len(results) - len(fired)
    if failed:
        logger.warning("%d escalation firings failed; they are retried on the next tick", failed)
