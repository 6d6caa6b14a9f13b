"""fire_escalations: each condition fires once for the tickets it holds for, and the actions
do what they say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linia.core.access import SYSTEM_ACTOR
from linia.directory.tests.factories import actor
from linia.escalation import services, timing
from linia.escalation.models import Condition, EscalationFiring, EscalationRule
from linia.escalation.services import fire_escalations
from linia.escalation.tasks import fire_escalations_task
from linia.escalation.tests.factories import make_rule, set_clocks
from linia.sla import services as sla_services
from linia.tickets import services as ticket_services
from linia.tickets.models import Message, Ticket, TicketEvent
from linia.tickets.tests.factories import make_ticket, move_ticket
from linia.web.desk.presenters import timeline_row

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture(autouse=True)
def _only_the_tests_rules(db):
    # The default rules from the data migration would fire too; each test names its own.
    EscalationRule.objects.all().delete()


@pytest.fixture
def run_handlers(django_capture_on_commit_callbacks):
    """Run the on-commit work (dispatch → handlers → mail) of everything inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def new_ticket(shared_world):
    """Tickets of Acme registered at T0 (L1, team "L1 Service desk", P3)."""

    def make(**kwargs) -> Ticket:
        with time_machine.travel(T0, tick=False):
            return make_ticket(actor(shared_world.requester_a), **kwargs)

    return make


def tick(minutes: float) -> list[services.FiringResult]:
    with time_machine.travel(at(minutes), tick=False):
        return fire_escalations()


def fired_numbers(results) -> list[int]:
    return [result.ticket_number for result in results if not result.error]


# --- conditions on the stored due instants ---------------------------------------------------

DUE_CONDITIONS = [
    # (condition, the instants set on the ticket, the instant the firing is keyed by)
    (
        Condition.FIRST_RESPONSE_WARNING,
        {"first_response_warning_at": at(10), "first_response_due": at(20)},
        "first_response_warning_at",
    ),
    (Condition.FIRST_RESPONSE_BREACH, {"first_response_due": at(10)}, "first_response_due"),
    (
        Condition.RESOLUTION_WARNING,
        {"resolution_warning_at": at(10), "resolution_due": at(60)},
        "resolution_warning_at",
    ),
    (Condition.RESOLUTION_BREACH, {"resolution_due": at(10)}, "resolution_due"),
    (Condition.NO_UPDATE, {"next_update_due": at(10)}, "next_update_due"),
]


@pytest.mark.parametrize(("condition", "clocks", "key"), DUE_CONDITIONS)
def test_due_condition_fires_once_when_its_instant_passes(new_ticket, condition, clocks, key):
    rule = make_rule(condition)
    ticket = set_clocks(new_ticket(), **clocks)

    before = tick(9)
    first = tick(11)
    again = tick(30)

    assert (before, fired_numbers(first), again) == ([], [ticket.number], [])
    assert list(EscalationFiring.objects.values_list("rule_id", "ticket_id", "condition_at")) == [
        (rule.pk, ticket.pk, clocks[key])
    ]


@pytest.mark.parametrize(("condition", "clocks", "key"), DUE_CONDITIONS)
@pytest.mark.parametrize("_case", ["paused", "resolved", "cancelled", "wrong_tier", "not_due"])
def test_due_condition_skips_tickets_it_does_not_hold_for(
    shared_world, new_ticket, condition, clocks, key, _case
):
    make_rule(condition, tier=2 if _case == "wrong_tier" else None)
    ticket = set_clocks(new_ticket(), **clocks)
    manager = actor(shared_world.manager)
    if _case == "paused":
        set_clocks(ticket, sla_paused_at=at(5))
    elif _case in {"resolved", "cancelled"}:
        with time_machine.travel(at(5), tick=False):
            move_ticket(ticket, _case, by=manager)
    minutes = 9 if _case == "not_due" else 11

    results = tick(minutes)

    assert results == []
    assert EscalationFiring.objects.count() == 0
    assert not TicketEvent.objects.filter(kind="ticket.escalation_rule_fired").exists()


