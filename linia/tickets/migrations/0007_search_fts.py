"""Full-text structures over TicketSearchDocument (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from django.db import migrations

from linia.search.ddl import TICKETS, create_fts, drop_fts


def forwards(apps, schema_editor):
    create_fts(schema_editor, TICKETS)


def backwards(apps, schema_editor):
    drop_fts(schema_editor, TICKETS)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0006_ticketsearchdocument_worklog")]

    operations = [migrations.RunPython(forwards, backwards)]
