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
    return tickets_by_references([ids])[0]


def tickets_by_references(id_lists: list[list[str]]) -> list[int | None]:
    """ticket_by_references for many messages' references, in two queries at most."""
    wanted = {message_id for ids in id_lists for message_id in ids}
    if not wanted:
        return [None] * len(id_lists)
    received: dict[str, tuple[int, int]] = {}  # message id → (link pk, ticket number)
    for pk, message_id, number in MessageLink.objects.filter(message_id__in=wanted).values_list(
        "pk", "message_id", "ticket_number"
    ):
        if message_id not in received or pk > received[message_id][0]:
            received[message_id] = (pk, number)
    sent: dict[str, int] = {}
    for message_id, sent_number in (
        OutboundEmail.objects.filter(message_id__in=wanted, ticket_number__isnull=False)
        .order_by("pk")
        .values_list("message_id", "ticket_number")
    ):
        if sent_number is not None:
            sent.setdefault(message_id, sent_number)
    return [_first_known(ids, received, sent) for ids in id_lists]


def _first_known(
    ids: list[str], received: dict[str, tuple[int, int]], sent: dict[str, int]
) -> int | None:
    for message_id in reversed(ids):  # In-Reply-To first, then References newest → oldest
        match = ROOT_RE.match(message_id)
        if match:
            return int(match.group(1))
        if message_id in received:
            return int(received[message_id][1])
        if message_id in sent:
            return int(sent[message_id])
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
