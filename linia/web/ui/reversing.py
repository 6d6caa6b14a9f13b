"""URLs of one view for many objects, reversed once: the rows the desk draws in Python (queue
rows, thread entries) link every row, and `reverse()` costs ~20 µs a call."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse

_PLACEHOLDER = 987654321987  # an id no object has, replaced in the reversed URL


def id_url(view_name: str, pk: int) -> str:
    """reverse(view_name, args=[pk]) for a view that takes one integer."""
    return _pattern(view_name, get_script_prefix()).replace(str(_PLACEHOLDER), str(pk))


@lru_cache(maxsize=64)
def _pattern(view_name: str, script_prefix: str) -> str:
    """The URL for _PLACEHOLDER under this script prefix (reverse() applies it)."""
    return reverse(view_name, args=[_PLACEHOLDER])
