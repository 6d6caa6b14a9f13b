"""Polling IMAP mailboxes without losing or doubling mail.

Each unseen message is fetched with BODY.PEEK[] (the server does not mark it seen), ingested
(raw stored and ticket committed, BATCH_SIZE messages at a time), and only then flagged
\\Seen. A crash in between leaves the messages unseen; the next poll fetches them again and
the Message-ID check answers "duplicate".
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import InterfaceError, OperationalError
from django.utils import timezone
from imap_tools import (
    AND,
    BaseMailBox,
    MailBox,
    MailBoxStartTls,
    MailBoxUnencrypted,
    MailMessage,
    MailMessageFlags,
)

from .batch import ingest_batch
from .ingest import IngestResult
from .models import Auth, Mailbox, Security, Source

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 60
# Messages ingested together (linia.channels.email.batch): one transaction for the plain ones,
# and up to this many refetched, and answered "duplicate", after a crash before the flag.
# A batch also ends at BATCH_BYTES of raw mail, so that large attachments are not all held in
# memory at once. Measured in bench/email_ingest.py: 50 a batch ~250 messages/s, 100 ~300.
BATCH_SIZE = 100
BATCH_BYTES = 20 * 1024 * 1024


class RawMailMessage(MailMessage):
    """imap-tools' message, keeping the exact bytes the server sent."""

    def __init__(self, fetch_data: list[Any]) -> None:
        raw, _uid, _flags = self._get_message_data_parts(fetch_data)
        self.raw_bytes: bytes = bytes(raw)
        super().__init__(fetch_data)


@dataclass
class PollReport:
    mailbox: str
    results: list[IngestResult] = field(default_factory=list)
    error: str = ""


def _client(mailbox: Mailbox) -> BaseMailBox:
    client: BaseMailBox
    if mailbox.security == Security.SSL:
        client = MailBox(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    elif mailbox.security == Security.STARTTLS:
        client = MailBoxStartTls(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    else:
        client = MailBoxUnencrypted(mailbox.host, mailbox.port, timeout=TIMEOUT_SECONDS)
    client.email_message_class = RawMailMessage
    return client


def access_token(mailbox: Mailbox) -> str:
    """A valid OAuth 2 access token, refreshed with the refresh token when it has expired."""
    now = timezone.now()
    expires = mailbox.oauth_access_token_expires_at
    if mailbox.oauth_access_token and expires and expires > now + timedelta(minutes=2):
        return mailbox.secret("oauth_access_token")
    data = urllib.parse.urlencode(
        {
            "grant_type": "refresh_token",
            "client_id": mailbox.oauth_client_id,
            "client_secret": mailbox.secret("oauth_client_secret"),
            "refresh_token": mailbox.secret("oauth_refresh_token"),
        }
    ).encode()
    request = urllib.request.Request(mailbox.oauth_token_url, data=data, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = json.loads(response.read())
    token = str(answer["access_token"])
    mailbox.set_secret("oauth_access_token", token)
    mailbox.oauth_access_token_expires_at = now + timedelta(
        seconds=int(answer.get("expires_in", 3600))
    )
    update = ["oauth_access_token", "oauth_access_token_expires_at"]
    if answer.get("refresh_token"):
        mailbox.set_secret("oauth_refresh_token", str(answer["refresh_token"]))
        update.append("oauth_refresh_token")
    mailbox.save(update_fields=update)
    return token


def poll_mailbox(mailbox: Mailbox, *, limit: int | None = None) -> PollReport:
    """Fetch, ingest and flag the unseen messages of one mailbox. Records success or failure
    on the mailbox; raises only when the database is unreachable."""
    report = PollReport(mailbox.name)
    try:
        client = _client(mailbox)
        try:
            if mailbox.auth == Auth.XOAUTH2:
                client.xoauth2(
                    mailbox.username, access_token(mailbox), initial_folder=mailbox.folder
                )
            else:
                client.login(
                    mailbox.username, mailbox.secret("password"), initial_folder=mailbox.folder
                )
            batch: list[MailMessage] = []
            size = 0
            for message in client.fetch(AND(seen=False), mark_seen=False, limit=limit):
                batch.append(message)
                size += len(getattr(message, "raw_bytes", b""))
                if len(batch) >= BATCH_SIZE or size >= BATCH_BYTES:
                    report.results += _ingest_and_flag(client, mailbox, batch)
                    batch, size = [], 0
            if batch:
                report.results += _ingest_and_flag(client, mailbox, batch)
        finally:
            _close(client, mailbox.name)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        report.error = f"{type(error).__name__}: {error}"[:2000]
        logger.warning("Polling %s failed: %s", mailbox.name, report.error)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            consecutive_failures=mailbox.consecutive_failures + 1, last_error=report.error
        )
        return report
    Mailbox.objects.filter(pk=mailbox.pk).update(
        consecutive_failures=0, last_error="", last_success_at=timezone.now()
    )
    return report


def _ingest_and_flag(
    client: BaseMailBox, mailbox: Mailbox, messages: list[MailMessage]
) -> list[IngestResult]:
    raws = [getattr(message, "raw_bytes", b"") for message in messages]
    results = ingest_batch(raws, source=Source.IMAP, mailbox=mailbox)
    # Only now, with the tickets committed, may the server forget the messages.
    uids = [message.uid for message in messages if message.uid]
    if uids:
        client.flag(uids, MailMessageFlags.SEEN, True)
    return results


def _close(client: BaseMailBox, name: str) -> None:
    try:
        client.logout()
    except Exception:
        logger.debug("IMAP logout failed for %s", name)
        try:
            client.client.shutdown()
        except Exception:
            logger.debug("IMAP socket of %s already closed", name)


def poll_all(*, limit: int | None = None) -> list[PollReport]:
    return [
        poll_mailbox(mailbox, limit=limit)
        for mailbox in Mailbox.objects.filter(is_active=True).order_by("pk")
    ]
