"""Showing mail that arrived as HTML in a ticket thread (desk and portal)."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from linia.channels.email.queries import MailHtml, mail_html_for
from linia.tickets.models import Channel, Message, Ticket


def attach_mail_html(
    ticket: Ticket, thread: Sequence[Message], *, url_name: str
) -> MailHtml | None:
    """Set `message.mail_html` (MailHtml or None) on each message of `thread`, which holds
    only messages the viewer may see, and return the opening mail's HTML. Inline images link
    to `url_name` (the viewer's attachment download, which checks access). At most one query,
    none for a ticket without e-mail."""
    if ticket.channel != Channel.EMAIL and not any(m.channel == Channel.EMAIL for m in thread):
        by_message: dict[int, MailHtml] = {}
        opening = None
    else:
        opening, by_message = mail_html_for(
            ticket.number,
            [message.pk for message in thread],
            attachment_url=lambda pk: reverse(url_name, args=[pk]),
        )
    for message in thread:
        message.mail_html = by_message.get(message.pk)  # type: ignore[attr-defined]
    return opening
