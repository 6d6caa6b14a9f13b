"""The default calendar and policy, so that every ticket has clocks from the first day.
Administrators change them in the admin; see docs/sla.md."""

import datetime

from django.db import migrations

WORKDAY_MINUTES = 9 * 60  # 09:00–18:00
# priority: (first response, next update, resolution), in working minutes.
TARGETS = {
    "P1": (15, 60, 4 * 60),
    "P2": (30, 120, 8 * 60),
    "P3": (2 * 60, 480, 24 * 60),
    "P4": (8 * 60, None, 5 * WORKDAY_MINUTES),
}


def create_defaults(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    WorkingInterval = apps.get_model("sla", "WorkingInterval")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    if not Calendar.objects.filter(is_default=True).exists():
        calendar = Calendar.objects.create(
            name="Office hours (Kyiv)", timezone="Europe/Kyiv", holidays_country="",
            is_default=True,
        )
        WorkingInterval.objects.bulk_create(
            WorkingInterval(calendar=calendar, weekday=weekday, start=datetime.time(9),
                            end=datetime.time(18))
            for weekday in range(5)
        )
    if not SlaPolicy.objects.filter(is_default=True).exists():
        policy = SlaPolicy.objects.create(
            name="Standard", is_default=True, warning_percent=75, pause_statuses=["pending"]
        )
        SlaTarget.objects.bulk_create(
            SlaTarget(policy=policy, priority=priority, first_response_minutes=response,
                      next_update_minutes=update, resolution_minutes=resolution)
            for priority, (response, update, resolution) in TARGETS.items()
        )


class Migration(migrations.Migration):

    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
