"""Vendor SQL for full-text search: match expressions and the term vocabulary.

Both backends index the normalised terms written by the apps (see normalize.py):
SQLite through FTS5 tables kept in step by triggers, PostgreSQL through a stored tsvector
column with a GIN index. The `search_term` table lists every term of the knowledge base once;
typo correction looks for near terms in it (FTS5 trigram table on SQLite, pg_trgm on
PostgreSQL). The tables are created by the kb and tickets migrations (`*_search_fts`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.db import connection
from django.db.backends.utils import CursorWrapper

from .typos import MAX_QUERY_WORDS, allowed_distance, distance

# FTS5 ranks by bm25 (smaller is better), PostgreSQL by ts_rank_cd (larger is better); callers
# only compare ranks of one backend.
ALL = "all"
ANY = "any"
MIN_PREFIX = 3


def vendor() -> str:
    return connection.vendor


def _is_prefix(term: str, prefix: bool) -> bool:
    # A prefix of one or two letters would match a large part of the vocabulary.
    return prefix and len(term) >= MIN_PREFIX


def fts5_match(
    groups: list[set[str]], mode: str = ALL, column: str | None = None, *, prefix: bool = False
) -> str:
    """An FTS5 MATCH expression: every group (ALL) or any group (ANY) has one of its terms;
    with `prefix`, a term also matches the longer terms it begins."""
    joiner = " AND " if mode == ALL else " OR "
    expression = joiner.join(
        "("
        + " OR ".join(
            '"' + term.replace('"', '""') + '"' + ("*" if _is_prefix(term, prefix) else "")
            for term in sorted(group)
        )
        + ")"
        for group in groups
    )
    return f"{{{column}}} : ({expression})" if column else expression


def tsquery(
    groups: list[set[str]], mode: str = ALL, weights: str = "", *, prefix: bool = False
) -> str:
    """A to_tsquery('simple', …) expression; `weights` ("A") restricts matches to those labels;
    with `prefix`, a term also matches the longer terms it begins."""
    joiner = " & " if mode == ALL else " | "

    def label(term: str) -> str:
        star = "*" if _is_prefix(term, prefix) else ""
        return f":{star}{weights}" if star or weights else ""

    return joiner.join(
        "("
        + " | ".join("'" + term.replace("'", "''") + "'" + label(term) for term in sorted(group))
        + ")"
        for group in groups
    )


# -- vocabulary -------------------------------------------------------------------------------


def add_terms(terms: Iterable[str]) -> None:
    """Record terms in the vocabulary (existing ones are left alone)."""
    unique = sorted(set(terms))
    if not unique:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO search_term (term) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",
                [unique],
            )
        else:
            cursor.executemany(
                "INSERT OR IGNORE INTO search_term (term) VALUES (%s)", [(t,) for t in unique]
            )


def known_terms(terms: Collection[str]) -> set[str]:
    if not terms:
        return set()
    placeholders = ", ".join(["%s"] * len(terms))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT term FROM search_term WHERE term IN ({placeholders})", list(terms))  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def nearest_terms(word: str, terms: Collection[str]) -> set[str]:
    """The vocabulary terms closest to any of `terms` (a misspelt word's candidate stems),
    within the edit distance a word as long as `word` allows; empty when none is close."""
    limit = allowed_distance(word)
    if not limit or not terms:
        return set()
    with connection.cursor() as cursor:
        candidates: set[str] = set()
        for term in terms:
            candidates.update(_candidates(cursor, term, limit))
    best: dict[str, int] = {}
    for candidate in candidates:
        found = min(distance(term, candidate, limit) for term in terms)
        if found <= limit:
            best[candidate] = found
    if not best:
        return set()
    closest = min(best.values())
    return {term for term, found in best.items() if found == closest}


def _candidates(cursor: CursorWrapper, term: str, limit: int) -> list[str]:
    if connection.vendor == "postgresql":
        if not _has_pg_trgm(cursor):
            return []
        # A lower threshold than pg_trgm's 0.3: a typo in a short word breaks most trigrams.
        cursor.execute("SELECT set_limit(0.2)")
        cursor.execute(
            "SELECT term FROM search_term WHERE term %% %s AND length(term) BETWEEN %s AND %s"
            " ORDER BY similarity(term, %s) DESC LIMIT 50",
            [term, len(term) - limit, len(term) + limit, term],
        )
        return [row[0] for row in cursor.fetchall()]
    found: list[str] = []
    trigrams = {term[i : i + 3] for i in range(len(term) - 2)}
    if trigrams:
        cursor.execute(
            "SELECT t.term FROM search_term_trigram JOIN search_term t ON t.id = search_term_trigram.rowid"
            " WHERE search_term_trigram MATCH %s AND length(t.term) BETWEEN %s AND %s"
            " ORDER BY rank LIMIT 50",
            [
                " OR ".join('"' + gram.replace('"', '""') + '"' for gram in sorted(trigrams)),
                len(term) - limit,
                len(term) + limit,
            ],
        )
        found.extend(row[0] for row in cursor.fetchall())
    # A typo near the start of a short word leaves few trigrams; terms sharing the first two
    # letters are few enough to compare one by one.
    prefix = term[:2]
    cursor.execute(
        "SELECT term FROM search_term WHERE term >= %s AND term < %s"
        " AND length(term) BETWEEN %s AND %s LIMIT 2000",
        [prefix, prefix + "\U0010ffff", len(term) - limit, len(term) + limit],
    )
    found.extend(row[0] for row in cursor.fetchall())
    return found


_PG_TRGM: dict[str, bool] = {}


def _has_pg_trgm(cursor: CursorWrapper) -> bool:
    alias = connection.alias
    if alias not in _PG_TRGM:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        _PG_TRGM[alias] = cursor.fetchone() is not None
    return _PG_TRGM[alias]


def correct(words: list[str], groups: list[set[str]]) -> list[set[str]]:
    """Short queries: replace each group none of whose terms is in the vocabulary by the
    nearest vocabulary terms (the group stays as it is when nothing is near)."""
    if len(groups) > MAX_QUERY_WORDS or not groups:
        return groups
    known = known_terms(set().union(*groups))
    corrected: list[set[str]] = []
    for word, group in zip(words, groups, strict=True):
        if group & known:
            corrected.append(group)
        else:
            corrected.append(nearest_terms(word, group) or group)
    return corrected