def test_first_response_conditions_stop_once_the_requester_had_an_answer(shared_world, new_ticket):
    make_rule(Condition.FIRST_RESPONSE_BREACH)
    make_rule(Condition.FIRST_RESPONSE_WARNING)
    ticket = set_clocks(new_ticket(), first_response_warning_at=at(5), first_response_due=at(10))
    with time_machine.travel(at(3), tick=False):
        ticket_services.add_message(
            actor=actor(shared_world.agent_a), number=ticket.number, body="Looking into it."
        )

    assert tick(11) == []


def test_warning_is_not_sent_once_the_breach_is_there(new_ticket):
    make_rule(Condition.RESOLUTION_WARNING)
    set_clocks(new_ticket(), resolution_warning_at=at(10), resolution_due=at(20))

    assert tick(21) == []


def test_new_due_instant_fires_the_rule_again(new_ticket):
    make_rule(Condition.RESOLUTION_BREACH)
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    tick(11)

    set_clocks(ticket, resolution_due=at(40))  # e.g. reopened: the clock runs again
    quiet = tick(30)
    again = tick(41)

    assert (quiet, fired_numbers(again)) == ([], [ticket.number])
    assert sorted(EscalationFiring.objects.values_list("condition_at", flat=True)) == [
        at(10),
        at(40),
    ]


def test_old_condition_fires_when_a_change_makes_it_hold(shared_world, new_ticket):
    make_rule(Condition.RESOLUTION_BREACH)
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    agent = actor(shared_world.agent_a)
    with time_machine.travel(at(5), tick=False):
        ticket_services.change_status(
            actor=agent, number=ticket.number, to="pending", note="Waiting for the requester"
        )
    set_clocks(ticket, sla_paused_at=at(5))
    assert (tick(11), tick(300), tick(600)) == ([], [], [])

    with time_machine.travel(at(900), tick=False):  # the requester answers: the clock runs
        ticket_services.add_message(
            actor=actor(shared_world.requester_a), number=ticket.number, body="Here it is."
        )
    # The clock runs again and is still past due (e.g. it was breached before the pause).
    set_clocks(ticket, sla_paused_at=None, resolution_due=at(10))

    assert fired_numbers(tick(901)) == [ticket.number]


def test_quiet_tick_leaves_the_old_backlog_alone(new_ticket):
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    make_rule(Condition.RESOLUTION_BREACH)  # a new rule looks back one day

    assert tick(2 * 24 * 60) == []
    assert ticket.escalation_firings.count() == 0


def test_saving_a_rule_makes_it_look_back_again(new_ticket):
    rule = make_rule(Condition.RESOLUTION_BREACH, tier=2)
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    assert tick(11) == []
    rule.refresh_from_db()
    assert rule.checked_until == at(11)

    services.update_rule(actor=SYSTEM_ACTOR, rule_id=rule.pk, tier=None)

    assert EscalationRule.objects.get(pk=rule.pk).checked_until is None
    assert fired_numbers(tick(60 * 5)) == [ticket.number]


def test_no_update_waits_for_the_grace_minutes(new_ticket):
    make_rule(Condition.NO_UPDATE, minutes=30)
    ticket = set_clocks(new_ticket(), next_update_due=at(10))

    assert (tick(39), fired_numbers(tick(40))) == ([], [ticket.number])


def test_organization_and_category_filters(shared_world, new_ticket):
    category = ticket_services.create_category(name="Printers")
    make_rule(Condition.RESOLUTION_BREACH, organization_id=shared_world.org_a.pk)
    make_rule(Condition.RESOLUTION_BREACH, name="Printers only", category_id=category.pk)
    acme = set_clocks(new_ticket(), resolution_due=at(10))
    acme_printer = set_clocks(new_ticket(category_id=category.pk), resolution_due=at(10))
    with time_machine.travel(T0, tick=False):
        globex = make_ticket(actor(shared_world.requester_b))
    set_clocks(globex, resolution_due=at(10))

    results = tick(11)

    by_rule: dict[str, list[int]] = {}
    for result in results:
        by_rule.setdefault(result.rule_name, []).append(result.ticket_number)
    assert by_rule == {
        "Rule resolution_breach 1": [acme.number, acme_printer.number],
        "Printers only": [acme_printer.number],
    }


