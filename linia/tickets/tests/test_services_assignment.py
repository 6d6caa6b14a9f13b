"""assign_ticket, escalate_ticket and classify_ticket."""

from __future__ import annotations

import pytest
from django.core import mail

from linia.core.errors import Forbidden, Invalid, NotFound
from linia.directory.tests.factories import actor, make_team
from linia.tickets import services
from linia.tickets.models import Ticket, TicketEvent
from linia.tickets.tests.factories import make_ticket, move_ticket
from linia.tickets.workflow import TransitionNotAllowed


def new_events(ticket: Ticket, after: int) -> list[tuple[str, str, str, str, bool]]:
    rows = TicketEvent.objects.filter(ticket=ticket).order_by("id")[after:]
    return [(e.kind, e.field, e.old_value, e.new_value, e.is_internal) for e in rows]


@pytest.fixture
def ticket(shared_world) -> Ticket:
    return make_ticket(actor(shared_world.requester_a))


# --- assign -------------------------------------------------------------------------------


def test_assigning_a_new_ticket_accepts_it(shared_world, ticket):
    engineer = shared_world.engineer_a

    services.assign_ticket(
        actor=actor(shared_world.agent_a), number=ticket.number, assignee_id=engineer.pk
    )

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (engineer, "open")
    assert new_events(ticket, 1) == [
        ("ticket.assigned", "assignee", "", engineer.display_name, False),
        ("ticket.status_changed", "status", "new", "open", False),
    ]
    assert ticket.events.get(kind="ticket.assigned").payload == {"assignee_id": engineer.pk}


def test_assigning_an_open_ticket_keeps_its_status(shared_world, ticket):
    move_ticket(ticket, "in_progress", by=actor(shared_world.manager))
    count = ticket.events.count()

    services.assign_ticket(
        actor=actor(shared_world.agent_a), number=ticket.number, assignee_id=shared_world.agent_a.pk
    )

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (shared_world.agent_a, "in_progress")
    assert [e[0] for e in new_events(ticket, count)] == ["ticket.assigned"]


def test_assigning_the_same_person_again_records_nothing(shared_world, ticket):
    agent = actor(shared_world.agent_a)
    services.assign_ticket(actor=agent, number=ticket.number, assignee_id=shared_world.agent_a.pk)
    count = ticket.events.count()

    services.assign_ticket(actor=agent, number=ticket.number, assignee_id=shared_world.agent_a.pk)

    assert new_events(ticket, count) == []


@pytest.mark.parametrize("user", ["lead", "manager", "admin"])
def test_people_serving_everyone_may_be_assigned(shared_world, ticket, user):
    services.assign_ticket(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        assignee_id=getattr(shared_world, user).pk,
    )

    ticket.refresh_from_db()
    assert ticket.assignee == getattr(shared_world, user)


@pytest.mark.parametrize("user", ["agent_b", "requester_a", "client_manager_a"])
def test_assignee_must_serve_the_organization(shared_world, ticket, user):
    with pytest.raises(Invalid) as caught:
        services.assign_ticket(
            actor=actor(shared_world.agent_a),
            number=ticket.number,
            assignee_id=getattr(shared_world, user).pk,
        )

    assert caught.value.code == "invalid_assignee"
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (None, "new")
    assert new_events(ticket, 1) == []


def test_unassign(shared_world, ticket):
    agent = actor(shared_world.agent_a)
    services.assign_ticket(actor=agent, number=ticket.number, assignee_id=shared_world.agent_a.pk)
    count = ticket.events.count()

    services.assign_ticket(actor=agent, number=ticket.number, assignee_id=None)

    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status) == (None, "open")
    assert new_events(ticket, count) == [
        ("ticket.assigned", "assignee", shared_world.agent_a.display_name, "", False)
    ]


@pytest.mark.parametrize(
    ("user", "error"),
    [("requester_a", Forbidden), ("client_manager_a", Forbidden), ("agent_b", NotFound)],
)
def test_only_staff_who_see_the_ticket_assign(shared_world, ticket, user, error):
    with pytest.raises(error):
        services.assign_ticket(
            actor=actor(getattr(shared_world, user)),
            number=ticket.number,
            assignee_id=shared_world.agent_a.pk,
        )

    assert new_events(ticket, 1) == []


