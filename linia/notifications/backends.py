"""The e-mail backend every message goes through: it records the message in the outbox and,
when a mail server is configured, hands it to a background task for delivery after commit.

Password resets from allauth, ticket notifications and everything else therefore appear in
the outbox page, and nothing is sent from inside a transaction or a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .models import OutboundEmail, OutboundStatus


class OutboxEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        delivering = bool(settings.LINIA_EMAIL_DELIVERY)
        count = 0
        for message in email_messages:
            row = store_message(message, delivering=delivering)
            if delivering:
                transaction.on_commit(partial(_enqueue, row.pk), robust=True)
            count += 1
        return count


def _enqueue(outbound_id: int) -> None:
    from .tasks import deliver_email_task

    deliver_email_task(outbound_id)


def store_message(message: EmailMessage, *, delivering: bool) -> OutboundEmail:
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = str(content)
    mime = message.message()
    number = message.extra_headers.get("X-Linia-Ticket", "")
    return OutboundEmail.objects.create(
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=", ".join(message.to),
        cc=", ".join(message.cc),
        subject=str(message.subject)[:500],
        body_text=str(message.body),
        body_html=html,
        message_id=str(mime.get("Message-ID", ""))[:300],
        raw=mime.as_bytes(),
        status=OutboundStatus.QUEUED if delivering else OutboundStatus.KEPT,
        ticket_number=int(number) if str(number).isdigit() else None,
    )