# --- time at a tier --------------------------------------------------------------------------


def test_time_at_tier_escalates_after_the_working_minutes(shared_world, new_ticket, run_handlers):
    rule = make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, escalate_to_tier=2)
    ticket = new_ticket()
    mail.outbox.clear()

    early = tick(19)
    with run_handlers():
        results = tick(20)
    later = tick(60)

    assert (early, fired_numbers(results), later) == ([], [ticket.number], [])
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team, ticket.tier_entered_at) == (2, shared_world.l2, at(20))
    escalated = TicketEvent.objects.get(ticket=ticket, kind="ticket.escalated")
    assert (escalated.old_value, escalated.new_value, escalated.actor_name) == ("1", "2", "Linia")
    assert escalated.payload["reason"] == f"Escalation rule: {rule.name}"
    assert results[0].actions == [
        {"action": "escalate", "outcome": "done", "message": "L2 · L2 Engineers"}
    ]
    # Functional escalation tells the managers and the new team (linia.notifications).
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [shared_world.manager.email, shared_world.engineer_a.email]
    )


def test_time_at_tier_counts_working_minutes(new_ticket, monkeypatch):
    rule = make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, escalate_to_tier=2)
    ticket = new_ticket()
    asked: list[tuple[int, datetime, int]] = []

    def half_the_time_is_off(t, entered_at, minutes):
        asked.append((t.pk, entered_at, minutes))
        return entered_at + timedelta(minutes=2 * minutes)

    monkeypatch.setattr(timing, "tier_deadline", half_the_time_is_off)

    assert (tick(1), tick(30), tick(39)) == ([], [], [])
    assert asked == [(ticket.pk, T0, 20)]  # computed once, when the ticket was first seen
    scheduled = EscalationFiring.objects.get()
    assert (scheduled.rule, scheduled.condition_at, scheduled.due_at, scheduled.fired_at) == (
        rule,
        T0,
        at(40),
        None,
    )
    assert fired_numbers(tick(40)) == [ticket.number]
    scheduled.refresh_from_db()
    assert scheduled.fired_at == at(40)


def test_time_at_tier_counts_the_tickets_business_calendar(shared_world):
    office = sla_services.create_calendar(
        name="Kyiv office", timezone="Europe/Kyiv",
        hours={day: [("09:00", "18:00")] for day in range(5)},
    )  # fmt: skip
    make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, escalate_to_tier=2)
    friday_evening = datetime(2026, 3, 6, 15, 50, tzinfo=UTC)  # 17:50 in Kyiv
    with time_machine.travel(friday_evening, tick=False):
        ticket = make_ticket(actor(shared_world.requester_a))
    set_clocks(ticket, sla_calendar_id=office.pk)
    monday_0909 = datetime(2026, 3, 9, 7, 9, tzinfo=UTC)

    def tick_at(instant: datetime) -> list[services.FiringResult]:
        with time_machine.travel(instant, tick=False):
            return fire_escalations()

    quiet = [tick_at(friday_evening + timedelta(minutes=n)) for n in (1, 40, 24 * 60)]
    assert quiet == [[], [], []]
    assert EscalationFiring.objects.get().due_at == monday_0909 + timedelta(minutes=1)
    assert tick_at(monday_0909) == []
    assert fired_numbers(tick_at(monday_0909 + timedelta(minutes=1))) == [ticket.number]


