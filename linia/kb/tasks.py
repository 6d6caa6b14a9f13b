"""Background work of the knowledge base: the weekly review reminder to article owners."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from linia.accounts.models import User

from .mail import send_review_reminder
from .models import Article
from .queries import stale_articles
from .services import mark_review_reminded

REMIND_EVERY = timedelta(days=7)


def send_review_reminders(*, now: datetime) -> int:
    """E-mail each owner their stale articles not reminded of in the last week; returns how
    many owners were written to. Marks the articles after each owner's mail is handed over."""
    due: dict[int, list[Article]] = defaultdict(list)
    for article in stale_articles(now=now).exclude(review_reminded_at__gte=now - REMIND_EVERY):
        due[article.owner_id].append(article)
    owners = User.objects.mailable().filter(pk__in=due)
    for owner in owners:
        send_review_reminder(owner, due[owner.pk])
        mark_review_reminded(article_ids=[article.pk for article in due[owner.pk]], now=now)
    return len(owners)


@db_periodic_task(crontab(minute="30", hour="7", day_of_week="1"))
@lock_task("kb-review-reminders")
def review_reminders_task() -> None:
    send_review_reminders(now=timezone.now())
