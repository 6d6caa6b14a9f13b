import pytest
from django.core.serializers.json import DjangoJSONEncoder

from linia.escalation.models import EscalationRule
from linia.escalation.tests.factories import make_rule

from .conftest import API

JSON = "application/json"
RULES = f"{API}/sla/rules"
ENCODER = DjangoJSONEncoder()

L1_TO_L2 = {
    "name": "L1 too long",
    "position": 5,
    "condition": "time_at_tier",
    "tier": 1,
    "minutes": 30,
    "escalate_to_tier": 2,
    "notify_role": "manager",
    "note": "Waited 30 minutes at L1.",
}


def _create(api_as, world, payload=L1_TO_L2):
    response = api_as(world.admin).post(RULES, payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    return response.json()


def _out(rule, **fields):
    return {
        "id": rule.pk,
        "name": rule.name,
        "is_active": True,
        "position": 0,
        "condition": rule.condition,
        "tier": None,
        "minutes": 0,
        "priority": "",
        "organization": None,
        "category": None,
        "escalate_to_tier": None,
        "escalate_to_team": None,
        "assign_to": None,
        "set_priority": "",
        "notify_role": "",
        "notify_assignee": False,
        "note": "",
        "created_at": ENCODER.default(rule.created_at),
        "updated_at": ENCODER.default(rule.updated_at),
        "checked_until": None,
        **fields,
    }


def test_admin_creates_a_rule(world, api_as):
    body = _create(api_as, world)

    rule = EscalationRule.objects.get(pk=body["id"])
    assert body == _out(rule, **{**L1_TO_L2, "position": 5})
    assert (rule.condition, rule.tier, rule.minutes, rule.escalate_to_tier) == (
        "time_at_tier",
        1,
        30,
        2,
    )
    assert (rule.notify_role, rule.note, rule.position) == ("manager", L1_TO_L2["note"], 5)


def test_relations_are_given_and_returned_by_id(world, api_as):
    payload = {
        "name": "Acme breach",
        "condition": "resolution_breach",
        "priority": "P2",
        "organization": world.org_a.pk,
        "escalate_to_team": world.l3.pk,
        "assign_to": world.lead.pk,
        "set_priority": "raise",
        "notify_assignee": True,
    }

    body = _create(api_as, world, payload)

    rule = EscalationRule.objects.get(pk=body["id"])
    assert body == _out(rule, **payload)
    assert (rule.organization_id, rule.escalate_to_team_id, rule.assign_to_id) == (
        world.org_a.pk,
        world.l3.pk,
        world.lead.pk,
    )


def test_managers_list_and_read_rules_in_scheduler_order(world, api_as):
    seeded = EscalationRule.objects.count()
    third = make_rule("resolution_breach", name="C", position=10**6 + 2)
    first = make_rule("resolution_breach", name="A", position=10**6 + 1)
    second = make_rule("first_response_breach", name="B", position=10**6 + 1)

    listed = api_as(world.manager).get(f"{RULES}?offset={seeded}")
    page = api_as(world.manager).get(f"{RULES}?limit=1&offset={seeded + 1}")
    one = api_as(world.manager).get(f"{RULES}/{third.pk}")
    missing = api_as(world.manager).get(f"{RULES}/987654")

    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [first.pk, second.pk, third.pk]
    assert listed.json()["count"] == seeded + 3
    assert page.json() == {"items": [listed.json()["items"][1]], "count": seeded + 3}
    assert one.json() == _out(third, position=10**6 + 2, note="Rule fired.")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_patch_changes_only_the_given_fields_and_clears_the_watermark(world, api_as):
    body = _create(api_as, world)
    EscalationRule.objects.filter(pk=body["id"]).update(checked_until="2026-01-01T00:00Z")

    response = api_as(world.admin).patch(
        f"{RULES}/{body['id']}",
        {"minutes": 45, "is_active": False, "notify_role": "", "escalate_to_tier": None,
         "escalate_to_team": world.l2.pk},
        content_type=JSON,
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    rule = EscalationRule.objects.get(pk=body["id"])
    assert response.json() == _out(
        rule,
        **{**L1_TO_L2, "position": 5, "minutes": 45, "is_active": False, "notify_role": "",
           "escalate_to_tier": None, "escalate_to_team": world.l2.pk},
    )  # fmt: skip
    assert rule.checked_until is None


def test_admin_deletes_a_rule(world, api_as):
    before = EscalationRule.objects.count()
    body = _create(api_as, world)

    response = api_as(world.admin).delete(f"{RULES}/{body['id']}")
    again = api_as(world.admin).delete(f"{RULES}/{body['id']}")

    assert response.status_code == 204
    assert EscalationRule.objects.count() == before
    assert (again.status_code, again.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"condition": "sometimes"}, "condition"),
        ({"tier": 4}, "tier"),
        ({"escalate_to_tier": 1}, "escalate_to_tier"),
        ({"priority": "P9"}, "priority"),
        ({"set_priority": "P4"}, "set_priority"),
        ({"notify_role": "agent"}, "notify_role"),
        ({"minutes": -1}, "minutes"),
        ({"organization": 0}, "organization"),
        ({"escalate_to_team": "two"}, "escalate_to_team"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_malformed_rules_are_422(world, api_as, change, field):
    before = EscalationRule.objects.count()
    response = api_as(world.admin).post(RULES, {**L1_TO_L2, **change}, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert [e["loc"][-1] for e in response.json()["errors"]] == [field]
    assert EscalationRule.objects.count() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tier": None}, "tier"),
        ({"minutes": 0}, "minutes"),
        ({"condition": "priority_created", "tier": None}, "priority"),
        ({"escalate_to_tier": None, "notify_role": "", "note": ""}, "__all__"),
        ({"escalate_to_team": 987654}, "escalate_to_team"),
        ({"escalate_to_tier": None, "escalate_to_team": 987654}, "escalate_to_team"),
        ({"assign_to": 987654}, "assign_to"),
        ({"assign_to": "requester"}, "assign_to"),
        ({"organization": 987654}, "organization"),
        ({"category": 987654}, "category"),
        ({"escalate_to_team": "l1"}, "escalate_to_team"),
        ({"escalate_to_team": "l3"}, "escalate_to_team"),
    ],
)
def test_rules_the_model_refuses_are_422_never_500(world, api_as, change, field):
    before = EscalationRule.objects.count()
    refs = {"requester": world.requester_a.pk, "l1": world.l1.pk, "l3": world.l3.pk}
    change = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in change.items()}

    response = api_as(world.admin).post(RULES, {**L1_TO_L2, **change}, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (422, "invalid_rule"), response.json()
    assert EscalationRule.objects.count() == before


def test_duplicate_names_and_nulls_in_a_patch_are_422(world, api_as):
    body = _create(api_as, world)
    admin = api_as(world.admin)

    duplicate = admin.post(RULES, L1_TO_L2, content_type=JSON)
    null_name = admin.patch(f"{RULES}/{body['id']}", {"name": None}, content_type=JSON)
    null_active = admin.patch(f"{RULES}/{body['id']}", {"is_active": None}, content_type=JSON)
    no_tier = admin.patch(f"{RULES}/{body['id']}", {"tier": None}, content_type=JSON)

    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "invalid_rule")
    assert (null_name.status_code, null_name.json()["code"]) == (422, "invalid")
    assert (null_active.status_code, null_active.json()["code"]) == (422, "invalid")
    assert (no_tier.status_code, no_tier.json()["code"]) == (422, "invalid_rule")
    assert EscalationRule.objects.get(pk=body["id"]).tier == 1
    assert not EscalationRule.objects.filter(name=L1_TO_L2["name"]).exclude(pk=body["id"])


