"""Snippets, highlighting and edit distance."""

from __future__ import annotations

import pytest

from linia.search.highlight import highlight, plain_text, snippet
from linia.search.normalize import query_terms
from linia.search.typos import allowed_distance, distance


def terms(q: str) -> set[str]:
    return set().union(*query_terms(q))


def test_highlight_marks_inflected_forms_and_escapes_everything_else():
    html = highlight("Drukarka <b>& drukarki</b>", terms("drukarka"))

    assert html == "<mark>Drukarka</mark> &lt;b&gt;&amp; <mark>drukarki</mark>&lt;/b&gt;"


def test_snippet_starts_near_the_hits_and_cuts_on_words():
    text = "Intro words. " * 40 + "Then the VPN client fails. " + "Outro words. " * 40

    html = snippet(text, terms("vpn"))

    assert html.startswith("…")
    assert html.endswith("…")
    assert "<mark>VPN</mark> client fails" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= 205


def test_snippet_of_a_text_without_hits_is_its_start():
    assert snippet("Short <text>", {"nothing"}) == "Short &lt;text&gt;"


def test_plain_text_drops_markdown():
    assert plain_text("# Title\n\n**Bold** [link](http://x) `code`\n- item") == (
        "Title Bold link code item"
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("printer", "printer", 0),
        ("pritner", "printer", 1),  # a swap is one edit
        ("printr", "printer", 1),
        ("prnter", "printer", 1),
        ("prxntxr", "printer", 2),
        ("abc", "xyzxyz", 3),  # over the limit of 2
    ],
)
def test_distance(a, b, expected):
    assert distance(a, b, 2) == expected


@pytest.mark.parametrize(
    ("word", "allowed"), [("vpn", 0), ("mail", 1), ("пароль", 1), ("принтера", 2)]
)
def test_allowed_distance_grows_with_the_word(word, allowed):
    assert allowed_distance(word) == allowed
