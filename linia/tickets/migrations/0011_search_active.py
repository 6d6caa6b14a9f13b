"""Search documents know whether their ticket is active, and PostgreSQL indexes the active
ones' terms on their own (the queue's text filter; see TicketSearchDocument.is_active).

The column is added by plain SQL rather than AddField: on SQLite Django would rebuild the
table, which drops the triggers that keep the FTS5 index in step (tickets/0007)."""

from django.db import migrations, models

from linia.search.ddl import create_active_tickets_index, drop_active_tickets_index

TABLE = "tickets_ticketsearchdocument"
# The statuses of tickets.workflow.ACTIVE_STATUSES, written out: a migration keeps the
# meaning it had when it was written.
ACTIVE = ("new", "open", "in_progress", "pending")


def add_column(apps, schema_editor):
    # The column arrives false and only the active few are updated (every updated row
    # recomputes its stored tsvector on PostgreSQL: setting all of a million took a minute).
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN is_active boolean NOT NULL DEFAULT false"
    )
    placeholders = ", ".join(["%s"] * len(ACTIVE))
    schema_editor.execute(
        f"UPDATE {TABLE} SET is_active = %s WHERE ticket_id IN ("  # noqa: S608
        f"SELECT id FROM tickets_ticket WHERE status IN ({placeholders}))",
        (True, *ACTIVE),
    )
    create_active_tickets_index(schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        # Fresh statistics for the new column: with none, the planner took the flag for
        # non-selective and scanned the whole table (a second at a million tickets).
        schema_editor.execute(f"ANALYZE {TABLE}")


def drop_column(apps, schema_editor):
    drop_active_tickets_index(schema_editor)
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN is_active")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_covering_team_assignee_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                # New documents default to active: a row written without the flag is then
                # matched and left to the status filter, never missed.
                migrations.AddField(
                    model_name="ticketsearchdocument",
                    name="is_active",
                    field=models.BooleanField(default=True),
                ),
            ],
        ),
    ]
