"""Scheduled firings (time at a tier in working minutes) and the per-rule watermark that keeps
a quiet scheduler tick independent of the backlog."""

from django.db import migrations, models


def due_is_condition(apps, schema_editor):
    EscalationFiring = apps.get_model("escalation", "EscalationFiring")
    EscalationFiring.objects.update(due_at=models.F("condition_at"))


class Migration(migrations.Migration):
    dependencies = [("escalation", "0002_default_rules")]

    operations = [
        migrations.AddField(
            model_name="escalationrule",
            name="checked_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="escalationfiring",
            name="due_at",
            field=models.DateTimeField(null=True, verbose_name="due"),
        ),
        migrations.RunPython(due_is_condition, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="escalationfiring",
            name="due_at",
            field=models.DateTimeField(verbose_name="due"),
        ),
        migrations.AlterField(
            model_name="escalationfiring",
            name="fired_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="fired"),
        ),
        migrations.AddIndex(
            model_name="escalationfiring",
            index=models.Index(
                condition=models.Q(fired_at__isnull=True),
                fields=["rule", "due_at"],
                name="escalation_scheduled_due",
            ),
        ),
    ]
