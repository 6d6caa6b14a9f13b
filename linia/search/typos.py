"""Edit distance for typo tolerance (optimal string alignment: a swap of two letters is one edit)."""

from __future__ import annotations

# Words shorter than this are not corrected: too many real words lie one edit away.
MIN_WORD_LENGTH = 4
# Only short queries are corrected; a long query has enough words to match without them.
MAX_QUERY_WORDS = 4


def allowed_distance(word: str) -> int:
    """How many edits a query word of this length may be away from a vocabulary term."""
    if len(word) < MIN_WORD_LENGTH:
        return 0
    return 1 if len(word) <= 6 else 2


def distance(a: str, b: str, limit: int) -> int:
    """Edit distance between `a` and `b` (insert, delete, substitute, swap), or limit + 1
    as soon as it surely exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
