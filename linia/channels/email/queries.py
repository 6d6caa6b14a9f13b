"""Reads for the e-mail channel: the inbound log and quarantine (managers and administrators
only: it holds mail of every organization and of unknown senders)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.core.errors import NotFound

from .models import InboundEmail, Mailbox, Outcome
from .parse import ParsedEmail, parse_email

ALERT_AFTER_FAILURES = 3


def visible_inbound(actor: Actor) -> QuerySet[InboundEmail]:
    if not actor.is_manager:
        return InboundEmail.objects.none()
    return InboundEmail.objects.all()


def list_inbound_for(actor: Actor, *, outcome: str = Outcome.QUARANTINED) -> QuerySet[InboundEmail]:
    """Inbound messages, newest first, without their raw bytes; `outcome=""` lists all."""
    rows = visible_inbound(actor).select_related("mailbox").defer("raw")
    if outcome:
        rows = rows.filter(outcome=outcome)
    return rows.order_by("-received_at", "-pk")


def get_inbound_for(actor: Actor, inbound_id: int) -> InboundEmail:
    inbound = visible_inbound(actor).select_related("mailbox").filter(pk=inbound_id).first()
    if inbound is None:
        raise NotFound(_("Message not found."))
    return inbound


def parsed_inbound(inbound: InboundEmail) -> ParsedEmail:
    return parse_email(bytes(inbound.raw))


def failing_mailboxes(actor: Actor) -> list[Mailbox]:
    """Active mailboxes that failed several polls in a row (the desk alert), for managers."""
    if not actor.is_manager:
        return []
    return list(
        Mailbox.objects.filter(is_active=True, consecutive_failures__gte=ALERT_AFTER_FAILURES)
        .only("name", "consecutive_failures", "last_error", "last_success_at")
        .order_by("name")
    )