def test_patching_a_missing_rule_is_404(world, api_as):
    response = api_as(world.admin).patch(f"{RULES}/987654", {"minutes": 5}, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_managers_read_but_do_not_write(world, api_as):
    rule = make_rule("resolution_breach", name="Existing")
    manager = api_as(world.manager)

    created = manager.post(RULES, L1_TO_L2, content_type=JSON)
    patched = manager.patch(f"{RULES}/{rule.pk}", {"name": "Renamed"}, content_type=JSON)
    deleted = manager.delete(f"{RULES}/{rule.pk}")

    assert [r.status_code for r in (created, patched, deleted)] == [403, 403, 403]
    assert {r.json()["code"] for r in (created, patched, deleted)} == {"forbidden"}
    assert EscalationRule.objects.get(pk=rule.pk).name == "Existing"


@pytest.mark.parametrize("who", ["agent_a", "lead", "requester_a", "client_manager_a"])
def test_agents_and_requesters_get_403(world, api_as, who):
    rule = make_rule("resolution_breach", name="Existing")
    client = api_as(getattr(world, who))

    responses = [
        client.get(RULES),
        client.get(f"{RULES}/{rule.pk}"),
        client.post(RULES, L1_TO_L2, content_type=JSON),
        client.patch(f"{RULES}/{rule.pk}", {"name": "Renamed"}, content_type=JSON),
        client.delete(f"{RULES}/{rule.pk}"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert EscalationRule.objects.get(pk=rule.pk).name == "Existing"


def test_anonymous_gets_401(world, client):
    rule = make_rule("resolution_breach", name="Existing")

    responses = [
        client.get(RULES),
        client.get(f"{RULES}/{rule.pk}"),
        client.post(RULES, L1_TO_L2, content_type=JSON),
        client.patch(f"{RULES}/{rule.pk}", {"name": "Renamed"}, content_type=JSON),
        client.delete(f"{RULES}/{rule.pk}"),
    ]

    assert [r.status_code for r in responses] == [401] * 5
    assert EscalationRule.objects.get(pk=rule.pk).name == "Existing"


@pytest.mark.parametrize(
    "field",
    ["name", "is_active", "position", "condition", "minutes", "set_priority", "notify_role",
     "notify_assignee", "note"],
)  # fmt: skip
def test_a_patch_may_not_null_a_required_field(world, api_as, field):
    body = _create(api_as, world)

    response = api_as(world.admin).patch(f"{RULES}/{body['id']}", {field: None}, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (422, "invalid")
    assert [e["loc"][-1] for e in response.json()["errors"]] == [field]
    assert api_as(world.admin).get(f"{RULES}/{body['id']}").json() == body