def test_scheduled_firing_is_dropped_when_the_ticket_moves_on_and_comes_back(
    shared_world, new_ticket
):
    make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, note="Still at L1")
    ticket = new_ticket()
    tick(1)
    assert EscalationFiring.objects.filter(fired_at__isnull=True).count() == 1
    manager = actor(shared_world.manager)
    with time_machine.travel(at(5), tick=False):
        ticket = move_ticket(ticket, "resolved", by=manager)

    assert tick(21) == []
    assert EscalationFiring.objects.count() == 0

    with time_machine.travel(at(30), tick=False):  # the requester says it still fails
        ticket_services.change_status(
            actor=manager, number=ticket.number, to="in_progress", note="Still broken"
        )
    assert fired_numbers(tick(31)) == [ticket.number]


def test_time_at_tier_ignores_other_tiers_and_fires_again_at_the_next(shared_world, new_ticket):
    make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, escalate_to_tier=2)
    make_rule(Condition.TIME_AT_TIER, name="L2 for an hour", tier=2, minutes=60,
              escalate_to_tier=3)  # fmt: skip
    ticket = new_ticket()
    with time_machine.travel(at(5), tick=False):
        ticket_services.escalate_ticket(
            actor=actor(shared_world.agent_a), number=ticket.number, tier=2, reason="Needs L2"
        )

    assert (tick(30), tick(64)) == ([], [])
    results = tick(65)

    assert [(r.rule_name, r.ticket_number) for r in results] == [("L2 for an hour", ticket.number)]
    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (3, shared_world.l3)


# --- a ticket of a priority registered ---------------------------------------------------------


def test_p1_registered_notifies_the_managers(shared_world, new_ticket, run_handlers):
    rule = make_rule(Condition.PRIORITY_CREATED, priority="P1", notify_role="manager")
    agent = actor(shared_world.agent_a)
    with time_machine.travel(T0, tick=False):
        urgent = make_ticket(agent, requester=shared_world.contact_a.pk, priority="P1",
                             subject="Server room is hot")  # fmt: skip
        make_ticket(agent, requester=shared_world.contact_a.pk, priority="P2")
    mail.outbox.clear()

    with run_handlers():
        results = tick(1)

    assert fired_numbers(results) == [urgent.number]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            [shared_world.manager.email],
            f"[#{urgent.number}] Escalation “{rule.name}”: Server room is hot",
        )
    ]
    body = mail.outbox[0].body
    assert f"The escalation rule “{rule.name}” fired for ticket {urgent.number}." in body
    assert "Condition: Ticket created with a priority" in body
    assert f"/desk/tickets/{urgent.number}/" in body
    assert mail.outbox[0].extra_headers["X-Linia-Ticket"] == str(urgent.number)
    assert tick(2) == []


def test_priority_created_looks_back_one_day_only(shared_world):
    make_rule(Condition.PRIORITY_CREATED, priority="P1")
    agent = actor(shared_world.agent_a)
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        old = make_ticket(agent, requester=shared_world.contact_a.pk, priority="P1")
    with time_machine.travel(T0, tick=False):
        recent = make_ticket(agent, requester=shared_world.contact_a.pk, priority="P1")

    assert fired_numbers(tick(1)) == [recent.number]
    assert old.escalation_firings.count() == 0


# --- actions -------------------------------------------------------------------------------


def test_firing_is_on_the_timeline_with_the_rule_name(new_ticket):
    rule = make_rule(Condition.RESOLUTION_BREACH, name="Breach → note", note="Past due.")
    ticket = set_clocks(new_ticket(), resolution_due=at(10))

    tick(11)

    event = TicketEvent.objects.get(ticket=ticket, kind="ticket.escalation_rule_fired")
    firing = EscalationFiring.objects.get()
    assert (event.new_value, event.actor_id, event.actor_name, event.is_internal) == (
        "Breach → note",
        None,
        "Linia",
        True,
    )
    assert event.payload == {
        "rule_name": "Breach → note",
        "rule_id": rule.pk,
        "firing_id": firing.pk,
        "condition": "resolution_breach",
        "condition_at": at(10).isoformat(),
        "actions": [{"action": "note", "outcome": "done", "message": ""}],
        "notify_user_ids": [],
    }
    assert (firing.fired_at, firing.actions) == (at(11), event.payload["actions"])


