"""Which ticket a message belongs to: by the Message-IDs it refers to, else by the `[#number]`
tag in its subject. Never by subject text alone."""

from __future__ import annotations

import re

from linia.notifications.models import OutboundEmail

from .models import MessageLink

ROOT_RE = re.compile(r"^<ticket-(\d+)@[^>]+>$")
TAG_RE = re.compile(r"\[#(\d{1,12})\]")


def ticket_by_references(ids: list[str]) -> int | None:
    """The ticket of the most recent referenced message we know (sent or received)."""
    if not ids:
        return None
    for message_id in reversed(ids):  # In-Reply-To first, then References newest → oldest
        match = ROOT_RE.match(message_id)
        if match:
            return int(match.group(1))
        link = (
            MessageLink.objects.filter(message_id=message_id)
            .order_by("-pk")
            .values_list("ticket_number", flat=True)
            .first()
        )
        if link is not None:
            return int(link)
        sent = (
            OutboundEmail.objects.filter(message_id=message_id, ticket_number__isnull=False)
            .values_list("ticket_number", flat=True)
            .first()
        )
        if sent is not None:
            return int(sent)
    return None


def received_message_ids(number: int) -> list[str]:
    """The Message-IDs of the mail the ticket received, oldest first (the last ten), for the
    References of outgoing notifications. Synthesized ids are ours alone and left out."""
    ids = list(
        MessageLink.objects.filter(ticket_number=number)
        .exclude(message_id__endswith="@synthesized.linia>")
        .order_by("-pk")
        .values_list("message_id", flat=True)[:10]
    )
    return ids[::-1]


def ticket_by_subject_tag(subject: str) -> int | None:
    match = TAG_RE.search(subject or "")
    return int(match.group(1)) if match else None
