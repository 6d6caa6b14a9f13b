"""Delivery of recorded e-mail over SMTP, with bounded retries for network failures."""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import get_connection
from django.utils import timezone
from huey.contrib.djhuey import db_task

from .models import OutboundEmail, OutboundStatus

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@db_task(retries=MAX_ATTEMPTS - 1, retry_delay=60)
def deliver_email_task(outbound_id: int) -> None:
    row = OutboundEmail.objects.filter(pk=outbound_id, status=OutboundStatus.QUEUED).first()
    if row is None:
        return
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")
    recipients = [address.strip() for address in f"{row.to},{row.cc}".split(",") if address.strip()]
    try:
        connection.open()
        assert connection.connection is not None  # noqa: S101
        connection.connection.sendmail(row.from_email, recipients, bytes(row.raw))
        connection.close()
    except (smtplib.SMTPException, OSError) as error:
        row.attempts += 1
        row.error = str(error)[:2000]
        if row.attempts >= MAX_ATTEMPTS or isinstance(error, smtplib.SMTPRecipientsRefused):
            row.status = OutboundStatus.FAILED
            row.save(update_fields=["attempts", "error", "status"])
            logger.warning("Giving up on e-mail %s: %s", row.pk, error)
            return
        row.save(update_fields=["attempts", "error"])
        raise
    row.status = OutboundStatus.SENT
    row.sent_at = timezone.now()
    row.attempts += 1
    row.error = ""
    row.save(update_fields=["status", "sent_at", "attempts", "error"])