def test_internal_note_is_added_by_the_system(new_ticket):
    make_rule(Condition.RESOLUTION_BREACH, note="The SLA is breached: call the client.")
    ticket = set_clocks(new_ticket(), resolution_due=at(10))

    tick(11)

    note = Message.objects.get(ticket=ticket)
    assert (note.body, note.is_internal, note.author_id, note.author_name, note.is_from_staff) == (
        "The SLA is breached: call the client.",
        True,
        None,
        "Linia",
        True,
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.message_count) == ("new", 0)


def test_assign_action(shared_world, new_ticket):
    make_rule(Condition.RESOLUTION_BREACH, assign_to_id=shared_world.engineer_a.pk)
    ticket = set_clocks(new_ticket(), resolution_due=at(10))

    results = tick(11)

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (shared_world.engineer_a, "open")
    assert results[0].actions == [
        {"action": "assign", "outcome": "done", "message": shared_world.engineer_a.display_name}
    ]


@pytest.mark.parametrize(
    ("_case", "change", "before", "after", "outcome"),
    [
        ("one step", "raise", "P3", "P2", "done"),
        ("one step from P1", "raise", "P1", "P1", "skipped"),
        ("to P1", "P1", "P3", "P1", "done"),
        ("never lowers", "P2", "P1", "P1", "skipped"),
    ],
)
def test_raise_priority_action(shared_world, _case, change, before, after, outcome):
    make_rule(Condition.RESOLUTION_BREACH, set_priority=change)
    with time_machine.travel(T0, tick=False):
        ticket = make_ticket(
            actor(shared_world.agent_a), requester=shared_world.contact_a.pk, priority=before
        )
    set_clocks(ticket, resolution_due=at(10))

    results = tick(11)

    ticket.refresh_from_db()
    assert ticket.priority == after
    assert results[0].actions[0]["outcome"] == outcome
    changed = TicketEvent.objects.filter(ticket=ticket, kind="ticket.field_changed")
    expected = [("priority", before, after)] if outcome == "done" else []
    assert list(changed.values_list("field", "old_value", "new_value")) == expected


def test_escalate_to_a_named_team_and_skip_when_already_there(shared_world, new_ticket):
    make_rule(Condition.RESOLUTION_BREACH, escalate_to_team_id=shared_world.l3.pk)
    first = set_clocks(new_ticket(), resolution_due=at(10))
    second = set_clocks(new_ticket(), resolution_due=at(10))
    with time_machine.travel(at(5), tick=False):
        ticket_services.escalate_ticket(
            actor=actor(shared_world.agent_a), number=second.number, tier=3, reason="Hard one"
        )

    results = tick(11)

    first.refresh_from_db()
    assert (first.tier, first.team) == (3, shared_world.l3)
    assert [(r.ticket_number, r.actions[0]["outcome"]) for r in results] == [
        (first.number, "done"),
        (second.number, "skipped"),
    ]


def test_notify_the_assignee_or_else_the_team(shared_world, new_ticket, run_handlers):
    make_rule(Condition.RESOLUTION_WARNING, notify_assignee=True)
    assigned = set_clocks(new_ticket(), resolution_warning_at=at(10))
    unassigned = set_clocks(new_ticket(), resolution_warning_at=at(10))
    with time_machine.travel(at(1), tick=False):
        ticket_services.assign_ticket(
            actor=actor(shared_world.manager), number=assigned.number,
            assignee_id=shared_world.engineer_a.pk,
        )  # fmt: skip
    mail.outbox.clear()

    with run_handlers():
        results = tick(11)

    assert sorted((m.to[0], m.extra_headers["X-Linia-Ticket"]) for m in mail.outbox) == sorted(
        [
            (shared_world.engineer_a.email, str(assigned.number)),
            (shared_world.agent_a.email, str(unassigned.number)),  # the only member of L1
        ]
    )
    assert [r.actions for r in results] == [
        [{"action": "notify", "outcome": "done",
          "message": shared_world.engineer_a.display_name}],
        [{"action": "notify", "outcome": "done", "message": shared_world.agent_a.display_name}],
    ]  # fmt: skip


