"""PostgreSQL: a covering index over the active tickets (issue 7, a million tickets).

The queue's default views show active tickets only, about 3 % of an installation that has run
for years. This partial index holds just those rows with the columns the queue filters,
sorts and counts by, so its counts and pages are index-only scans whose cost follows the
number of active tickets, not the size of the table. (Without it, "my team, active" combined
two bitmap scans of 150,000 entries, and the text filter read 19,000 heap pages.)

`updated_at` stays out on purpose: it changes on every save, and an indexed column that
changes turns every ticket update into a non-HOT one. The status list is frozen here, as a
migration must be; change it with a new migration if the workflow's active statuses change.
SQLite has no INCLUDE and keeps its small installations without it.
"""

from django.db import migrations

ACTIVE = ("new", "open", "in_progress", "pending")
NAME = "ticket_active_cover"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    statuses = ", ".join(f"'{status}'" for status in ACTIVE)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {NAME} ON tickets_ticket (number DESC) "
        "INCLUDE (id, organization_id, team_id, assignee_id, requester_id, category_id, tier, "
        "priority, type, resolution_due, received_at, subject) "
        f"WHERE status IN ({statuses})"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_ticketwatcher")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
