"""Configuration: calendars, policies, contracts and overrides, and which policy applies."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.core.errors import Invalid, NotFound
from linia.sla import queries, services
from linia.sla.calendar import ALWAYS
from linia.sla.models import Calendar, CalendarDay, SlaContract, SlaPolicy, SlaTarget
from linia.sla.services import TargetSpec

DAY = date(2026, 6, 1)
TARGETS = {"P1": TargetSpec(first_response=30, next_update=60, resolution=240)}


def policy(name: str, **kwargs) -> SlaPolicy:
    return services.create_policy(name=name, targets=kwargs.pop("targets", TARGETS), **kwargs)


def calendar(name: str, **kwargs) -> Calendar:
    kwargs.setdefault("timezone", "Europe/Warsaw")
    kwargs.setdefault("hours", {day: [("08:00", "16:00")] for day in range(5)})
    return services.create_calendar(name=name, **kwargs)


def resolve(world, *, category_policy_id=None, ticket_type="incident", on_date=DAY):
    return queries.resolve_sla(
        organization_id=world.org_a.pk,
        category_policy_id=category_policy_id,
        ticket_type=ticket_type,
        on_date=on_date,
    )


# --- the defaults -------------------------------------------------------------------------------


def test_the_default_policy_and_calendar_exist_from_the_first_migration(db):
    standard = SlaPolicy.objects.get(is_default=True)
    office = Calendar.objects.get(is_default=True)

    assert (standard.name, standard.warning_percent, standard.pause_statuses) == (
        "Standard",
        75,
        ["pending"],
    )
    assert {
        target.priority: (
            target.first_response_minutes,
            target.next_update_minutes,
            target.resolution_minutes,
        )
        for target in standard.targets.all()
    } == {
        "P1": (15, 60, 240),
        "P2": (30, 120, 480),
        "P3": (120, 480, 1440),
        "P4": (480, None, 2700),
    }
    value = queries.calendar_value(office)
    assert (value.timezone, value.holidays_country, value.is_24x7) == ("Europe/Kyiv", "", False)
    assert value.weekly == ((((540, 1080),),) * 5) + ((), ())


# --- precedence ---------------------------------------------------------------------------------


def test_without_a_contract_the_default_policy_applies(world):
    resolved = resolve(world)

    assert (resolved.policy_name, resolved.source) == ("Standard", "default")
    assert resolved.calendar.timezone == "Europe/Kyiv"
    assert resolved.target("P1").first_response == 15


def test_the_contract_gives_the_policy_and_the_calendar(world):
    gold, warsaw = policy("Gold"), calendar("Warsaw")
    services.bind_organization(
        organization_id=world.org_a.pk, policy_id=gold.pk, calendar_id=warsaw.pk
    )

    resolved = resolve(world)

    assert (resolved.policy_id, resolved.source, resolved.calendar_id) == (
        gold.pk,
        "contract",
        warsaw.pk,
    )
    assert resolved.calendar.timezone == "Europe/Warsaw"
    assert resolve(world).targets == {"P1": queries.Targets(30, 240, 60)}
    # The other organization is not covered.
    other = queries.resolve_sla(
        organization_id=world.org_b.pk, category_policy_id=None, ticket_type="incident", on_date=DAY
    )
    assert other is not None
    assert other.policy_name == "Standard"


def test_a_contract_without_a_calendar_uses_the_policys_then_the_default(world):
    warsaw = calendar("Warsaw")
    with_calendar = policy("With calendar", calendar_id=warsaw.pk)
    services.bind_organization(organization_id=world.org_a.pk, policy_id=with_calendar.pk)
    assert resolve(world).calendar_id == warsaw.pk

    services.update_policy(policy_id=with_calendar.pk, calendar_id=None)
    assert resolve(world).calendar_id == Calendar.objects.get(is_default=True).pk


def test_a_type_override_wins_over_the_contract(world):
    gold, changes = policy("Gold"), policy("Changes")
    services.bind_organization(organization_id=world.org_a.pk, policy_id=gold.pk)
    services.set_type_policy(ticket_type="change", policy_id=changes.pk)

    assert resolve(world, ticket_type="change").policy_name == "Changes"
    assert resolve(world, ticket_type="change").source == "ticket_type"
    assert resolve(world, ticket_type="incident").policy_name == "Gold"

    services.set_type_policy(ticket_type="change", policy_id=None)
    assert resolve(world, ticket_type="change").policy_name == "Gold"


def test_a_category_override_wins_over_everything(world):
    gold, changes, servers = policy("Gold"), policy("Changes"), policy("Servers")
    warsaw = calendar("Warsaw")
    services.bind_organization(
        organization_id=world.org_a.pk, policy_id=gold.pk, calendar_id=warsaw.pk
    )
    services.set_type_policy(ticket_type="change", policy_id=changes.pk)

    resolved = resolve(world, category_policy_id=servers.pk, ticket_type="change")

    assert (resolved.policy_name, resolved.source) == ("Servers", "category")
    assert resolved.calendar_id == warsaw.pk  # the organization's hours still apply


def test_a_contract_applies_only_within_its_dates(world):
    gold = policy("Gold")
    services.bind_organization(
        organization_id=world.org_a.pk,
        policy_id=gold.pk,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )

    assert resolve(world, on_date=date(2026, 6, 1)).policy_name == "Gold"
    assert resolve(world, on_date=date(2025, 12, 31)).policy_name == "Standard"
    assert resolve(world, on_date=date(2027, 1, 1)).policy_name == "Standard"


def test_binding_again_updates_the_one_active_contract_and_unbinding_ends_it(world):
    gold, silver = policy("Gold"), policy("Silver")
    first = services.bind_organization(organization_id=world.org_a.pk, policy_id=gold.pk)
    second = services.bind_organization(organization_id=world.org_a.pk, policy_id=silver.pk)

    assert first.pk == second.pk
    assert SlaContract.objects.filter(organization=world.org_a, is_active=True).count() == 1
    assert resolve(world).policy_name == "Silver"

    assert services.unbind_organization(organization_id=world.org_a.pk) == 1
    assert resolve(world).policy_name == "Standard"


def test_no_policy_at_all_resolves_to_none_and_no_calendar_to_24x7(world):
    SlaPolicy.objects.update(is_default=False)
    assert resolve(world) is None

    Calendar.objects.update(is_default=False)
    services.bind_organization(organization_id=world.org_a.pk, policy_id=policy("Gold").pk)
    assert resolve(world).calendar == ALWAYS


def test_resolution_takes_a_few_queries(world):
    gold, warsaw = policy("Gold"), calendar("Warsaw")
    services.bind_organization(
        organization_id=world.org_a.pk, policy_id=gold.pk, calendar_id=warsaw.pk
    )
    resolve(world)  # warms the value caches

    with CaptureQueriesContext(connection) as context:
        resolve(world)
    assert len(context.captured_queries) == 3  # the contract, the type override, the policies


# --- writing configuration ------------------------------------------------------------------------


def test_create_calendar_stores_hours_and_special_days(db):
    created = calendar(
        "Split",
        timezone="Europe/Kyiv",
        holidays_country="ua",
        hours={0: [("14:00", "18:00"), ("09:00", "13:00")], 5: [("10:00", "24:00")]},
        days_off=[date(2026, 8, 24)],
        working_days={date(2026, 6, 6): [("10:00", "14:00")], date(2026, 6, 7): []},
    )

    assert created.holidays_country == "UA"
    assert [(i.weekday, i.start, i.end) for i in created.intervals.all()] == [
        (0, time(9), time(13)),
        (0, time(14), time(18)),
        (5, time(10), time(0)),
    ]
    assert [
        (d.date, d.kind, d.start, d.end) for d in CalendarDay.objects.filter(calendar=created)
    ] == [
        (date(2026, 6, 6), "working", time(10), time(14)),
        (date(2026, 6, 7), "working", None, None),
        (date(2026, 8, 24), "off", None, None),
    ]
    value = queries.calendar_value(created)
    assert value.weekly[5] == ((600, 1440),)
    assert value.day_spans(date(2026, 6, 7)) == ((540, 780), (840, 1080))
    assert not value.is_working_day(date(2026, 8, 24))


def test_an_edit_is_seen_at_once(db):
    created = calendar("Warsaw")
    before = queries.get_calendar_value(created.pk)

    services.update_calendar(calendar_id=created.pk, hours={0: [("10:00", "12:00")]})

    after = queries.get_calendar_value(created.pk)
    assert before.weekly[0] == ((480, 960),)
    assert after.weekly == (((600, 720),),) + ((),) * 6
    assert after.timezone == "Europe/Warsaw"


def test_one_default_calendar_and_policy(db):
    new_calendar = calendar("New default", is_default=True)
    new_policy = policy("New default", is_default=True)

    assert list(Calendar.objects.filter(is_default=True)) == [new_calendar]
    assert list(SlaPolicy.objects.filter(is_default=True)) == [new_policy]


def test_update_policy_replaces_the_targets(db):
    gold = policy("Gold")

    services.update_policy(
        policy_id=gold.pk,
        warning_percent=80,
        pause_statuses=["pending", "pending"],
        targets={"P2": TargetSpec(first_response=60, resolution=600)},
    )

    gold.refresh_from_db()
    assert (gold.warning_percent, gold.pause_statuses) == (80, ["pending"])
    assert list(
        SlaTarget.objects.filter(policy=gold).values_list(
            "priority", "first_response_minutes", "next_update_minutes", "resolution_minutes"
        )
    ) == [("P2", 60, None, 600)]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"timezone": "Mars/Olympus"}, "invalid_timezone"),
        ({"holidays_country": "XX"}, "invalid_country"),
        ({"hours": {0: [("18:00", "09:00")]}}, "invalid_hours"),
        ({"hours": {7: [("09:00", "18:00")]}}, "invalid_hours"),
        ({"name": " "}, "name_required"),
    ],
)
def test_invalid_calendars_are_refused(db, kwargs, code):
    kwargs.setdefault("name", "Bad")
    with pytest.raises(Invalid) as refused:
        services.create_calendar(**{"timezone": "Europe/Kyiv", **kwargs})
    assert refused.value.code == code
    assert not Calendar.objects.filter(name="Bad").exists()


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"targets": {"P9": TargetSpec(first_response=1, resolution=2)}}, "invalid_priority"),
        ({"targets": {"P1": TargetSpec(first_response=0, resolution=2)}}, "invalid_target"),
        ({"warning_percent": 0}, "invalid_warning_percent"),
        ({"pause_statuses": [""]}, "invalid_pause_status"),
        ({"name": "Standard"}, "name_taken"),
    ],
)
def test_invalid_policies_are_refused(db, kwargs, code):
    kwargs.setdefault("name", "Bad")
    with pytest.raises(Invalid) as refused:
        policy(**kwargs)
    assert refused.value.code == code


def test_binding_needs_existing_rows(world):
    with pytest.raises(NotFound):
        services.bind_organization(organization_id=world.org_a.pk, policy_id=999_999)
    with pytest.raises(NotFound):
        services.bind_organization(organization_id=999_999, policy_id=policy("Gold").pk)


# --- the admin --------------------------------------------------------------------------------------


def test_the_admin_edits_calendars_and_touches_their_revision(client, world):
    client.force_login(world.admin)
    office = Calendar.objects.get(is_default=True)
    revision = office.revision
    for path in [
        "/admin/sla/calendar/",
        f"/admin/sla/calendar/{office.pk}/change/",
        "/admin/sla/slapolicy/",
        "/admin/sla/slapolicy/add/",
        "/admin/sla/slacontract/add/",
        "/admin/sla/slatypeoverride/",
    ]:
        assert client.get(path).status_code == 200, path

    intervals = list(office.intervals.all())
    data = {
        "name": office.name,
        "timezone": "Europe/Kyiv",
        "holidays_country": "UA",
        "is_default": "on",
        "intervals-TOTAL_FORMS": str(len(intervals)),
        "intervals-INITIAL_FORMS": str(len(intervals)),
        "intervals-MIN_NUM_FORMS": "0",
        "intervals-MAX_NUM_FORMS": "1000",
        "days-TOTAL_FORMS": "1",
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2026-08-24",
        "days-0-kind": "off",
    }
    for index, interval in enumerate(intervals):
        data.update(
            {
                f"intervals-{index}-id": str(interval.pk),
                f"intervals-{index}-calendar": str(office.pk),
                f"intervals-{index}-weekday": str(interval.weekday),
                f"intervals-{index}-start": "10:00",
                f"intervals-{index}-end": "19:00",
            }
        )
    response = client.post(f"/admin/sla/calendar/{office.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    office.refresh_from_db()
    assert office.revision != revision
    value = queries.calendar_value(office)
    assert (value.holidays_country, value.weekly[0]) == ("UA", ((600, 1140),))
    assert value.days_off == frozenset({date(2026, 8, 24)})