def test_notification_speaks_the_recipients_language(shared_world, new_ticket, run_handlers):
    make_rule(Condition.RESOLUTION_BREACH, name="Breach", notify_role="manager")
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    manager = shared_world.manager
    manager.language = "uk"
    manager.save(update_fields=["language"])
    mail.outbox.clear()

    with run_handlers():
        tick(11)

    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "uk"
    assert message.subject.startswith(f"[#{ticket.number}] ")


def test_nobody_to_notify_is_recorded(shared_world, new_ticket):
    make_rule(Condition.RESOLUTION_BREACH, notify_role="admin")
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    admin = shared_world.admin
    admin.is_active = False
    admin.save(update_fields=["is_active"])

    results = tick(11)

    assert results[0].actions == [
        {"action": "notify", "outcome": "skipped", "message": "Nobody to notify."}
    ]
    assert (
        TicketEvent.objects.get(ticket=ticket, kind="ticket.escalation_rule_fired").payload[
            "notify_user_ids"
        ]
        == []
    )


# --- failures ------------------------------------------------------------------------------


def test_refused_action_is_recorded_and_the_rule_fires_for_the_others(shared_world, new_ticket):
    # agent_a works for Acme only: assigning a Globex ticket to him is refused.
    make_rule(Condition.RESOLUTION_BREACH, assign_to_id=shared_world.agent_a.pk, note="Breached")
    with time_machine.travel(T0, tick=False):
        globex = make_ticket(actor(shared_world.requester_b))
    set_clocks(globex, resolution_due=at(10))
    acme = set_clocks(new_ticket(), resolution_due=at(10))

    results = tick(11)

    assert [r.ticket_number for r in results] == [globex.number, acme.number]
    assert results[0].actions == [
        {
            "action": "assign",
            "outcome": "failed",
            "message": "This person cannot take tickets of this organization.",
            "code": "invalid_assignee",
        },
        {"action": "note", "outcome": "done", "message": ""},
    ]
    globex.refresh_from_db()
    acme.refresh_from_db()
    assert (globex.assignee, acme.assignee) == (None, shared_world.agent_a)
    assert EscalationFiring.objects.count() == 2
    assert Message.objects.filter(ticket=globex, body="Breached").count() == 1


def test_unexpected_error_in_a_tickets_actions_rolls_back_that_firing_only_and_retries(
    new_ticket, monkeypatch
):
    make_rule(Condition.RESOLUTION_BREACH, escalate_to_tier=2, note="Breached")
    broken = set_clocks(new_ticket(), resolution_due=at(10))
    fine = set_clocks(new_ticket(), resolution_due=at(10))
    real_escalate = ticket_services.escalate_ticket

    def escalate_ticket(**kwargs):
        if kwargs["number"] == broken.number:
            raise RuntimeError("disk on fire")
        return real_escalate(**kwargs)

    monkeypatch.setattr(ticket_services, "escalate_ticket", escalate_ticket)

    results = tick(11)

    assert [(r.ticket_number, r.error) for r in results] == [
        (broken.number, "disk on fire"),
        (fine.number, ""),
    ]
    assert list(EscalationFiring.objects.values_list("ticket_id", flat=True)) == [fine.pk]
    assert not TicketEvent.objects.filter(
        ticket=broken, kind="ticket.escalation_rule_fired"
    ).exists()
    assert not Message.objects.filter(ticket=broken, body="Breached").exists()
    assert Message.objects.filter(ticket=fine, body="Breached").count() == 1
    broken.refresh_from_db()
    assert broken.tier == 1

    assert tick(30) == [
        services.FiringResult(
            rule_id=results[0].rule_id,
            rule_name=results[0].rule_name,
            ticket_number=broken.number,
            condition_at=at(10),
            error="disk on fire",
        )
    ]
    monkeypatch.setattr(ticket_services, "escalate_ticket", real_escalate)
    assert fired_numbers(tick(60)) == [broken.number]  # the window waited for it


