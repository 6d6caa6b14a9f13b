"""Snippets: the part of a text where the query's terms occur, HTML-escaped, hits in <mark>."""

from __future__ import annotations

import re
from collections.abc import Collection

from django.utils.html import escape

from .normalize import tokens

_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"(^|\s)[#>*\-+|]+(?=\s)|[*_`~]{1,3}|<[^>]+>", re.MULTILINE)
_SPACES = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """Markdown reduced to its words (links keep their text) on one line."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown)
    text = _MARKDOWN_MARKS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def highlight(text: str, terms: Collection[str]) -> str:
    """All of `text`, escaped, with words whose terms are in `terms` wrapped in <mark>."""
    return _render(text, 0, len(text), terms)


def snippet(text: str, terms: Collection[str], length: int = 200) -> str:
    """About `length` characters of `text` around the densest run of hits, escaped and marked;
    the start of the text when nothing matches. Cuts fall on word boundaries, marked with …"""
    hits = [token for token in tokens(text) if set(token.terms) & set(terms)]
    start = 0
    if hits:
        # The window starting shortly before the hit that has the most hits after it.
        best = max(
            range(len(hits)),
            key=lambda i: sum(1 for hit in hits[i:] if hit.end - hits[i].start <= length),
        )
        start = max(0, hits[best].start - length // 5)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    html = _render(text, start, end, terms)
    return ("…" if start else "") + html + ("…" if end < len(text) else "")


def _render(text: str, start: int, end: int, terms: Collection[str]) -> str:
    wanted = set(terms)
    out: list[str] = []
    position = start
    for token in tokens(text[start:end]):
        if not wanted.intersection(token.terms):
            continue
        out.append(escape(text[position : start + token.start]))
        out.append(f"<mark>{escape(token.text)}</mark>")
        position = start + token.end
    out.append(escape(text[position:end]))
    return "".join(out)
