"""The ticket page's thread entries, written in Python.

{% load desk_thread %}
{% thread_message message %}
{% mail_body body html %}

A ticket page shows its whole thread (the benchmark's has 50 messages); drawn by the template
loop (an include, a `{% url %}` per file and a dozen tags and filters an entry) the thread cost
a third of the page's rendering at a million tickets. Drawn here, with the same markup and the
same formatting functions (linia_ui.when, filesizeformat), it costs a fraction of that.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from linia.channels.email.queries import MailHtml
from linia.tickets.models import Message
from linia.web.ui.reversing import id_url
from linia.web.ui.templatetags.linia_ui import when

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
    files = list(message.attachments.all())
    attachments = mark_safe("")
    if files:
        attachments = format_html(
            '\n<ul class="attachments">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> <span class="muted">{}</span></li>',
                (
                    (
                        id_url("desk:attachment", file.pk),
                        file.filename,
                        filesizeformat(file.size),
                    )
                    for file in files
                ),
            ),
        )
    return format_html(
        '<li class="{}" id="message-{}">'
        '<div class="meta"><span><strong>{}</strong>{} · {}</span><span>{}</span></div>\n'
        "{}{}</li>",
        kind,
        message.pk,
        message.author_name or _("Unknown"),
        badge,
        message.get_channel_display(),
        when(message.created_at),
        mail_body(message.body, getattr(message, "mail_html", None)),
        attachments,
    )