def test_unexpected_error_in_the_batchs_shared_steps_rolls_back_the_batch_and_retries(
    new_ticket, monkeypatch
):
    make_rule(Condition.RESOLUTION_BREACH, escalate_to_tier=2, note="Breached")
    tickets = [set_clocks(new_ticket(), resolution_due=at(10)) for _ in range(3)]
    real_notes = ticket_services.add_system_notes

    def add_system_notes(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ticket_services, "add_system_notes", add_system_notes)

    results = tick(11)

    assert [(r.ticket_number, r.error) for r in results] == [
        (ticket.number, "disk on fire") for ticket in tickets
    ]
    assert not EscalationFiring.objects.exists()
    assert not TicketEvent.objects.filter(kind="ticket.escalated").exists()
    assert set(Ticket.objects.values_list("tier", flat=True)) == {1}

    monkeypatch.setattr(ticket_services, "add_system_notes", real_notes)
    assert fired_numbers(tick(30)) == [ticket.number for ticket in tickets]
    assert Message.objects.filter(body="Breached").count() == 3


def test_firings_share_a_batch_up_to_its_size(new_ticket, monkeypatch):
    monkeypatch.setattr(services, "FIRING_BATCH", 2)
    make_rule(Condition.RESOLUTION_BREACH, note="Breached")
    tickets = [set_clocks(new_ticket(), resolution_due=at(10)) for _ in range(5)]

    with CaptureQueriesContext(connection) as captured:
        assert fired_numbers(tick(11)) == [ticket.number for ticket in tickets]

    notes = [q["sql"] for q in captured if q["sql"].startswith('INSERT INTO "tickets_message"')]
    assert len(notes) == 3  # batches of 2, 2 and 1
    assert Message.objects.filter(body="Breached").count() == 5
    assert EscalationFiring.objects.count() == 5


# --- the tick --------------------------------------------------------------------------------


def test_rules_fire_in_their_order(new_ticket):
    make_rule(Condition.RESOLUTION_BREACH, name="Second", position=20)
    make_rule(Condition.RESOLUTION_BREACH, name="First", position=10)
    make_rule(Condition.RESOLUTION_BREACH, name="Off", is_active=False)
    set_clocks(new_ticket(), resolution_due=at(10))

    assert [r.rule_name for r in tick(11)] == ["First", "Second"]


