"""Snippets: the part of a text where the query's terms occur, HTML-escaped, hits in <mark>."""

from __future__ import annotations

import re
from collections.abc import Collection

from django.utils.html import escape

from .normalize import token_terms, words

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
    hits = _hits(text, 0, len(text), frozenset(terms))
    start = 0
    if hits:
        # The window starting shortly before the hit that has the most hits after it.
        best = max(
            range(len(hits)),
            key=lambda i: sum(1 for hit in hits[i:] if hit[1] - hits[i][0] <= length),
        )
        start = max(0, hits[best][0] - length // 5)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space >= 0 else start
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    html = _render(text, start, end, terms)
    return ("…" if start else "") + html + ("…" if end < len(text) else "")


def _hits(text: str, start: int, end: int, wanted: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of the words of text[start:end] that have one of the terms."""
    return [
        (start + match.start(), start + match.end())
        for match in words(text[start:end])
        if not wanted.isdisjoint(token_terms(match.group())[0])
    ]


def _render(text: str, start: int, end: int, terms: Collection[str]) -> str:
    out: list[str] = []
    position = start
    for hit_start, hit_end in _hits(text, start, end, frozenset(terms)):
        out.append(escape(text[position:hit_start]))
        out.append(f"<mark>{escape(text[hit_start:hit_end])}</mark>")
        position = hit_end
    out.append(escape(text[position:end]))
    return "".join(out)
