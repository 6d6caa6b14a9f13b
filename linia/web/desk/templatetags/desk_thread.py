"""The ticket page's thread and history entries, written in Python.

{% load desk_thread %}
{% thread_message message %}
{% mail_body body html %}
{% timeline_entry row %}
{% attachment_list files show_internal=True %}

A ticket page shows its whole thread and history (the benchmark's: 50 messages, 53 events);
drawn by template loops (an include, a `{% url %}` per file and a dozen tags and filters an
entry) they cost half of the page's rendering at a million tickets. Drawn here, with the same
markup and the same formatting functions (linia_ui.when, filesizeformat, slugify), they cost a
fraction of that.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from linia.channels.email.queries import MailHtml
from linia.tickets.models import Attachment, Message
from linia.web.desk.presenters import TimelineRow
from linia.web.ui.reversing import id_url
from linia.web.ui.templatetags.linia_ui import display, when

register = template.Library()


@register.simple_tag
def mail_body(body: str, html: MailHtml | None) -> SafeString:
    """A thread entry's text, or the sanitized HTML of the mail it came from: in place, or
    folded under the text when the text is what the entry says."""
    if html is not None and html.in_place:
        return format_html('<div class="body mail-html">{}</div>', html.html)
    text = format_html('<div class="body">{}</div>', body)
    if html is None:
        return text
    return format_html(
        '{}\n<details class="mail-original"><summary>{}</summary>'
        '<div class="body mail-html">{}</div></details>',
        text,
        _("Formatted original e-mail"),
        html.html,
    )


@register.simple_tag
def attachment_list(files: list[Attachment], show_internal: bool = False) -> SafeString:
    """The files of a thread entry as links through the desk, with their sizes (and, with
    `show_internal`, a badge on the internal ones); nothing if there are none."""
    if not files:
        return mark_safe("")
    internal = (
        format_html(' <span class="badge internal">{}</span>', _("internal"))
        if show_internal
        else ""
    )
    return format_html(
        '<ul class="attachments">{}</ul>',
        format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="muted">{}</span>{}</li>',
            (
                (
                    id_url("desk:attachment", file.pk),
                    file.filename,
                    filesizeformat(file.size),
                    internal if file.is_internal else "",
                )
                for file in files
            ),
        ),
    )


@register.simple_tag
def thread_message(message: Message) -> SafeString:
    """One reply or internal note of the thread (the message with its attachments prefetched
    and `mail_html` attached, as the ticket page's context gives it)."""
    if message.is_internal:
        kind, badge = (
            "internal",
            format_html(' <span class="badge internal">{}</span>', _("Internal note")),
        )
    elif message.is_from_staff:
        kind, badge = "from-staff", format_html(' <span class="badge">{}</span>', _("Reply"))
    else:
        kind, badge = "from-client", mark_safe("")
    attachments = attachment_list(list(message.attachments.all()))
    return format_html(
        '<li class="{}" id="message-{}">'
        '<div class="meta"><span><strong>{}</strong>{} · {}</span><span>{}</span></div>\n'
        "{}{}</li>",
        kind,
        message.pk,
        message.author_name or _("Unknown"),
        badge,
        display(message, "channel"),  # not get_channel_display(): 12 ms for 50 messages
        when(message.created_at),
        mail_body(message.body, getattr(message, "mail_html", None)),
        format_html("\n{}", attachments) if attachments else "",
    )


@register.simple_tag
def timeline_entry(row: TimelineRow) -> SafeString:
    """One entry of the ticket's history (a row of presenters.timeline_rows)."""
    event = row.event
    if row.changed:
        change = format_html(
            ': <span class="old">{}</span> → <span class="new">{}</span>', row.old, row.new
        )
    elif row.new and row.attachment_id:
        url = id_url("desk:attachment", row.attachment_id)
        change = format_html(': <a href="{}">{}</a>', url, row.new)
    elif row.new:
        change = format_html(": {}", row.new)
    else:
        change = mark_safe("")
    badge = mark_safe("")
    if event.is_internal:
        badge = format_html(' <span class="badge internal">{}</span>', _("internal"))
    details = mark_safe("")
    if row.details:
        details = format_html(
            '\n<dl class="facts small">{}</dl>',
            format_html_join("", '<dt>{}</dt><dd class="prewrap">{}</dd>', row.details),
        )
    return format_html(
        '<li class="event-{}{}">\n<span class="when">{}</span>\n'
        "<strong>{}</strong>\n· {}{}{}{}</li>",
        slugify(event.kind),
        " internal" if event.is_internal else "",
        when(event.created_at),
        event.actor_name or "Linia",
        row.label,
        change,
        badge,
        details,
    )