def test_batches_cover_every_candidate(new_ticket, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    make_rule(Condition.RESOLUTION_BREACH)
    tickets = [set_clocks(new_ticket(), resolution_due=at(10 - n)) for n in range(5)]

    assert fired_numbers(tick(11)) == [t.number for t in reversed(tickets)]


def _every_condition_rule() -> None:
    make_rule(Condition.TIME_AT_TIER, tier=1, minutes=20, escalate_to_tier=2)
    for condition in Condition.values:
        if condition != Condition.TIME_AT_TIER:
            make_rule(condition, priority="P1" if condition == Condition.PRIORITY_CREATED else "")


def _non_matching(new_ticket, count: int, manager) -> None:
    for n in range(count):
        ticket = new_ticket()
        kind = n % 3
        if kind == 0:  # not due yet
            set_clocks(ticket, resolution_due=at(600), resolution_warning_at=at(500),
                       first_response_due=at(300), next_update_due=at(400),
                       tier_entered_at=at(30))  # fmt: skip
        elif kind == 1:  # paused
            set_clocks(ticket, resolution_due=at(1), sla_paused_at=T0, tier_entered_at=at(30))
        else:  # resolved
            set_clocks(ticket, resolution_due=at(1))
            with time_machine.travel(at(1), tick=False):
                move_ticket(ticket, "resolved", by=manager)


def _count_tick_queries(minutes: float) -> tuple[int, list[int]]:
    with CaptureQueriesContext(connection) as queries:
        results = tick(minutes)
    return len(queries), fired_numbers(results)


def test_tick_queries_do_not_grow_with_non_matching_tickets(shared_world, new_ticket):
    _every_condition_rule()
    manager = actor(shared_world.manager)
    _non_matching(new_ticket, 3, manager)
    first = set_clocks(new_ticket(), resolution_due=at(10), tier_entered_at=at(30))
    small_idle, _ = _count_tick_queries(5)
    small, small_fired = _count_tick_queries(11)

    _non_matching(new_ticket, 12, manager)
    second = set_clocks(new_ticket(), resolution_due=at(12), tier_entered_at=at(30))
    large_idle, _ = _count_tick_queries(6)
    large, large_fired = _count_tick_queries(13)

    assert (small_fired, large_fired) == ([first.number], [second.number])
    # The rules; for each rule the instants passed (not for the priority rule) and the changed
    # tickets (one query per 200); the changed tickets (twice: any change, priority changes);
    # the time-at-tier schedule; moving the watermarks.
    rules = len(Condition.values)
    assert small_idle == large_idle == 1 + (rules - 1) + rules + 2 + 1 + 1
    assert small == large


def test_periodic_task_runs_a_tick(new_ticket):
    make_rule(Condition.RESOLUTION_BREACH)
    ticket = set_clocks(new_ticket(), resolution_due=at(10))

    with time_machine.travel(at(11), tick=False):
        fire_escalations_task()

    assert list(EscalationFiring.objects.values_list("ticket_id", flat=True)) == [ticket.pk]


def test_command_prints_what_fired(new_ticket, capsys):
    rule = make_rule(Condition.RESOLUTION_BREACH, name="Breach note", note="Past due")
    ticket = set_clocks(new_ticket(), resolution_due=at(10))

    with time_machine.travel(at(11), tick=False):
        call_command("fire-escalations")
        call_command("fire-escalations")

    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"#{ticket.number}  {rule.name}  [{at(10).isoformat()}]  note done",
        "1 fired, 0 failed",
        "0 fired, 0 failed",
    ]


def test_desk_timeline_shows_the_rule_and_what_was_not_done(shared_world, new_ticket):
    make_rule(
        Condition.RESOLUTION_BREACH, name="Breach → assign", assign_to_id=shared_world.agent_b.pk
    )
    ticket = set_clocks(new_ticket(), resolution_due=at(10))
    tick(11)

    row = timeline_row(TicketEvent.objects.get(ticket=ticket, kind="ticket.escalation_rule_fired"))

    assert (row.label, row.new, row.changed, row.details) == (
        "Escalation rule fired",
        "Breach → assign",
        False,
        [("Not done", "This person cannot take tickets of this organization.")],
    )


def test_a_batch_of_firings_costs_the_same_queries_whatever_its_size(new_ticket):
    # The users of the notified role are read once a tick, and a batch locks its tickets, adds
    # their notes, firings and timeline records in one statement each.
    make_rule(Condition.RESOLUTION_BREACH, notify_role="manager", note="Breached")
    for due in (10, 11, 12):
        set_clocks(new_ticket(), resolution_due=at(due))

    idle, _ = _count_tick_queries(5)
    with CaptureQueriesContext(connection) as one:
        assert len(tick(10.5)) == 1
    with CaptureQueriesContext(connection) as two:
        assert len(tick(12.5)) == 2

    def users_read(captured: CaptureQueriesContext) -> int:
        return sum(q["sql"].startswith('SELECT "accounts_user"') for q in captured)

    assert users_read(one) == users_read(two) == 1
    assert len(two) == len(one)
    assert len(one) - idle <= 13
