"""The escalation rules every installation starts with (administrators may edit or disable
them in the admin): functional escalation from L1 after 20 working minutes, warnings to the
people on the ticket, and hierarchical escalation to the service desk managers."""

from django.db import migrations

DEFAULT_RULES = [
    {
        "name": "L1 unresolved for 20 working minutes → escalate to L2",
        "position": 10,
        "condition": "time_at_tier",
        "tier": 1,
        "minutes": 20,
        "escalate_to_tier": 2,
    },
    {
        "name": "First response SLA warning → notify the assignee or team",
        "position": 20,
        "condition": "first_response_warning",
        "notify_assignee": True,
    },
    {
        "name": "Resolution SLA warning → notify the assignee or team",
        "position": 30,
        "condition": "resolution_warning",
        "notify_assignee": True,
    },
    {
        "name": "Resolution SLA breached → notify the service desk managers",
        "position": 40,
        "condition": "resolution_breach",
        "notify_role": "manager",
        "note": "The resolution time agreed in the SLA has passed; "
        "the service desk managers were notified.",
    },
    {
        "name": "P1 registered → notify the service desk managers",
        "position": 50,
        "condition": "priority_created",
        "priority": "P1",
        "notify_role": "manager",
    },
]


def create_defaults(apps, schema_editor):
    EscalationRule = apps.get_model("escalation", "EscalationRule")
    for fields in DEFAULT_RULES:
        values = dict(fields)
        EscalationRule.objects.get_or_create(name=values.pop("name"), defaults=values)


def remove_defaults(apps, schema_editor):
    EscalationRule = apps.get_model("escalation", "EscalationRule")
    EscalationRule.objects.filter(name__in=[rule["name"] for rule in DEFAULT_RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("escalation", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, remove_defaults)]
