"""The ticket page's thread and history, drawn once per change of the ticket.

A ticket page shows its whole thread and history (the benchmark's: 50 messages, 53 events):
reading them and drawing them was ~9 ms of a ~30 ms page at a million tickets, for every view
of a ticket that had not changed. Both are made of append-only rows (messages, their
attachments and e-mail HTML, events), and anything that adds to them records a ticket event
in the same transaction (services, e-mail ingest, the escalation tick), holding the ticket's
row lock: a ticket's events commit in the order of their ids, so no reader sees an event
without those before it. So the ticket's latest event id says whether what was drawn is
still what the rows say, and the drawn HTML is kept under it, with what else it depends on:
whether internal entries are shown, the language (labels) and the time zone (stamps). A write
to those tables that records no event, or records one without the lock, would leave pages
stale.

The fragments stay in the web process (the `fragments` cache, local memory): a new release
never meets markup drawn by the old one. They are kept compressed (HTML shrinks ~10×: the
benchmark's 50 messages and 53 events are 30 kB drawn, 3 kB kept; 0.1 ms to compress, 0.04 ms
to expand), and the cache's entry count times MAX_KEPT_BYTES bounds what a worker holds
(200 × 64 KiB: 12.5 MiB at worst, well under 1 MiB for the usual short tickets).

The opening entry itself is not kept: it shows the requester's current name and the ticket's
description, which change without an event. What it shows of the request's own rows is: the
HTML of the mail that opened the ticket (stored with the ticket, in the transaction of its
first event) and the files sent with the request (attachments without a message: later ones
come through `services.add_attachments`, which records an event).
"""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass

from django.core.cache import caches
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from linia.channels.email.queries import MailHtml
from linia.core.access import Actor
from linia.tickets import queries
from linia.tickets.models import Ticket
from linia.web.ui.mail import attach_mail_html

from .presenters import timeline_rows
from .templatetags.desk_thread import attachment_list, thread_message, timeline_entry

CACHE = "fragments"
# A history larger than this, compressed, is drawn every time rather than kept (about 500 kB
# of HTML: several hundred messages).
MAX_KEPT_BYTES = 64 * 1024


@dataclass(frozen=True)
class History:
    thread: SafeString  # the replies and notes after the opening entry, as <li> elements
    timeline: SafeString  # the history's <li> elements
    opening_mail: MailHtml | None  # the HTML of the mail that opened the ticket, if any
    opening_files: SafeString  # the files sent with the request itself (no message), drawn


def ticket_history(actor: Actor, ticket: Ticket) -> History:
    """The thread and history of `ticket` as `actor` sees them, drawn (one query when kept)."""
    # The version is read before the rows: what is drawn is at least as new as its key says.
    version = queries.latest_event_id(ticket)
    key = ":".join(
        (
            "desk-history",
            str(ticket.pk),
            ticket.created_at.isoformat(),  # a re-created ticket with a reused id never matches
            str(version),
            "staff" if actor.is_staff else "client",
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
        )
    )
    cache = caches[CACHE]
    kept = cache.get(key)
    if kept is not None:
        thread, timeline, opening_mail, files = pickle.loads(zlib.decompress(kept))  # noqa: S301  (kept by this process, below)
        # As draw_history drew them.
        return History(mark_safe(thread), mark_safe(timeline), opening_mail, mark_safe(files))
    history = draw_history(actor, ticket)
    drawn = (
        str(history.thread),
        str(history.timeline),
        history.opening_mail,
        str(history.opening_files),
    )
    packed = zlib.compress(pickle.dumps(drawn, pickle.HIGHEST_PROTOCOL), 1)
    if len(packed) <= MAX_KEPT_BYTES:
        cache.set(key, packed)
    return history


def draw_history(actor: Actor, ticket: Ticket) -> History:
    """The thread and history of `ticket` as `actor` sees them, read and drawn now."""
    thread = list(queries.list_messages_for(ticket, actor))
    opening_mail = attach_mail_html(ticket, thread, url_name="desk:attachment")
    opening_files = (
        queries.list_ticket_attachments_for(ticket, actor)
        .filter(message__isnull=True)
        .order_by("created_at", "id")
    )
    rows = timeline_rows(queries.ticket_timeline(ticket, actor))
    return History(
        mark_safe("\n".join(thread_message(message) for message in thread)),
        mark_safe("\n".join(timeline_entry(row) for row in rows)),
        opening_mail,
        attachment_list(list(opening_files), show_internal=True),
    )
