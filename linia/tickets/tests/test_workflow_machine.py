"""A hypothesis state machine over random sequences of ticket services.

The machine keeps a model of what each ticket should look like, derived from
workflow.TRANSITIONS and the rules services.py documents, and after every step checks the
database against it: the status is valid and expected, every successful change wrote exactly
one TicketEvent and every failed call none, and the time stamps agree with the status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from hypothesis import HealthCheck, event
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from linia.core.access import SYSTEM_ACTOR, Actor
from linia.core.errors import DomainError
from linia.directory.tests.factories import World, actor
from linia.tickets import services
from linia.tickets.models import Ticket
from linia.tickets.services import DEFAULT_MATRIX
from linia.tickets.workflow import FINAL_STATUSES, TRANSITIONS, TicketStatus

S = TicketStatus
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
STEP = timedelta(minutes=1)
MAX_TICKETS = 3

# Who may act, by name; "requester_a" sees only the tickets filed for Anna, client_manager_a
# all of Acme, agent_b and requester_b nothing (they belong to Globex).
ACTORS = [
    "requester_a",
    "client_manager_a",
    "agent_a",
    "manager",
    "admin",
    "system",
    "agent_b",
    "requester_b",
]
ASSIGNEES = [None, "agent_a", "engineer_a", "lead", "manager", "agent_b"]
SERVES_ACME = {"agent_a", "engineer_a", "lead", "manager", "admin"}
STAFF_NAMES = {"agent_a", "manager", "admin", "system", "agent_b"}
LEVELS = ["high", "medium", "low"]


@dataclass
class Expected:
    """What the machine believes one ticket looks like."""

    owner: str  # "anna" (requester_a's contact) or "boris" (her colleague's)
    status: str = S.NEW
    tier: int = 1
    assignee: str | None = None
    impact: str = "medium"
    urgency: str = "medium"
    priority: str = "P3"
    subject: str = "The printer does not print"
    events: int = 1
    messages: int = 0
    public_messages: int = 0
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    auto_closed: bool = False


class TicketMachine(RuleBasedStateMachine):
    world: World  # set by the test before the run

    tickets = Bundle("tickets")

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = T0
        self.travel = time_machine.travel(self.clock, tick=False)
        self.traveller = self.travel.start()
        world = self.world
        users = {name: getattr(world, name) for name in ACTORS if name != "system"}
        users |= {name: getattr(world, name) for name in ASSIGNEES if name}
        self.user_ids = {name: user.pk for name, user in users.items()}
        self.actors: dict[str, Actor] = {name: actor(user) for name, user in users.items()}
        self.actors["system"] = SYSTEM_ACTOR
        self.model: dict[int, Expected] = {}

    def teardown(self) -> None:
        self.travel.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers --------------------------------------------------------------------------

    def _tick(self) -> None:
        self.clock += STEP
        self.traveller.move_to(self.clock)

    def _sees(self, name: str, expected: Expected) -> bool:
        if name == "requester_a":
            return expected.owner == "anna"
        return name in {"client_manager_a", "agent_a", "manager", "admin", "system"}

    def _call(self, number: int, succeeds: bool, call: Callable[[], object]) -> None:
        """Run one service call; it must succeed exactly when the model says so. (A failed
        call leaves the model as it was, so the invariant checks that it wrote nothing.)"""
        failure = ""
        try:
            call()
        except DomainError as error:
            failure = f"{type(error).__name__} ({error.code}): {error.message}"
        assert bool(failure) != succeeds, f"#{number}: " + (
            f"unexpected {failure}" if failure else "the call should have failed"
        )

    def _transition(self, expected: Expected, to: str, *, auto: bool = False) -> None:
        rule_ = TRANSITIONS[(S(expected.status), S(to))]
        expected.status = to
        expected.events += 1
        if rule_.requires_resolution:
            expected.resolved_at = self.clock
        if to == S.CLOSED:
            expected.closed_at = self.clock
            expected.auto_closed = auto
        if rule_.action in {"reopen", "restore"}:
            expected.resolved_at = expected.closed_at = None
            expected.auto_closed = False

    # --- rules ----------------------------------------------------------------------------

    @precondition(lambda self: len(self.model) < MAX_TICKETS)
    @rule(
        target=tickets,
        by=st.sampled_from(["requester_a", "client_manager_a", "agent_a"]),
        impact=st.sampled_from(LEVELS),
        urgency=st.sampled_from(LEVELS),
    )
    def create(self, by: str, impact: str, urgency: str) -> int:
        self._tick()
        requester = {
            "requester_a": None,
            "client_manager_a": self.world.colleague_contact_a.pk,
            "agent_a": self.world.contact_a.pk,
        }[by]
        ticket = services.create_ticket(
            actor=self.actors[by],
            subject="The printer does not print",
            impact=impact,
            urgency=urgency,
            requester=requester,
        )
        self.model[ticket.number] = Expected(
            owner="boris" if by == "client_manager_a" else "anna",
            impact=impact,
            urgency=urgency,
            priority=DEFAULT_MATRIX[(impact, urgency)],
        )
        return ticket.number

    @rule(
        number=tickets,
        by=st.sampled_from(["requester_a", "client_manager_a", "agent_a", "manager", "agent_b"]),
        internal=st.booleans(),
    )
    def add_message(self, number: int, by: str, internal: bool) -> None:
        self._tick()
        expected = self.model[number]
        staff = by in STAFF_NAMES
        succeeds = (
            self._sees(by, expected)
            and (staff or not internal)
            and (staff or expected.status not in FINAL_STATUSES)
        )
        self._call(
            number,
            succeeds,
            lambda: services.add_message(
                actor=self.actors[by], number=number, body="Hello", is_internal=internal
            ),
        )
        if not succeeds:
            return
        event("message added")
        expected.messages += 1
        expected.events += 1
        if internal:
            return
        expected.public_messages += 1
        if staff:
            if expected.first_response_at is None:
                expected.first_response_at = self.clock
            if expected.status in {S.NEW, S.OPEN}:
                self._transition(expected, S.IN_PROGRESS)
        elif expected.status in {S.PENDING, S.RESOLVED}:
            self._transition(expected, S.IN_PROGRESS)

    @rule(
        number=tickets,
        by=st.sampled_from(["agent_a", "manager", "requester_a", "agent_b"]),
        assignee=st.sampled_from(ASSIGNEES),
    )
    def assign(self, number: int, by: str, assignee: str | None) -> None:
        self._tick()
        expected = self.model[number]
        succeeds = (
            by in STAFF_NAMES
            and self._sees(by, expected)
            and (assignee is None or assignee in SERVES_ACME)
        )
        self._call(
            number,
            succeeds,
            lambda: services.assign_ticket(
                actor=self.actors[by],
                number=number,
                assignee_id=self.user_ids[assignee] if assignee else None,
            ),
        )
        if not succeeds or assignee == expected.assignee:
            return
        event("assigned")
        expected.assignee = assignee
        expected.events += 1
        if assignee is not None and expected.status == S.NEW:
            self._transition(expected, S.OPEN)

    @rule(
        number=tickets,
        by=st.sampled_from(["agent_a", "manager", "requester_a"]),
        tier=st.sampled_from([1, 2, 3]),
        reason=st.sampled_from(["", "Needs specialists"]),
    )
    def escalate(self, number: int, by: str, tier: int, reason: str) -> None:
        self._tick()
        expected = self.model[number]
        succeeds = (
            by in STAFF_NAMES
            and tier > expected.tier
            and expected.status not in {S.RESOLVED, S.CLOSED, S.CANCELLED}
            and bool(reason)
        )
        self._call(
            number,
            succeeds,
            lambda: services.escalate_ticket(
                actor=self.actors[by], number=number, tier=tier, reason=reason
            ),
        )
        if succeeds:
            event("escalated")
            expected.tier = tier
            expected.assignee = None
            expected.events += 1

    @rule(
        number=tickets,
        by=st.sampled_from(["agent_a", "client_manager_a"]),
        impact=st.sampled_from([None, *LEVELS]),
        urgency=st.sampled_from([None, *LEVELS]),
        priority=st.sampled_from([None, "P1", "P4"]),
        subject=st.sampled_from([None, "Renamed", "The printer does not print"]),
    )
    def classify(
        self,
        number: int,
        by: str,
        impact: str | None,
        urgency: str | None,
        priority: str | None,
        subject: str | None,
    ) -> None:
        self._tick()
        expected = self.model[number]
        succeeds = by in STAFF_NAMES
        self._call(
            number,
            succeeds,
            lambda: services.classify_ticket(
                actor=self.actors[by],
                number=number,
                impact=impact,
                urgency=urgency,
                priority=priority,
                subject=subject,
            ),
        )
        if not succeeds:
            return
        changed = 0
        if subject is not None and subject != expected.subject:
            expected.subject, changed = subject, changed + 1
        levels_changed = False
        if impact is not None and impact != expected.impact:
            expected.impact, changed, levels_changed = impact, changed + 1, True
        if urgency is not None and urgency != expected.urgency:
            expected.urgency, changed, levels_changed = urgency, changed + 1, True
        new_priority = expected.priority
        if priority is not None:
            new_priority = priority
        elif levels_changed:
            new_priority = DEFAULT_MATRIX[(expected.impact, expected.urgency)]
        if new_priority != expected.priority:
            expected.priority, changed = new_priority, changed + 1
        event(f"classified ({changed} fields)")
        expected.events += changed

    @rule(
        number=tickets,
        data=st.data(),
        note=st.sampled_from(["Because", "Because", ""]),
        resolution=st.sampled_from(["Fixed", "Fixed", ""]),
    )
    def change_status(self, number: int, data: st.DataObject, note: str, resolution: str) -> None:
        self._tick()
        expected = self.model[number]
        # Half of the time a target the table has from this status (for some role), so that
        # sequences get far along the workflow; otherwise anything, nonsense included.
        listed = [to for (source, to) in TRANSITIONS if source == expected.status]
        to = data.draw(
            st.one_of(st.sampled_from(listed), st.sampled_from([*S.values, "archived"]))
            if listed
            else st.sampled_from([*S.values, "archived"]),
            label="to",
        )
        rule_ = TRANSITIONS.get((S(expected.status), S(to))) if to in S.values else None
        # Likewise the actor: half of the time one the rule allows, otherwise anyone.
        allowed = [
            name
            for name in ACTORS
            if rule_ and self.actors[name].role in rule_.roles and self._sees(name, expected)
        ]
        everyone = st.sampled_from(ACTORS)
        by = data.draw(
            st.one_of(st.sampled_from(allowed), everyone) if allowed else everyone, label="by"
        )
        succeeds = (
            self._sees(by, expected)
            and rule_ is not None
            and self.actors[by].role in rule_.roles
            and (not rule_.requires_reason or bool(note) or by == "system")
            and (not rule_.requires_resolution or bool(resolution))
        )
        self._call(
            number,
            succeeds,
            lambda: services.change_status(
                actor=self.actors[by], number=number, to=to, note=note, resolution=resolution
            ),
        )
        if succeeds:
            event(f"status changed to {to}")
            self._transition(expected, to)

    @rule(number=tickets, data=st.data())
    def advance(self, number: int, data: st.DataObject) -> None:
        """A change the table allows, by someone allowed, with what it needs: keeps sequences
        moving through the whole workflow."""
        self._tick()
        expected = self.model[number]
        moves = [
            (to, name)
            for (source, to), rule_ in TRANSITIONS.items()
            if source == expected.status
            for name in ACTORS
            if self.actors[name].role in rule_.roles and self._sees(name, expected)
        ]
        to, by = data.draw(st.sampled_from(moves), label="move")
        self._call(
            number,
            True,
            lambda: services.change_status(
                actor=self.actors[by], number=number, to=to, note="Because", resolution="Fixed"
            ),
        )
        event(f"advanced to {to}")
        self._transition(expected, to)

    @precondition(lambda self: any(e.status == S.RESOLVED for e in self.model.values()))
    @rule(days=st.integers(min_value=0, max_value=4))
    def auto_close(self, days: int) -> None:
        self.clock += timedelta(days=days, minutes=1)
        self.traveller.move_to(self.clock)
        cutoff = self.clock - timedelta(days=settings.LINIA_AUTO_CLOSE_DAYS)
        due = [
            expected
            for expected in self.model.values()
            if expected.status == S.RESOLVED
            and expected.resolved_at is not None
            and expected.resolved_at < cutoff
        ]

        closed = services.close_unconfirmed_tickets(now=self.clock)

        assert closed == len(due)
        event(f"auto-closed {min(closed, 1)}+")
        for expected in due:
            self._transition(expected, S.CLOSED, auto=True)

    # --- invariants -----------------------------------------------------------------------

    @invariant()
    def tickets_match_the_model(self) -> None:
        rows = Ticket.objects.annotate(
            event_rows=Count("events", distinct=True),
            message_rows=Count("messages", distinct=True),
            public_message_rows=Count(
                "messages", filter=Q(messages__is_internal=False), distinct=True
            ),
            staff_replies=Count(
                "messages",
                filter=Q(messages__is_from_staff=True, messages__is_internal=False),
                distinct=True,
            ),
        ).select_related("assignee")
        found = {row.number: row for row in rows}
        assert set(found) == set(self.model)
        names = {pk: name for name, pk in self.user_ids.items()}
        for number, expected in self.model.items():
            ticket = found[number]
            assert ticket.status in S.values
            assert ticket.status == expected.status
            assert ticket.event_rows == expected.events
            assert ticket.message_rows == expected.messages
            # message_count counts public messages only (clients see it).
            assert ticket.public_message_rows == ticket.message_count == expected.public_messages
            assert (ticket.tier, names.get(ticket.assignee_id)) == (
                expected.tier,
                expected.assignee,
            )
            assert (ticket.impact, ticket.urgency, ticket.priority, ticket.subject) == (
                expected.impact,
                expected.urgency,
                expected.priority,
                expected.subject,
            )
            # Time stamps follow the status.
            assert (ticket.resolved_at is not None) == (ticket.status in {S.RESOLVED, S.CLOSED})
            assert (ticket.closed_at is not None) == (ticket.status == S.CLOSED)
            assert (ticket.resolved_at, ticket.closed_at) == (
                expected.resolved_at,
                expected.closed_at,
            )
            assert ticket.is_auto_closed == expected.auto_closed
            assert not ticket.is_auto_closed or ticket.status == S.CLOSED
            assert bool(ticket.resolution) == (ticket.resolved_at is not None) or (
                ticket.status not in {S.RESOLVED, S.CLOSED}
            )
            assert (ticket.pending_reason != "") == (ticket.status == S.PENDING)
            assert ticket.first_response_at == expected.first_response_at
            assert (ticket.first_response_at is not None) == (ticket.staff_replies > 0)


@pytest.mark.slow  # about 1,000 service calls: 50 random sequences of up to 20 steps
def test_random_service_sequences_keep_the_invariants(world):
    TicketMachine.world = world
    run_state_machine_as_test(
        TicketMachine,
        settings=hypothesis_settings(
            max_examples=50,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.fixture(autouse=True)
def _forget_world():
    yield
    TicketMachine.world = None  # type: ignore[assignment]
