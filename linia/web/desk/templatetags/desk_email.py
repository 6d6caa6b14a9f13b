"""The desk banner for IMAP mailboxes that keep failing (managers and administrators)."""

from __future__ import annotations

from typing import Any

from django import template

from linia.channels.email import queries

register = template.Library()


@register.inclusion_tag("desk/email/_mailbox_alert.html", takes_context=True)
def mailbox_alert(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "actor", None)
    return {"failing": queries.failing_mailboxes(actor) if actor else []}
