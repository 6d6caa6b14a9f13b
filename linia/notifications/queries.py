"""Reads for notifications: the outbox, readable by service desk managers and administrators."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.core.errors import NotFound

from .models import OutboundEmail


def visible_outbound_emails(actor: Actor) -> QuerySet[OutboundEmail]:
    """Every outgoing e-mail for managers and administrators; nothing for anyone else."""
    if not actor.is_manager:
        return OutboundEmail.objects.none()
    return OutboundEmail.objects.all()


def list_outbound_emails_for(actor: Actor) -> QuerySet[OutboundEmail]:
    """The outbox, newest first, without the heavy columns (raw MIME, bodies)."""
    return (
        visible_outbound_emails(actor)
        .only("id", "to", "subject", "status", "created_at", "sent_at", "ticket_number")
        .order_by("-created_at", "-id")
    )


def get_outbound_email_for(actor: Actor, email_id: int) -> OutboundEmail:
    email = visible_outbound_emails(actor).defer("raw").filter(pk=email_id).first()
    if email is None:
        raise NotFound(_("E-mail not found."))
    return email
