"""The transition table, exercised through change_status for every (from, to) pair and role."""

from __future__ import annotations

import itertools

import pytest

from linia.core.access import Actor, Role
from linia.core.errors import Invalid
from linia.tickets import services, workflow
from linia.tickets.models import Ticket, TicketEvent
from linia.tickets.tests.factories import make_ticket_in, role_actor
from linia.tickets.workflow import TRANSITIONS, TicketStatus, TransitionNotAllowed

ROLES = [role.value for role in Role]
STATUSES = list(TicketStatus.values)
CASES = [
    pytest.param(source, to, role, id=f"{source}->{to}-{role}")
    for source, to, role in itertools.product(STATUSES, STATUSES, ROLES)
]


def _allowed(source: str, to: str, role: str) -> bool:
    rule = TRANSITIONS.get((TicketStatus(source), TicketStatus(to)))
    return rule is not None and Role(role) in rule.roles


def _snapshot(ticket: Ticket) -> dict[str, object]:
    ticket.refresh_from_db()
    return {
        "status": ticket.status,
        "updated_at": ticket.updated_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "resolution": ticket.resolution,
        "pending_reason": ticket.pending_reason,
        "events": TicketEvent.objects.filter(ticket=ticket).count(),
    }


@pytest.fixture
def manager(shared_world):
    return role_actor(shared_world, "manager")


@pytest.fixture
def requester(shared_world):
    return role_actor(shared_world, "requester")


@pytest.mark.parametrize(("source", "to", "role"), CASES)
def test_transition_table(
    shared_world, requester, manager, django_capture_on_commit_callbacks, source, to, role
):
    ticket = make_ticket_in(source, requester=requester, manager=manager)
    before = _snapshot(ticket)
    count = ticket.events.count()
    actor = role_actor(shared_world, role)

    with django_capture_on_commit_callbacks() as callbacks:
        if _allowed(source, to, role):
            changed = services.change_status(
                actor=actor, number=ticket.number, to=to, note="Because", resolution="Fixed"
            )
        else:
            with pytest.raises(TransitionNotAllowed) as caught:
                services.change_status(
                    actor=actor, number=ticket.number, to=to, note="Because", resolution="Fixed"
                )

    if _allowed(source, to, role):
        rule = TRANSITIONS[(TicketStatus(source), TicketStatus(to))]
        assert changed.status == to
        ticket.refresh_from_db()
        assert ticket.status == to
        new_events = list(TicketEvent.objects.filter(ticket=ticket).order_by("id"))[count:]
        assert [(e.kind, e.field, e.old_value, e.new_value) for e in new_events] == [
            ("ticket.status_changed", "status", source, to)
        ]
        assert new_events[0].payload["action"] == rule.action
        assert new_events[0].actor_id == actor.user_id
        assert len(callbacks) == 1
    else:
        error = caught.value
        assert error.code == "transition_not_allowed"
        assert error.http_status == 409
        assert error.details == {"from_": source, "to": to}
        names = {"from": TicketStatus(source).label, "to": TicketStatus(to).label}
        if (TicketStatus(source), TicketStatus(to)) in TRANSITIONS:
            expected = "You may not move a ticket from “{from}” to “{to}”.".format(**names)
        else:
            expected = "A ticket cannot go from “{from}” to “{to}”.".format(**names)
        assert error.message == expected
        assert _snapshot(ticket) == before
        assert callbacks == []


def test_unknown_target_status_is_not_allowed(shared_world, requester, manager):
    ticket = make_ticket_in("new", requester=requester, manager=manager)

    with pytest.raises(TransitionNotAllowed) as caught:
        services.change_status(actor=manager, number=ticket.number, to="archived")

    assert caught.value.code == "transition_not_allowed"
    assert caught.value.message == "Unknown status “archived”."
    assert TicketEvent.objects.filter(ticket=ticket).count() == 1  # ticket.created only


def _first_role(rule: workflow.Rule) -> str:
    """A role that may take the rule and is held to its requirements (the system is not
    asked for reasons)."""
    return min(role.value for role in rule.roles if role != Role.SYSTEM)


RESOLUTION_RULES = [
    pytest.param(source.value, to.value, id=f"{source}->{to}")
    for (source, to), rule in TRANSITIONS.items()
    if rule.requires_resolution
]
REASON_RULES = [
    pytest.param(source.value, to.value, id=f"{source}->{to}")
    for (source, to), rule in TRANSITIONS.items()
    if rule.requires_reason
]


@pytest.mark.parametrize(("source", "to"), RESOLUTION_RULES)
@pytest.mark.parametrize("resolution", ["", "   \n "])
def test_resolve_requires_resolution_text(
    shared_world, requester, manager, django_capture_on_commit_callbacks, source, to, resolution
):
    ticket = make_ticket_in(source, requester=requester, manager=manager)
    before = _snapshot(ticket)
    actor = role_actor(
        shared_world, _first_role(TRANSITIONS[(TicketStatus(source), TicketStatus(to))])
    )

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Invalid) as caught:
        services.change_status(
            actor=actor, number=ticket.number, to=to, note="Done", resolution=resolution
        )

    assert caught.value.code == "resolution_required"
    assert caught.value.message == "The resolution is required."
    assert _snapshot(ticket) == before
    assert callbacks == []


@pytest.mark.parametrize(("source", "to"), REASON_RULES)
@pytest.mark.parametrize("note", ["", "  "])
def test_rule_requires_reason(
    shared_world, requester, manager, django_capture_on_commit_callbacks, source, to, note
):
    ticket = make_ticket_in(source, requester=requester, manager=manager)
    before = _snapshot(ticket)
    actor = role_actor(
        shared_world, _first_role(TRANSITIONS[(TicketStatus(source), TicketStatus(to))])
    )

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(Invalid) as caught:
        services.change_status(
            actor=actor, number=ticket.number, to=to, note=note, resolution="Fixed"
        )

    assert caught.value.code == "reason_required"
    assert caught.value.message == "Give a reason for this change."
    assert _snapshot(ticket) == before
    assert callbacks == []


def test_reason_rules_are_the_expected_actions():
    actions = {rule.action for rule in TRANSITIONS.values() if rule.requires_reason}
    assert actions == {"pend", "reopen", "cancel", "restore"}
    assert {rule.action for rule in TRANSITIONS.values() if rule.requires_resolution} == {"resolve"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("source", STATUSES)
def test_allowed_transitions_lists_the_table(source, role):
    actor = Actor(role=Role(role))

    listed = [(t.to, t.rule.action) for t in workflow.allowed_transitions(source, actor)]

    assert listed == [
        (to, rule.action)
        for (start, to), rule in TRANSITIONS.items()
        if start == source and Role(role) in rule.roles
    ]
