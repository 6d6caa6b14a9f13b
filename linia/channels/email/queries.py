"""Reads for the e-mail channel: the inbound log and quarantine (managers and administrators
only: it holds mail of every organization and of unknown senders)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.core.errors import NotFound

from .models import FailingAddress, InboundEmail, Mailbox, MessageLink, Outcome
from .parse import ParsedEmail, parse_email, rewrite_inline_images

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


@dataclass(frozen=True)
class MailHtml:
    """The sanitized HTML of a message that arrived by e-mail, ready to show."""

    html: SafeString
    in_place: bool  # False: the text folded quoted history; offer the HTML as the original


def mail_html_for(
    ticket_number: int,
    message_ids: Iterable[int],
    *,
    attachment_url: Callable[[int], str],
) -> tuple[MailHtml | None, dict[int, MailHtml]]:
    """The HTML of the ticket's opening mail and of those of `message_ids` (the messages the
    caller already may see) that came by e-mail with HTML; inline images point at
    `attachment_url(attachment id)`, a download view that checks access. One query."""
    wanted = set(message_ids)
    opening: MailHtml | None = None
    by_message: dict[int, MailHtml] = {}
    links = (
        MessageLink.objects.filter(ticket_number=ticket_number)
        .exclude(html="")
        .only("ticket_message_id", "html", "inline_images", "html_in_place")
        .order_by("pk")
    )
    for link in links:
        if link.ticket_message_id is not None and link.ticket_message_id not in wanted:
            continue
        urls = {cid: attachment_url(int(pk)) for cid, pk in (link.inline_images or {}).items()}
        # Sanitized by nh3 when stored (parse.sanitize_html); the rewrite inserts escaped URLs.
        shown = MailHtml(mark_safe(rewrite_inline_images(link.html, urls)), link.html_in_place)
        if link.ticket_message_id is None:
            opening = opening or shown
        else:
            by_message[link.ticket_message_id] = shown
    return opening, by_message


def failing_addresses(emails: Iterable[str]) -> dict[str, FailingAddress]:
    """Which of `emails` a delivery-status report marked as failing, by lower-cased address
    (what the contact and client cards warn about). One query; none for no address."""
    wanted = {email.strip().lower() for email in emails if email and email.strip()}
    if not wanted:
        return {}
    return {
        row.email.lower(): row
        for row in FailingAddress.objects.filter(email__in=wanted).only(
            "email", "failing_since", "last_report_at", "diagnostic"
        )
    }


def mailbox_id_by_name(name: str) -> int | None:
    """The mailbox the pipe or SMTP receiver was told to file mail under (--mailbox)."""
    return Mailbox.objects.filter(name=name).values_list("pk", flat=True).first()
