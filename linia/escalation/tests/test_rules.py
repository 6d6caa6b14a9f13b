"""Rule configuration: validation, the services, the admin screens and the shipped defaults."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail

from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Forbidden, Invalid, NotFound
from linia.directory.tests.factories import actor
from linia.escalation import services
from linia.escalation.models import Condition, EscalationFiring, EscalationRule
from linia.escalation.services import fire_escalations, raised_priority
from linia.escalation.tests.factories import make_rule, set_clocks
from linia.tickets.models import TicketEvent
from linia.tickets.tests.factories import make_ticket

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
defaults_migration = importlib.import_module("linia.escalation.migrations.0002_default_rules")


@pytest.fixture(autouse=True)
def _only_the_tests_rules(db):
    EscalationRule.objects.all().delete()


@pytest.mark.parametrize(
    ("_case", "fields", "errors"),
    [
        (
            "time at tier without tier or minutes",
            {"condition": "time_at_tier", "note": "x"},
            {
                "tier": ["Name the tier the ticket waits at."],
                "minutes": ["Give the working minutes at the tier (at least 1)."],
            },
        ),
        (
            "priority created without priority",
            {"condition": "priority_created", "note": "x"},
            {"priority": ["Name the priority of the new tickets."]},
        ),
        (
            "no action",
            {"condition": "resolution_breach"},
            {"__all__": ["Choose at least one action."]},
        ),
        (
            "escalation downwards",
            {"condition": "time_at_tier", "tier": 2, "minutes": 5, "escalate_to_tier": 2},
            {"escalate_to_tier": ["Escalation moves a ticket up: choose a higher tier."]},
        ),
        (
            "unknown condition",
            {"condition": "moon_phase", "note": "x"},
            {"condition": ["Value 'moon_phase' is not a valid choice."]},
        ),
    ],
)
def test_invalid_rules_are_refused(_case, fields, errors):
    with pytest.raises(Invalid) as raised:
        services.create_rule(actor=SYSTEM_ACTOR, name="Broken", **fields)

    assert (raised.value.code, raised.value.details["errors"]) == ("invalid_rule", errors)
    assert EscalationRule.objects.count() == 0


def test_team_must_work_at_the_tier(shared_world):
    with pytest.raises(Invalid) as raised:
        services.create_rule(
            actor=SYSTEM_ACTOR, name="To L3", condition="resolution_breach",
            escalate_to_tier=3, escalate_to_team_id=shared_world.l2.pk,
        )  # fmt: skip

    assert raised.value.details["errors"] == {
        "escalate_to_team": ["This team works at another tier."]
    }


def test_assignee_must_be_staff(shared_world):
    with pytest.raises(Invalid) as raised:
        make_rule("resolution_breach", assign_to_id=shared_world.requester_a.pk)

    assert list(raised.value.details["errors"]) == ["assign_to"]


def test_unknown_fields_are_refused():
    with pytest.raises(Invalid, match=r"Unknown rule fields: colour\."):
        services.create_rule(
            actor=SYSTEM_ACTOR, name="x", condition="resolution_breach", colour="red"
        )


@pytest.mark.parametrize("role", ["agent", "manager", "requester"])
def test_only_administrators_manage_rules(shared_world, role):
    user = {"agent": shared_world.agent_a, "manager": shared_world.manager,
            "requester": shared_world.requester_a}[role]  # fmt: skip
    rule = make_rule("resolution_breach")

    with pytest.raises(Forbidden):
        services.create_rule(actor=actor(user), name="x", condition="resolution_breach", note="y")
    with pytest.raises(Forbidden):
        services.update_rule(actor=actor(user), rule_id=rule.pk, is_active=False)
    with pytest.raises(Forbidden):
        services.delete_rule(actor=actor(user), rule_id=rule.pk)

    assert list(EscalationRule.objects.values_list("name", "is_active")) == [(rule.name, True)]


def test_update_and_delete_rule(shared_world):
    admin = actor(shared_world.admin)
    rule = services.create_rule(
        actor=admin, name="Breach", condition="resolution_breach", notify_role="manager"
    )

    updated = services.update_rule(actor=admin, rule_id=rule.pk, minutes=5, is_active=False)
    assert (updated.minutes, updated.is_active, updated.notify_role) == (5, False, "manager")
    with pytest.raises(Invalid):
        services.update_rule(actor=admin, rule_id=rule.pk, notify_role="")
    services.delete_rule(actor=admin, rule_id=rule.pk)
    assert EscalationRule.objects.count() == 0
    with pytest.raises(NotFound):
        services.delete_rule(actor=admin, rule_id=rule.pk)
    with pytest.raises(NotFound):
        services.update_rule(actor=admin, rule_id=rule.pk, minutes=1)


@pytest.mark.parametrize(
    ("current", "change", "expected"),
    [
        ("P4", "raise", "P3"),
        ("P2", "raise", "P1"),
        ("P1", "raise", None),
        ("P4", "P2", "P2"),
        ("P2", "P2", None),
        ("P1", "P3", None),
        ("P3", "", None),
    ],
)
def test_raised_priority(current, change, expected):
    assert raised_priority(current, change) == expected


# --- the shipped defaults -----------------------------------------------------------------


def test_default_rules(shared_world, django_capture_on_commit_callbacks):
    defaults_migration.create_defaults(apps, None)
    defaults_migration.create_defaults(apps, None)  # idempotent
    assert list(EscalationRule.objects.values_list("name", "condition", "is_active")) == [
        ("L1 unresolved for 20 working minutes → escalate to L2", "time_at_tier", True),
        ("First response SLA warning → notify the assignee or team", "first_response_warning",
         True),
        ("Resolution SLA warning → notify the assignee or team", "resolution_warning", True),
        ("Resolution SLA breached → notify the service desk managers", "resolution_breach",
         True),
        ("P1 registered → notify the service desk managers", "priority_created", True),
    ]  # fmt: skip
    for rule in EscalationRule.objects.all():
        rule.full_clean()
    agent = actor(shared_world.agent_a)
    with time_machine.travel(T0, tick=False):
        urgent = make_ticket(agent, requester=shared_world.contact_a.pk, priority="P1")
    set_clocks(urgent, resolution_due=T0 + timedelta(minutes=15))
    mail.outbox.clear()

    with (
        time_machine.travel(T0 + timedelta(minutes=21), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        results = fire_escalations()

    assert [r.rule_name for r in results] == [
        "L1 unresolved for 20 working minutes → escalate to L2",
        "Resolution SLA breached → notify the service desk managers",
        "P1 registered → notify the service desk managers",
    ]
    urgent.refresh_from_db()
    assert urgent.tier == 2
    assert (
        TicketEvent.objects.filter(ticket=urgent, kind="ticket.escalation_rule_fired").count() == 3
    )
    # The escalation (managers, new team), and one e-mail per hierarchical rule to the manager.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([
        shared_world.manager.email, shared_world.engineer_a.email,
        shared_world.manager.email, shared_world.manager.email,
    ])  # fmt: skip

    defaults_migration.remove_defaults(apps, None)
    assert (EscalationRule.objects.count(), EscalationFiring.objects.count()) == (0, 0)


# --- admin -----------------------------------------------------------------------------------


def test_admin_screens(shared_world, client):
    rule = make_rule("resolution_breach", name="Breach")
    with time_machine.travel(T0, tick=False):
        ticket = make_ticket(actor(shared_world.requester_a))
    set_clocks(ticket, resolution_due=T0)
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        fire_escalations()
    firing = EscalationFiring.objects.get()
    client.force_login(shared_world.admin)

    pages = [
        "/admin/escalation/escalationrule/",
        "/admin/escalation/escalationrule/add/",
        f"/admin/escalation/escalationrule/{rule.pk}/change/",
        "/admin/escalation/escalationfiring/",
        f"/admin/escalation/escalationfiring/{firing.pk}/change/",
    ]
    assert [client.get(page).status_code for page in pages] == [200] * 5
    assert client.get("/admin/escalation/escalationfiring/add/").status_code == 403
    assert f"#{ticket.number}" in client.get("/admin/escalation/escalationfiring/").text


def test_admin_form_validates(shared_world, client):
    client.force_login(shared_world.admin)

    response = client.post(
        "/admin/escalation/escalationrule/add/",
        {"name": "Half-done", "condition": "time_at_tier", "position": 0, "minutes": 0,
         "set_priority": "", "notify_role": "", "note": ""},
    )  # fmt: skip

    assert response.status_code == 200
    assert "Name the tier the ticket waits at." in response.text
    assert EscalationRule.objects.count() == 0
    assert Condition.TIME_AT_TIER.label == "Time at a tier without resolution"
