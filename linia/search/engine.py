"""One ranked full-text query over a search-document table, limited to a visible queryset.

The visibility condition is the caller's queryset compiled into a correlated EXISTS, so the
database applies it while it walks the full-text matches: nothing invisible is ranked,
counted or returned.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

from .backends import ALL, fts5_match, tsquery
from .ddl import FtsTable


def _visible_exists(visible: QuerySet[Any], outer_key: str) -> tuple[str, tuple[Any, ...]]:
    # outer_key is a column reference built here, not input.
    correlated = visible.filter(pk=RawSQL(outer_key, ())).order_by().values("pk")  # noqa: S611
    sql, params = correlated.query.sql_with_params()
    return f"EXISTS ({sql})", tuple(params)


def ranked_ids(
    spec: FtsTable,
    visible: QuerySet[Model],
    groups: list[set[str]],
    *,
    mode: str = ALL,
    limit: int,
    offset: int = 0,
    weights: tuple[float, ...],
    only_column: str | None = None,
) -> tuple[list[tuple[int, float]], int]:
    """[(primary key, score)] best first (a larger score is better) and the number of matches.

    `only_column` restricts matching to one term column (a client's ticket search).
    """
    if not groups:
        return [], 0
    if connection.vendor == "postgresql":
        label = dict(spec.columns)[only_column] if only_column else ""
        exists, exists_params = _visible_exists(visible, f"d.{spec.key}")
        sql = (
            f"SELECT d.{spec.key}, ts_rank_cd('{{{_pg_weights(spec, weights)}}}', d.search_vector, q, 1),"  # noqa: S608
            f" count(*) OVER () FROM {spec.table} d, to_tsquery('simple', %s) q"
            f" WHERE d.search_vector @@ q AND {exists}"
            f" ORDER BY 2 DESC, 1 LIMIT %s OFFSET %s"
        )
        params: tuple[Any, ...] = (tsquery(groups, mode, label), *exists_params)
    else:
        exists, exists_params = _visible_exists(visible, f"{spec.fts}.rowid")
        bm25 = ", ".join(str(weight) for weight in weights)
        sql = (
            # bm25() only works in the query that scans the FTS table, hence the subquery.
            f"SELECT id, score, count(*) OVER () FROM (SELECT {spec.fts}.rowid AS id,"  # noqa: S608
            f" -bm25({spec.fts}, {bm25}) AS score FROM {spec.fts}"
            f" WHERE {spec.fts} MATCH %s AND {exists})"
            f" ORDER BY 2 DESC, 1 LIMIT %s OFFSET %s"
        )
        params = (fts5_match(groups, mode, only_column), *exists_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, (*params, limit, offset))
        rows = cursor.fetchall()
        if not rows and offset:
            cursor.execute(sql, (*params, 1, 0))
            first = cursor.fetchall()
            return [], int(first[0][2]) if first else 0
    total = int(rows[0][2]) if rows else 0
    return [(int(row[0]), float(row[1])) for row in rows], total


def _pg_weights(spec: FtsTable, weights: tuple[float, ...]) -> str:
    """ts_rank_cd's weight array {D, C, B, A} from the per-column weights (scaled to at most 1,
    the largest weight PostgreSQL accepts)."""
    top = max(weights)
    by_label = {"D": 0.1, "C": 0.2, "B": 0.4, "A": 1.0}
    for (_column, label), weight in zip(spec.columns, weights, strict=True):
        by_label[label] = weight / top
    return ", ".join(str(by_label[label]) for label in "DCBA")