def test_assigned_agent_is_told_unless_they_took_it(
    shared_world, ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_ticket(
            actor=actor(shared_world.agent_a),
            number=ticket.number,
            assignee_id=shared_world.agent_a.pk,
        )
    own = [m for m in mail.outbox if m.to == [shared_world.agent_a.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.assign_ticket(
            actor=actor(shared_world.agent_a),
            number=ticket.number,
            assignee_id=shared_world.engineer_a.pk,
        )

    assert own == []
    told = [m.subject for m in mail.outbox if m.to == [shared_world.engineer_a.email]]
    assert told == [f"[#{ticket.number}] Assigned to you: {ticket.subject}"]


# --- escalate -----------------------------------------------------------------------------


def test_escalation_moves_up_to_the_tier_team_and_clears_the_assignee(
    shared_world, ticket, django_capture_on_commit_callbacks
):
    agent = actor(shared_world.agent_a)
    services.assign_ticket(actor=agent, number=ticket.number, assignee_id=shared_world.agent_a.pk)
    count = ticket.events.count()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.escalate_ticket(
            actor=agent, number=ticket.number, tier=2, reason="Needs a server engineer"
        )

    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team, ticket.assignee, ticket.status) == (
        2,
        shared_world.l2,
        None,
        "open",
    )
    assert new_events(ticket, count) == [("ticket.escalated", "tier", "1", "2", True)]
    event = ticket.events.get(kind="ticket.escalated")
    assert event.payload == {
        "reason": "Needs a server engineer",
        "old_team": "L1 Service desk",
        "team": "L2 Engineers",
        "team_id": shared_world.l2.pk,
    }
    # The manager and the new team hear of it; the agent who escalated does not.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [shared_world.manager.email, shared_world.engineer_a.email]
    )
    to_manager = next(m for m in mail.outbox if m.to == [shared_world.manager.email])
    assert to_manager.subject == f"[#{ticket.number}] Escalated to L2: {ticket.subject}"
    assert "Needs a server engineer" in to_manager.body
    assert f"/desk/tickets/{ticket.number}/" in to_manager.body


def test_escalation_to_a_tier_nobody_serves_dedicatedly_goes_to_the_team_serving_all(
    shared_world, ticket
):
    services.escalate_ticket(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        tier=3,
        reason="Architecture question",
    )

    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (3, shared_world.l3)


def test_escalation_to_a_named_team(shared_world, ticket):
    second_l2 = make_team(tier=2, name="L2 Database")
    shared_world.org_a.teams.add(second_l2)

    services.escalate_ticket(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        tier=2,
        reason="Database",
        team_id=second_l2.pk,
    )

    ticket.refresh_from_db()
    assert (ticket.tier, ticket.team) == (2, second_l2)


def _assert_not_escalated(ticket: Ticket, *, tier: int, count: int) -> None:
    ticket.refresh_from_db()
    assert ticket.tier == tier
    assert new_events(ticket, count) == []
    assert mail.outbox == []


@pytest.mark.parametrize("tier", [0, 1, 4])
def test_escalation_tier_must_be_2_or_3(shared_world, ticket, tier):
    with pytest.raises(Invalid) as caught:
        services.escalate_ticket(
            actor=actor(shared_world.agent_a), number=ticket.number, tier=tier, reason="Because"
        )

    assert caught.value.code == "invalid_tier"
    _assert_not_escalated(ticket, tier=1, count=1)


@pytest.mark.parametrize("tier", [2, 3])
def test_escalation_only_goes_up(shared_world, ticket, django_capture_on_commit_callbacks, tier):
    agent = actor(shared_world.agent_a)
    services.escalate_ticket(actor=agent, number=ticket.number, tier=3, reason="Hard one")
    count = ticket.events.count()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(TransitionNotAllowed) as caught,
    ):
        services.escalate_ticket(actor=agent, number=ticket.number, tier=tier, reason="Again")

    assert caught.value.code == "escalation_not_upward"
    _assert_not_escalated(ticket, tier=3, count=count)


@pytest.mark.parametrize("reason", ["", "   "])
def test_escalation_needs_a_reason(shared_world, ticket, reason):
    with pytest.raises(Invalid) as caught:
        services.escalate_ticket(
            actor=actor(shared_world.agent_a), number=ticket.number, tier=2, reason=reason
        )

    assert caught.value.code == "reason_required"
    _assert_not_escalated(ticket, tier=1, count=1)


@pytest.mark.parametrize("status", ["resolved", "closed", "cancelled"])
def test_only_open_tickets_are_escalated(shared_world, ticket, status):
    move_ticket(ticket, status, by=actor(shared_world.manager))
    count = ticket.events.count()

    with pytest.raises(TransitionNotAllowed) as caught:
        services.escalate_ticket(
            actor=actor(shared_world.manager), number=ticket.number, tier=2, reason="Late"
        )

    assert caught.value.code == "escalation_not_open"
    _assert_not_escalated(ticket, tier=1, count=count)


@pytest.mark.parametrize("team", ["other_l2", "l3", "inactive_l2"])
def test_named_team_must_be_active_at_the_tier_and_serve_the_organization(
    shared_world, ticket, team
):
    teams = {
        "other_l2": make_team(tier=2, name="L2 Globex only"),
        "l3": shared_world.l3,
        "inactive_l2": make_team(tier=2, name="L2 Retired"),
    }
    shared_world.org_b.teams.add(teams["other_l2"])
    shared_world.org_a.teams.add(teams["inactive_l2"])
    type(teams["inactive_l2"]).objects.filter(pk=teams["inactive_l2"].pk).update(is_active=False)

    with pytest.raises(Invalid) as caught:
        services.escalate_ticket(
            actor=actor(shared_world.agent_a),
            number=ticket.number,
            tier=2,
            reason="Because",
            team_id=teams[team].pk,
        )

    assert caught.value.code == "invalid_team"
    _assert_not_escalated(ticket, tier=1, count=1)


