import pytest

from linia.sla.models import Calendar, CalendarDay, SlaContract, SlaPolicy

from .conftest import API

JSON = "application/json"

WARSAW = {
    "name": "Warsaw office",
    "timezone": "Europe/Warsaw",
    "hours": {
        "mon": [["09:00", "13:00"], ["14:00", "18:00"]],
        "tue": [["09:00", "18:00"]],
        "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "17:00"]],
        "sat": [],
        "sun": [],
    },
    "holidays_country": "PL",
    "extra_days_off": ["2026-12-31"],
    "extra_working_days": ["2026-12-19"],
}

TARGETS = {
    "P1": {"first_response": 30, "next_update": 60, "resolution": 240},
    "P2": {"first_response": 60, "next_update": None, "resolution": 480},
}


def _calendar(api_as, world, payload=WARSAW):
    response = api_as(world.admin).post(f"{API}/sla/calendars", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    return response.json()


def _policy(api_as, world, calendar_id, name="Gold"):
    payload = {"name": name, "calendar": calendar_id, "targets": TARGETS, "warn_at_percent": 80}
    response = api_as(world.admin).post(f"{API}/sla/policies", payload, content_type=JSON)
    assert response.status_code == 201, response.json()
    return response.json()


# --- calendars -------------------------------------------------------------------------------


def test_admin_creates_a_calendar_and_gets_the_same_shape_back(world, api_as):
    body = _calendar(api_as, world)

    assert body == {
        **WARSAW,
        "id": body["id"],
        "is_24x7": False,
        "is_default": False,
    }
    calendar = Calendar.objects.get(pk=body["id"])
    assert calendar.intervals.count() == 6
    assert sorted(
        (d.date.isoformat(), d.kind) for d in CalendarDay.objects.filter(calendar=calendar)
    ) == [
        ("2026-12-19", "working"),
        ("2026-12-31", "off"),
    ]


def test_managers_read_calendars(world, api_as):
    created = _calendar(api_as, world)

    listed = api_as(world.manager).get(f"{API}/sla/calendars")
    one = api_as(world.manager).get(f"{API}/sla/calendars/{created['id']}")
    missing = api_as(world.manager).get(f"{API}/sla/calendars/987654")

    assert listed.status_code == 200
    assert created in listed.json()["items"]
    assert one.json() == created
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


def test_midnight_ends_read_back_as_24_00(world, api_as):
    payload = {**WARSAW, "name": "Nights", "hours": {"sat": [["18:00", "00:00"]]}}

    body = _calendar(api_as, world, payload)

    assert body["hours"]["sat"] == [["18:00", "24:00"]]
    assert body["hours"]["mon"] == []


@pytest.mark.parametrize(
    ("_case", "change", "code", "words"),
    [
        ("unknown zone", {"timezone": "Mars/Olympus"}, "invalid_timezone", "Mars/Olympus"),
        ("unknown country", {"holidays_country": "XX"}, "invalid_country", "XX"),
        ("bad time", {"hours": {"mon": [["9am", "18:00"]]}}, "invalid", "HH:MM"),
        ("minutes past 59", {"hours": {"mon": [["09:75", "18:00"]]}}, "invalid", "HH:MM"),
        ("end before start", {"hours": {"tue": [["18:00", "09:00"]]}}, "invalid", "ends before"),
        (
            "overlap",
            {"hours": {"wed": [["09:00", "13:00"], ["12:00", "18:00"]]}},
            "invalid",
            "overlap",
        ),
        ("unknown day", {"hours": {"funday": [["09:00", "18:00"]]}}, "invalid", "hours"),
        ("blank name", {"name": "  "}, "name_required", "name"),
        ("bad date", {"extra_days_off": ["2026-13-01"]}, "invalid", "extra_days_off"),
        ("unknown field", {"colour": "red"}, "invalid", "colour"),
    ],
)
def test_invalid_calendar_is_422_with_a_readable_message(world, api_as, _case, change, code, words):
    before = Calendar.objects.count()

    response = api_as(world.admin).post(
        f"{API}/sla/calendars", {**WARSAW, **change}, content_type=JSON
    )

    body = response.json()
    assert (response.status_code, body["code"]) == (422, code)
    assert words in body["message"]
    assert Calendar.objects.count() == before


def test_duplicate_calendar_name_is_422(world, api_as):
    _calendar(api_as, world)

    response = api_as(world.admin).post(f"{API}/sla/calendars", WARSAW, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (422, "name_taken")


@pytest.mark.parametrize("role", ["manager", "agent_a", "client_manager_a", "requester_a"])
def test_only_admins_create_calendars(world, api_as, role):
    before = Calendar.objects.count()

    response = api_as(getattr(world, role)).post(f"{API}/sla/calendars", WARSAW, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert Calendar.objects.count() == before


@pytest.mark.parametrize("role", ["agent_a", "client_manager_a", "requester_a"])
def test_agents_and_clients_do_not_read_sla_configuration(world, api_as, role):
    client = api_as(getattr(world, role))

    for path in ("sla/calendars", "sla/policies"):
        assert client.get(f"{API}/{path}").status_code == 403


# --- policies --------------------------------------------------------------------------------


def test_admin_creates_a_policy(world, api_as):
    calendar = _calendar(api_as, world)

    body = _policy(api_as, world, calendar["id"])

    assert body == {
        "id": body["id"],
        "name": "Gold",
        "calendar": calendar["id"],
        "targets": TARGETS,
        "warn_at_percent": 80,
        "pause_statuses": ["pending"],
        "is_default": False,
    }
    policy = SlaPolicy.objects.get(pk=body["id"])
    assert (policy.warning_percent, policy.targets.count()) == (80, 2)


def test_managers_read_policies(world, api_as):
    created = _policy(api_as, world, None)

    listed = api_as(world.manager).get(f"{API}/sla/policies")
    one = api_as(world.manager).get(f"{API}/sla/policies/{created['id']}")

    assert created in listed.json()["items"]
    assert one.json() == created
    assert api_as(world.manager).get(f"{API}/sla/policies/987654").status_code == 404


@pytest.mark.parametrize(
    ("_case", "change", "code"),
    [
        ("unknown calendar", {"calendar": 987654}, "invalid_calendar"),
        ("unknown priority", {"targets": {"P9": TARGETS["P1"]}}, "invalid"),
        ("zero minutes", {"targets": {"P1": {"first_response": 0, "resolution": 5}}}, "invalid"),
        ("missing resolution", {"targets": {"P1": {"first_response": 5}}}, "invalid"),
        ("warning over 100", {"warn_at_percent": 101}, "invalid"),
        ("blank name", {"name": ""}, "name_required"),
    ],
)
def test_invalid_policy_is_422(world, api_as, _case, change, code):
    before = SlaPolicy.objects.count()
    payload = {"name": "Gold", "calendar": None, "targets": TARGETS, **change}

    response = api_as(world.admin).post(f"{API}/sla/policies", payload, content_type=JSON)

    assert (response.status_code, response.json()["code"]) == (422, code)
    assert SlaPolicy.objects.count() == before


def test_admin_patches_a_policy(world, api_as):
    calendar = _calendar(api_as, world)
    created = _policy(api_as, world, calendar["id"])
    new_targets = {"P3": {"first_response": 120, "next_update": None, "resolution": 1440}}

    response = api_as(world.admin).patch(
        f"{API}/sla/policies/{created['id']}",
        {"targets": new_targets, "warn_at_percent": 50},
        content_type=JSON,
    )
    cleared = api_as(world.admin).patch(
        f"{API}/sla/policies/{created['id']}", {"calendar": None}, content_type=JSON
    )

    assert response.status_code == 200
    assert response.json() == {
        **created,
        "targets": new_targets,
        "warn_at_percent": 50,
    }
    assert cleared.json()["calendar"] is None
    assert cleared.json()["name"] == "Gold"


def test_patching_an_unknown_policy_is_404_and_bad_input_422(world, api_as):
    created = _policy(api_as, world, None)

    missing = api_as(world.admin).patch(
        f"{API}/sla/policies/987654", {"name": "X"}, content_type=JSON
    )
    bad = api_as(world.admin).patch(
        f"{API}/sla/policies/{created['id']}", {"calendar": 987654}, content_type=JSON
    )

    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_calendar")
    assert SlaPolicy.objects.get(pk=created["id"]).calendar_id is None


@pytest.mark.parametrize("role", ["manager", "agent_a", "requester_a"])
def test_only_admins_write_policies(world, api_as, role):
    created = _policy(api_as, world, None)
    client = api_as(getattr(world, role))

    posted = client.post(
        f"{API}/sla/policies", {"name": "X", "targets": TARGETS}, content_type=JSON
    )
    patched = client.patch(
        f"{API}/sla/policies/{created['id']}", {"name": "Renamed"}, content_type=JSON
    )

    assert (posted.status_code, patched.status_code) == (403, 403)
    assert not SlaPolicy.objects.filter(name__in=["X", "Renamed"]).exists()


# --- binding organizations -------------------------------------------------------------------


def test_admin_binds_and_unbinds_an_organization(world, api_as):
    policy = _policy(api_as, world, None)
    url = f"{API}/organizations/{world.org_a.pk}"

    bound = api_as(world.admin).patch(url, {"sla_policy": policy["id"]}, content_type=JSON)
    read = api_as(world.manager).get(url)
    renamed = api_as(world.admin).patch(url, {"name": "Acme Ltd"}, content_type=JSON)
    unbound = api_as(world.admin).patch(url, {"sla_policy": None}, content_type=JSON)

    assert bound.status_code == 200
    assert bound.json()["sla_policy"] == policy["id"]
    assert read.json()["sla_policy"] == policy["id"]
    assert renamed.json()["sla_policy"] == policy["id"]
    assert unbound.json()["sla_policy"] is None
    contract = SlaContract.objects.get(organization=world.org_a)
    assert (contract.policy_id, contract.is_active) == (policy["id"], False)


def test_binding_an_unknown_policy_is_422_and_changes_nothing(world, api_as):
    response = api_as(world.admin).patch(
        f"{API}/organizations/{world.org_a.pk}",
        {"sla_policy": 987654, "name": "Renamed"},
        content_type=JSON,
    )

    assert (response.status_code, response.json()["code"]) == (422, "invalid_sla_policy")
    world.org_a.refresh_from_db()
    assert world.org_a.name != "Renamed"
    assert not SlaContract.objects.exists()


@pytest.mark.parametrize("role", ["manager", "agent_a", "requester_a"])
def test_only_admins_bind_organizations(world, api_as, role):
    policy = _policy(api_as, world, None)

    response = api_as(getattr(world, role)).patch(
        f"{API}/organizations/{world.org_a.pk}", {"sla_policy": policy["id"]}, content_type=JSON
    )

    assert response.status_code == 403
    assert not SlaContract.objects.exists()
