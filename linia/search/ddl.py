"""DDL for the full-text structures, run by the kb and tickets `*_search_fts` migrations.

Kept out of the migration files so that both migrations and the tests read one definition.
SQLite: an external-content FTS5 table per search-document table, synced by triggers.
PostgreSQL: a stored generated tsvector column (weights A/B or A/D) with a GIN index; the
column is not a model field, Django never writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


@dataclass(frozen=True)
class FtsTable:
    """One search-document table: `columns` are the term columns, each with its weight."""

    table: str  # the Django table of the search documents
    key: str  # its integer primary key column
    fts: str  # the FTS5 table (SQLite) / index name prefix (PostgreSQL)
    columns: tuple[tuple[str, str], ...]


# The SQL below is built from the constant specs at the end of this module, never from input.
def _sqlite_create(spec: FtsTable) -> list[str]:
    names = ", ".join(column for column, _weight in spec.columns)
    new_values = ", ".join(f"new.{column}" for column, _weight in spec.columns)
    old_values = ", ".join(f"old.{column}" for column, _weight in spec.columns)
    delete = (
        f"INSERT INTO {spec.fts}({spec.fts}, rowid, {names}) "  # noqa: S608
        f"VALUES ('delete', old.{spec.key}, {old_values});"
    )
    insert = f"INSERT INTO {spec.fts}(rowid, {names}) VALUES (new.{spec.key}, {new_values});"  # noqa: S608
    return [
        (
            f"CREATE VIRTUAL TABLE {spec.fts} USING fts5({names}, content='{spec.table}', "
            f"content_rowid='{spec.key}', tokenize='unicode61 remove_diacritics 0')"
        ),
        f"CREATE TRIGGER {spec.fts}_ai AFTER INSERT ON {spec.table} BEGIN {insert} END",
        f"CREATE TRIGGER {spec.fts}_ad AFTER DELETE ON {spec.table} BEGIN {delete} END",
        f"CREATE TRIGGER {spec.fts}_au AFTER UPDATE ON {spec.table} BEGIN {delete} {insert} END",
        f"INSERT INTO {spec.fts}({spec.fts}) VALUES ('rebuild')",  # noqa: S608
    ]


def _sqlite_drop(spec: FtsTable) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {spec.fts}_{suffix}" for suffix in ("ai", "ad", "au")] + [
        f"DROP TABLE IF EXISTS {spec.fts}"
    ]


def vector_expression(spec: FtsTable) -> str:
    return " || ".join(
        f"setweight(to_tsvector('simple', coalesce({column}, '')), '{weight}')"
        for column, weight in spec.columns
    )


def _postgresql_create(spec: FtsTable) -> list[str]:
    return [
        (
            f"ALTER TABLE {spec.table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({vector_expression(spec)}) STORED"
        ),
        f"CREATE INDEX {spec.fts}_gin ON {spec.table} USING gin (search_vector)",
    ]


def _postgresql_drop(spec: FtsTable) -> list[str]:
    return [
        f"DROP INDEX IF EXISTS {spec.fts}_gin",
        f"ALTER TABLE {spec.table} DROP COLUMN IF EXISTS search_vector",
    ]


def create_fts(schema_editor: BaseDatabaseSchemaEditor, spec: FtsTable) -> None:
    vendor = schema_editor.connection.vendor
    statements = _postgresql_create(spec) if vendor == "postgresql" else _sqlite_create(spec)
    for statement in statements:
        schema_editor.execute(statement)


def drop_fts(schema_editor: BaseDatabaseSchemaEditor, spec: FtsTable) -> None:
    vendor = schema_editor.connection.vendor
    statements = _postgresql_drop(spec) if vendor == "postgresql" else _sqlite_drop(spec)
    for statement in statements:
        schema_editor.execute(statement)


def create_vocabulary(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The `search_term` table (every indexed term once) and its similarity index."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute("CREATE TABLE search_term (term text PRIMARY KEY)")
        try:
            # Needs a role allowed to create extensions; without it typo correction is off.
            with transaction.atomic(using=connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            return
        schema_editor.execute(
            "CREATE INDEX search_term_trgm ON search_term USING gin (term gin_trgm_ops)"
        )
        return
    schema_editor.execute(
        "CREATE TABLE search_term (id integer PRIMARY KEY, term text NOT NULL UNIQUE)"
    )
    schema_editor.execute(
        "CREATE VIRTUAL TABLE search_term_trigram USING fts5(term, content='search_term', "
        "content_rowid='id', tokenize='trigram')"
    )
    schema_editor.execute(
        "CREATE TRIGGER search_term_ai AFTER INSERT ON search_term BEGIN "
        "INSERT INTO search_term_trigram(rowid, term) VALUES (new.id, new.term); END"
    )


def drop_vocabulary(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS search_term")
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS search_term_ai")
    schema_editor.execute("DROP TABLE IF EXISTS search_term_trigram")
    schema_editor.execute("DROP TABLE IF EXISTS search_term")


ARTICLES = FtsTable(
    table="kb_articlesearchdocument",
    key="article_id",
    fts="kb_article_fts",
    columns=(("title_terms", "A"), ("body_terms", "B")),
)
TICKETS = FtsTable(
    table="tickets_ticketsearchdocument",
    key="ticket_id",
    fts="tickets_ticket_fts",
    # Internal notes weigh least and carry their own label: a client's query asks for A only.
    columns=(("public_terms", "A"), ("internal_terms", "D")),
)

# PostgreSQL: the GIN index of active tickets' documents only (a partial index), read by the
# queue's text filter over active tickets; ~3 % of the documents at a million tickets.
TICKETS_ACTIVE_INDEX = f"{TICKETS.fts}_active_gin"


def create_active_tickets_index(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TICKETS_ACTIVE_INDEX} ON {TICKETS.table} "
            "USING gin (search_vector) WHERE is_active"
        )


def drop_active_tickets_index(schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TICKETS_ACTIVE_INDEX}")