@pytest.mark.parametrize(("user", "error"), [("requester_a", Forbidden), ("agent_b", NotFound)])
def test_only_staff_who_see_the_ticket_escalate(shared_world, ticket, user, error):
    with pytest.raises(error):
        services.escalate_ticket(
            actor=actor(getattr(shared_world, user)), number=ticket.number, tier=2, reason="Please"
        )

    _assert_not_escalated(ticket, tier=1, count=1)


# --- classify -----------------------------------------------------------------------------


def test_impact_change_recomputes_the_priority(shared_world, ticket):
    services.classify_ticket(actor=actor(shared_world.agent_a), number=ticket.number, impact="high")

    ticket.refresh_from_db()
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("high", "medium", "P2")
    assert new_events(ticket, 1) == [
        ("ticket.field_changed", "impact", "medium", "high", True),
        ("ticket.field_changed", "priority", "P3", "P2", True),
    ]


def test_urgency_change_recomputes_the_priority(shared_world, ticket):
    services.classify_ticket(actor=actor(shared_world.agent_a), number=ticket.number, urgency="low")

    ticket.refresh_from_db()
    assert ticket.priority == "P4"
    assert [e[1] for e in new_events(ticket, 1)] == ["urgency", "priority"]


def test_given_priority_wins_over_the_matrix(shared_world, ticket):
    services.classify_ticket(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        impact="low",
        urgency="low",
        priority="P1",
    )

    ticket.refresh_from_db()
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("low", "low", "P1")
    assert [e[1:4] for e in new_events(ticket, 1)] == [
        ("impact", "medium", "low"),
        ("urgency", "medium", "low"),
        ("priority", "P3", "P1"),
    ]


def test_impact_change_whose_priority_stays_records_only_the_impact(shared_world, ticket):
    # medium/medium → P3, and low impact with high urgency → P3 as well.
    services.classify_ticket(
        actor=actor(shared_world.agent_a), number=ticket.number, impact="low", urgency="high"
    )

    assert [e[1] for e in new_events(ticket, 1)] == ["impact", "urgency"]


def test_subject_type_and_category_changes_each_record_one_event(shared_world, ticket):
    category = services.create_category(name="Printers")

    services.classify_ticket(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        subject="Printer on floor 2 jams",
        type="service_request",
        category_id=category.pk,
    )

    ticket.refresh_from_db()
    assert (ticket.subject, ticket.type, ticket.category) == (
        "Printer on floor 2 jams",
        "service_request",
        category,
    )
    assert new_events(ticket, 1) == [
        (
            "ticket.field_changed",
            "subject",
            "The printer does not print",
            "Printer on floor 2 jams",
            False,
        ),
        ("ticket.field_changed", "type", "incident", "service_request", True),
        ("ticket.field_changed", "category", "", "Printers", True),
    ]


def test_category_none_clears_it_and_false_leaves_it(shared_world, ticket):
    category = services.create_category(name="Printers")
    agent = actor(shared_world.agent_a)
    services.classify_ticket(actor=agent, number=ticket.number, category_id=category.pk)
    count = ticket.events.count()

    services.classify_ticket(actor=agent, number=ticket.number, impact="high")
    services.classify_ticket(actor=agent, number=ticket.number, category_id=None)

    ticket.refresh_from_db()
    assert ticket.category is None
    assert [e[1:4] for e in new_events(ticket, count)] == [
        ("impact", "medium", "high"),
        ("priority", "P3", "P2"),
        ("category", "Printers", ""),
    ]


def test_unchanged_values_record_nothing(shared_world, ticket):
    services.classify_ticket(
        actor=actor(shared_world.agent_a),
        number=ticket.number,
        subject=ticket.subject,
        type=ticket.type,
        impact="medium",
        urgency="medium",
        priority="P3",
        category_id=None,
    )

    assert new_events(ticket, 1) == []


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("impact", "huge", "invalid_impact"),
        ("urgency", "x", "invalid_urgency"),
        ("priority", "P0", "invalid_priority"),
        ("type", "rant", "invalid_type"),
        ("subject", " ", "subject_required"),
        ("category_id", 999_999, "invalid_category"),
    ],
)
def test_invalid_classification_writes_nothing(shared_world, ticket, field, value, code):
    with pytest.raises(Invalid) as caught:
        services.classify_ticket(
            actor=actor(shared_world.agent_a),
            number=ticket.number,
            **{"impact": "high", field: value},
        )

    assert caught.value.code == code
    ticket.refresh_from_db()
    assert (ticket.impact, ticket.urgency, ticket.priority) == ("medium", "medium", "P3")
    assert new_events(ticket, 1) == []


def test_clients_may_not_classify(shared_world, ticket):
    with pytest.raises(Forbidden):
        services.classify_ticket(
            actor=actor(shared_world.client_manager_a), number=ticket.number, impact="high"
        )

    assert new_events(ticket, 1) == []
