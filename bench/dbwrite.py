"""Bulk row writers for the data builders: plain Django, usable under any project's settings.

Rows are tuples in the order of the given field names, with explicit primary keys, so that
builders can link rows without reading ids back. SQLite gets one `executemany` per batch on
the raw connection (the fastest bulk path it has); PostgreSQL gets `COPY … FROM STDIN`
through psycopg's `cursor.copy`. Callers open the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


def _naive_utc(value: datetime | None) -> str | None:
    # The format Django's SQLite backend itself stores for aware datetimes.
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def insert_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    batch: int = 10_000,
) -> int:
    """Insert `rows` into `model`'s table; return how many were written.

    `fields` are field names or attnames (`ticket` or `ticket_id`). Datetimes are aware; JSON
    values are already-encoded strings. A NOT NULL field that is left out gets its default,
    computed once.
    """
    meta = model._meta
    chosen = [meta.get_field(name) for name in fields]
    chosen_columns = {field.column for field in chosen}  # type: ignore[union-attr]
    extra_values: list[Any] = []
    extra_columns: list[str] = []
    for field in meta.concrete_fields:
        if field.column in chosen_columns or field.null or not field.has_default():
            continue
        extra_columns.append(field.column)
        extra_values.append(field.get_db_prep_save(field.get_default(), connection))
    columns = [str(field.column) for field in chosen] + extra_columns  # type: ignore[union-attr]
    extra = tuple(extra_values)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    table = connection.ops.quote_name(meta.db_table)
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None  # noqa: S101
    written = 0
    if connection.vendor == "postgresql":
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, *extra))
                written += 1
        return written
    datetime_positions = [
        index
        for index, field in enumerate(chosen)
        if field.get_internal_type() == "DateTimeField"  # type: ignore[union-attr]
    ]
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"
    cursor = raw.cursor()
    pending: list[tuple[Any, ...]] = []
    for row in rows:
        values = list(row)
        for index in datetime_positions:
            values[index] = _naive_utc(values[index])
        pending.append((*values, *extra))
        if len(pending) >= batch:
            cursor.executemany(sql, pending)
            written += len(pending)
            pending.clear()
    if pending:
        cursor.executemany(sql, pending)
        written += len(pending)
    cursor.close()
    return written


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of `model`'s table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX({connection.ops.quote_name(str(model._meta.pk.column))}), 0) "
            f"FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        row = cursor.fetchone()
    return int(row[0]) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """Move PostgreSQL's id sequences past explicitly inserted keys (SQLite needs nothing:
    AUTOINCREMENT follows the largest key written)."""
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def tune_for_bulk_load() -> None:
    """Per-connection settings that speed a one-off bulk load without changing the schema."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")  # 256 MiB page cache
        elif connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO OFF")


def analyze() -> None:
    """Refresh planner statistics the way a running server would (autovacuum on PostgreSQL).

    SQLite is left as a fresh installation has it: nothing runs ANALYZE there by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
