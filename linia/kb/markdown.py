"""Article bodies: Markdown (CommonMark + tables) rendered to HTML and sanitised with nh3.

Images and links may point at the article's own attachments by name (`attachment:NAME`); they
are rewritten to the download URL, which checks that the reader may see the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape, unescape
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th",
    "td", "kbd", "sup", "sub",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
    "code": {"class"},
}
_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)
ATTACHMENT_SCHEME = "attachment:"
_ATTACHMENT_REF = re.compile(r'\b(src|href)="attachment:([^"]*)"')


def render_markdown(body: str, *, attachment_url: Callable[[str], str | None] | None = None) -> str:
    """Safe HTML for `body`. Raw HTML in the Markdown is shown as text, never executed."""
    html = _PARSER.render(body or "")

    def resolve(match: re.Match[str]) -> str:
        name = unquote(unescape(match.group(2)))
        url = attachment_url(name) if attachment_url is not None else None
        return f'{match.group(1)}="{escape(url)}"' if url else f'{match.group(1)}=""'

    # nh3 drops URLs of unknown schemes, so attachment references are resolved before it.
    html = _ATTACHMENT_REF.sub(resolve, html)

    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src" and not value.startswith(("/", "https://")):
            return None  # no plain-http or data: images: mixed content and tracking pixels
        return value

    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=keep,
    )


def markdown_to_text(body: str) -> str:
    """Plain text of the Markdown (for snippets, search and e-mail)."""
    html = _PARSER.render(body or "")
    text = unescape(nh3.clean(html, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
