from django.conf import settings
from django.db import migrations

MATRIX = {
    ("high", "high"): "P1",
    ("high", "medium"): "P2",
    ("high", "low"): "P3",
    ("medium", "high"): "P2",
    ("medium", "medium"): "P3",
    ("medium", "low"): "P4",
    ("low", "high"): "P3",
    ("low", "medium"): "P4",
    ("low", "low"): "P4",
}


def seed(apps, schema_editor):
    PriorityRule = apps.get_model("tickets", "PriorityRule")
    for (impact, urgency), priority in MATRIX.items():
        PriorityRule.objects.get_or_create(
            impact=impact, urgency=urgency, defaults={"priority": priority}
        )
    # The number sequence starts here; creating the row now means concurrent first tickets
    # never race to create it.
    TicketCounter = apps.get_model("tickets", "TicketCounter")
    TicketCounter.objects.get_or_create(
        name="ticket", defaults={"value": settings.LINIA_FIRST_TICKET_NUMBER - 1}
    )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
