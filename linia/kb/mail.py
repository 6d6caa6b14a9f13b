"""E-mail to an article owner: the articles of theirs that need a review."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from linia.accounts.models import User

from .models import Article


def send_review_reminder(owner: User, articles: Sequence[Article]) -> None:
    with translation.override(owner.language):
        context = {
            "recipient": owner,
            "articles": articles,
            "months": settings.LINIA_KB_REVIEW_MONTHS,
            "base_url": settings.LINIA_BASE_URL,
        }
        subject = render_to_string("kb/email/review_reminder.subject.txt", context)
        body = render_to_string("kb/email/review_reminder.txt", context)
    EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[owner.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": owner.language},
    ).send()
