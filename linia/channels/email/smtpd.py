"""An SMTP receiver (aiosmtpd) for providers that forward mail to Linia.

Every message accepted is stored and ingested through the one pipeline. The answer is 250
once the raw bytes are stored (even a quarantined message is kept, so it is accepted), and
451 (try again later) only when the database is unreachable.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.db import InterfaceError, OperationalError, close_old_connections

from .ingest import IngestResult, ingest_message
from .models import Source

logger = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 50 * 1024 * 1024


def _ingest(raw: bytes, mailbox_id: int | None) -> IngestResult:
    close_old_connections()
    try:
        return ingest_message(raw=raw, source=Source.SMTP, mailbox_id=mailbox_id)
    finally:
        close_old_connections()


class IngestHandler:
    def __init__(self, mailbox_id: int | None = None) -> None:
        # The mailbox whose routing (default team, category, unknown senders) applies.
        self.mailbox_id = mailbox_id

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = bytes(envelope.original_content or b"")
        try:
            result = await sync_to_async(_ingest, thread_sensitive=False)(raw, self.mailbox_id)
        except (OperationalError, InterfaceError):
            logger.exception("Database unavailable; asking the sender to retry")
            return "451 4.3.0 Temporarily unable to store the message, try again later"
        logger.info("SMTP message: %s", result.line())
        return "250 2.0.0 Message accepted"


def make_controller(
    host: str, port: int, *, mailbox_id: int | None = None, **kwargs: Any
) -> Controller:
    return Controller(
        IngestHandler(mailbox_id),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        **kwargs,
    )
