"""The SLA clocks on the ticket, through the services, on a business-hours calendar.

Acme (world.org_a) has a contract: the "Business" policy on Mon-Fri 09:00-18:00 in Kyiv.
Targets (working minutes): P3 first response 60, next update 120, resolution 480;
P1 15 / 60 / 240; warnings at 75 %. 1 June 2026 is a Monday.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from linia.core.access import SYSTEM_ACTOR
from linia.directory.tests.factories import actor
from linia.sla import services as sla_services
from linia.sla.services import TargetSpec
from linia.tickets import services, sla_clock
from linia.tickets.models import Ticket
from linia.tickets.tests.factories import make_ticket

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=KYIV)


MONDAY_10 = kyiv(1, 10)


@pytest.fixture
def business(world):
    calendar = sla_services.create_calendar(
        name="Kyiv office",
        timezone="Europe/Kyiv",
        hours={day: [("09:00", "18:00")] for day in range(5)},
    )
    policy = sla_services.create_policy(
        name="Business",
        targets={
            "P1": TargetSpec(first_response=15, next_update=60, resolution=240),
            "P3": TargetSpec(first_response=60, next_update=120, resolution=480),
        },
        warning_percent=75,
    )
    sla_services.bind_organization(
        organization_id=world.org_a.pk, policy_id=policy.pk, calendar_id=calendar.pk
    )
    return policy


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def new_ticket(world, moment: datetime = MONDAY_10, **kwargs) -> Ticket:
    with at(moment):
        return make_ticket(actor(world.requester_a), **kwargs)


def reload(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("sla_policy").get(pk=ticket.pk)


def reply(world, ticket: Ticket, moment: datetime, *, who=None, internal: bool = False) -> None:
    with at(moment):
        services.add_message(
            actor=who or actor(world.agent_a),
            number=ticket.number,
            body="On it",
            is_internal=internal,
        )


def move(world, ticket: Ticket, to: str, moment: datetime, **kwargs) -> None:
    with at(moment):
        services.change_status(actor=actor(world.manager), number=ticket.number, to=to, **kwargs)


def clocks(ticket: Ticket) -> tuple:
    ticket = reload(ticket)
    return (
        ticket.first_response_due,
        ticket.first_response_warning_at,
        ticket.resolution_due,
        ticket.resolution_warning_at,
        ticket.next_update_due,
    )


# --- starting --------------------------------------------------------------------------------


def test_registration_starts_the_clocks_in_working_time(world, business):
    ticket = reload(new_ticket(world))

    assert ticket.sla_policy == business
    assert clocks(ticket) == (
        kyiv(1, 11),
        kyiv(1, 10, 45),  # 60 min; warning at 45
        kyiv(1, 18),
        kyiv(1, 16),  # 480 min; warning at 360
        None,  # the next-update clock starts with the first response
    )
    assert (ticket.sla_paused_at, ticket.sla_paused_total) == (None, timedelta(0))


def test_a_ticket_registered_at_night_starts_at_the_opening(world, business):
    ticket = new_ticket(world, kyiv(1, 22))

    assert clocks(ticket)[:3] == (kyiv(2, 10), kyiv(2, 9, 45), kyiv(2, 17))


def test_the_clocks_start_when_the_call_came_in(world, business):
    # A phone call on Friday at 17:00, logged on Monday at 09:30.
    with at(kyiv(8, 9, 30)):
        ticket = services.create_ticket(
            actor=actor(world.agent_a),
            subject="Call: the VPN is down",
            requester=world.contact_a.pk,
            channel="phone",
            received_at=kyiv(5, 17),
        )

    # 60 working minutes from Friday 17:00: Friday until 18:00 — already past when logged.
    assert clocks(ticket)[:3] == (kyiv(5, 18), kyiv(5, 17, 45), kyiv(8, 16))
    assert sla_clock.sla_status(reload(ticket), kyiv(8, 9, 30)).state == "breached"


def test_without_a_contract_the_default_policy_and_calendar_apply(world):
    ticket = reload(new_ticket(world))  # no contract for Acme: "Standard", Mon-Fri 9-18 Kyiv

    assert ticket.sla_policy is not None
    assert (ticket.sla_policy.name, ticket.sla_policy.is_default) == ("Standard", True)
    # Standard P3: first response 2 h, resolution 24 working hours.
    assert clocks(ticket)[0] == kyiv(1, 12)
    assert clocks(ticket)[2] == kyiv(3, 16)


# --- first response and next update ---------------------------------------------------------


def test_first_response_is_met_by_a_public_staff_reply_only(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 5), who=actor(world.requester_a))
    reply(world, ticket, kyiv(1, 10, 10), internal=True)
    reply(world, ticket, kyiv(1, 10, 15), who=SYSTEM_ACTOR)
    assert clocks(ticket)[0] == kyiv(1, 11)

    reply(world, ticket, kyiv(1, 10, 20))

    ticket = reload(ticket)
    assert (ticket.first_response_due, ticket.first_response_warning_at) == (None, None)
    assert (ticket.first_response_minutes, ticket.first_response_breached) == (20, False)
    assert ticket.first_response_at == kyiv(1, 10, 20)
    assert ticket.next_update_due == kyiv(1, 12, 20)


def test_every_later_public_reply_pushes_the_next_update(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))

    reply(world, ticket, kyiv(1, 17, 30))

    ticket = reload(ticket)
    assert ticket.next_update_due == kyiv(2, 10, 30)  # 30 min on Monday, 90 on Tuesday
    assert ticket.first_response_minutes == 20


def test_a_late_first_response_is_recorded_as_breached(world, business):
    ticket = new_ticket(world)

    reply(world, ticket, kyiv(1, 11, 30))

    ticket = reload(ticket)
    assert (ticket.first_response_minutes, ticket.first_response_breached) == (90, True)
    assert sla_clock.sla_status(ticket, kyiv(1, 11, 30)).state == "breached"


# --- priority and classification -------------------------------------------------------------


def test_raising_the_priority_recomputes_from_registration(world, business):
    ticket = new_ticket(world)

    with at(kyiv(1, 10, 30)):
        services.classify_ticket(actor=actor(world.agent_a), number=ticket.number, priority="P1")

    # P1: response within 15 minutes of 10:00 (already missed), resolution within 4 hours.
    assert clocks(ticket)[:4] == (
        kyiv(1, 10, 15),
        datetime(2026, 6, 1, 10, 11, 15, tzinfo=KYIV),
        kyiv(1, 14),
        kyiv(1, 13),
    )
    assert sla_clock.sla_status(reload(ticket), kyiv(1, 10, 30)).state == "breached"


def test_a_priority_change_restarts_the_next_update_with_the_new_interval(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))

    with at(kyiv(1, 11)):
        services.classify_ticket(actor=actor(world.agent_a), number=ticket.number, priority="P1")

    assert reload(ticket).next_update_due == kyiv(1, 12)


def test_a_priority_without_targets_has_no_clocks(world, business):
    ticket = new_ticket(world)

    with at(kyiv(1, 10, 30)):
        services.classify_ticket(actor=actor(world.agent_a), number=ticket.number, priority="P4")

    assert clocks(ticket) == (None, None, None, None, None)
    assert reload(ticket).sla_policy == business


def test_a_category_policy_wins_over_the_contract(world, business):
    fast = sla_services.create_policy(
        name="Servers", targets={"P3": TargetSpec(first_response=10, resolution=60)}
    )
    category = services.create_category(name="Servers")
    category.sla_policy = fast
    category.save()
    ticket = new_ticket(world)

    with at(kyiv(1, 10, 5)):
        services.classify_ticket(
            actor=actor(world.agent_a), number=ticket.number, category_id=category.pk
        )

    ticket = reload(ticket)
    assert ticket.sla_policy == fast
    assert (ticket.first_response_due, ticket.resolution_due) == (kyiv(1, 10, 10), kyiv(1, 11))


# --- pause and resume --------------------------------------------------------------------------


def test_pending_pauses_and_resuming_shifts_the_dues_by_the_paused_working_time(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))  # next update due 12:20
    move(world, ticket, "pending", kyiv(1, 11), note="Waiting for the password")

    paused = reload(ticket)
    assert paused.sla_paused_at == kyiv(1, 11)
    assert clocks(paused) == (None, None, None, None, None)  # nothing can fire while paused
    assert paused.next_update_left == timedelta(minutes=80)
    status = sla_clock.sla_status(paused, kyiv(2, 9, 30))
    assert (status.paused, status.state, status.resolution_due) == (True, "ok", None)

    # The requester answers on Tuesday at 10:00: 7 h on Monday + 1 h on Tuesday were paused.
    reply(world, ticket, kyiv(2, 10), who=actor(world.requester_a))

    resumed = reload(ticket)
    assert resumed.status == "in_progress"
    assert (resumed.sla_paused_at, resumed.sla_paused_total) == (None, timedelta(minutes=480))
    assert clocks(resumed) == (None, None, kyiv(2, 17), kyiv(2, 15), kyiv(2, 11, 20))
    assert resumed.next_update_left is None


def test_a_clock_missed_before_the_pause_stays_missed(world, business):
    ticket = new_ticket(world)
    move(world, ticket, "pending", kyiv(1, 11, 30), note="Waiting")  # response was due 11:00

    paused = reload(ticket)
    assert (paused.first_response_due, paused.resolution_due) == (kyiv(1, 11), None)
    assert sla_clock.sla_status(paused, kyiv(1, 12)).state == "breached"

    move(world, ticket, "in_progress", kyiv(1, 12, 30))

    assert clocks(ticket)[:3] == (kyiv(1, 11), kyiv(1, 10, 45), kyiv(1, 18) + timedelta(hours=16))


def test_a_policy_may_pause_on_no_status(world, business):
    sla_services.update_policy(policy_id=business.pk, pause_statuses=[])
    ticket = new_ticket(world)

    move(world, ticket, "pending", kyiv(1, 11), note="Waiting")

    assert reload(ticket).sla_paused_at is None
    assert clocks(ticket)[2] == kyiv(1, 18)


# --- resolve and reopen -------------------------------------------------------------------------


def test_resolving_in_time_stops_the_clock_as_met(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))

    move(world, ticket, "resolved", kyiv(1, 15), resolution="Reset the router")

    ticket = reload(ticket)
    assert clocks(ticket) == (None, None, None, None, None)
    assert (ticket.resolution_minutes, ticket.resolution_breached) == (300, False)
    assert ticket.sla_paused_at == kyiv(1, 15)
    assert sla_clock.sla_status(ticket, kyiv(3, 9)).state == "met"


def test_resolving_late_is_recorded_as_breached(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))

    move(world, ticket, "resolved", kyiv(2, 10), resolution="Replaced the disk")

    ticket = reload(ticket)
    assert (ticket.resolution_minutes, ticket.resolution_breached) == (540, True)
    assert sla_clock.sla_status(ticket, kyiv(2, 10)).state == "breached"


def test_resolving_without_a_reply_decides_the_first_response_too(world, business):
    ticket = new_ticket(world)

    move(world, ticket, "resolved", kyiv(1, 10, 30), resolution="Fixed remotely")

    ticket = reload(ticket)
    assert (ticket.first_response_minutes, ticket.first_response_breached) == (30, False)
    assert ticket.first_response_at is None


def test_resolving_a_paused_ticket_counts_until_the_pause(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))
    move(world, ticket, "pending", kyiv(1, 11), note="Waiting")

    move(world, ticket, "resolved", kyiv(3, 10), resolution="It works again")

    ticket = reload(ticket)
    assert (ticket.resolution_minutes, ticket.resolution_breached) == (60, False)
    assert ticket.sla_paused_at == kyiv(1, 11)


def test_reopening_resumes_the_resolution_clock(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))
    move(world, ticket, "pending", kyiv(1, 11), note="Waiting for the password")
    reply(world, ticket, kyiv(2, 10), who=actor(world.requester_a))
    move(world, ticket, "resolved", kyiv(2, 12), resolution="Done")  # 300 min were left

    with at(kyiv(3, 9, 30)):
        services.change_status(
            actor=actor(world.requester_a),
            number=ticket.number,
            to="in_progress",
            note="Still broken",
        )

    ticket = reload(ticket)
    assert (ticket.resolution_minutes, ticket.resolution_breached) == (None, None)
    assert (ticket.sla_paused_at, ticket.sla_paused_total) == (None, timedelta(minutes=870))
    assert clocks(ticket) == (None, None, kyiv(3, 14, 30), kyiv(3, 12, 30), kyiv(3, 11, 30))
    assert (ticket.first_response_minutes, ticket.first_response_breached) == (20, False)


def test_closing_and_cancelling_stop_the_clocks_and_restoring_resumes_them(world, business):
    ticket = new_ticket(world)
    move(world, ticket, "cancelled", kyiv(1, 10, 30), note="Filed twice")
    cancelled = reload(ticket)
    assert clocks(cancelled) == (None, None, None, None, None)
    assert (cancelled.resolution_minutes, cancelled.sla_paused_at) == (None, kyiv(1, 10, 30))

    move(world, ticket, "open", kyiv(1, 11, 30), note="Not a duplicate")

    restored = reload(ticket)
    assert restored.sla_paused_total == timedelta(minutes=60)
    assert clocks(restored)[:3] == (kyiv(1, 12), kyiv(1, 11, 45), kyiv(2, 10))


# --- reading the clocks ----------------------------------------------------------------------------


def test_status_warns_then_breaches(world, business):
    ticket = reload(new_ticket(world))

    assert sla_clock.sla_status(ticket, kyiv(1, 10, 30)).state == "ok"
    assert sla_clock.sla_status(ticket, kyiv(1, 10, 50)).state == "warning"
    assert sla_clock.sla_status(ticket, kyiv(1, 11)).state == "breached"


def test_a_missed_next_update_is_a_breach(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))
    ticket = reload(ticket)

    assert sla_clock.sla_status(ticket, kyiv(1, 12)).state == "ok"
    assert sla_clock.sla_status(ticket, kyiv(1, 12, 20)).state == "breached"


def test_status_measures_elapsed_and_remaining_working_time(world, business):
    ticket = new_ticket(world, kyiv(5, 16))  # Friday 16:00; resolution due Monday 15:00
    ticket = reload(ticket)

    status = sla_clock.ticket_sla_status(ticket, kyiv(8, 10))  # Monday 10:00

    assert status.policy == "Business"
    assert (status.elapsed_minutes, status.remaining_minutes) == (180, 300)
    assert status.resolution_due == kyiv(8, 15)
    first_response, resolution = status.clocks[:2]
    assert (first_response.state, first_response.remaining_minutes) == ("breached", -120)
    assert (resolution.state, resolution.elapsed_minutes) == ("ok", 180)
    assert status.state == "breached"


def test_status_of_a_paused_ticket_shows_what_is_left(world, business):
    ticket = new_ticket(world)
    reply(world, ticket, kyiv(1, 10, 20))
    move(world, ticket, "pending", kyiv(1, 11), note="Waiting")

    status = sla_clock.ticket_sla_status(reload(ticket), kyiv(2, 16))

    resolution, next_update = status.clocks[1], status.clocks[2]
    assert (resolution.paused, resolution.remaining_minutes, resolution.elapsed_minutes) == (
        True,
        420,
        60,
    )
    assert (next_update.paused, next_update.remaining_minutes) == (True, 80)
    assert status.paused


def test_a_ticket_without_any_policy_has_no_clocks(world):
    from linia.sla.models import SlaPolicy

    SlaPolicy.objects.update(is_default=False)
    ticket = reload(new_ticket(world))
    move(world, ticket, "pending", kyiv(1, 11), note="Waiting")

    ticket = reload(ticket)
    assert (ticket.sla_policy, clocks(ticket)) == (None, (None,) * 5)
    assert sla_clock.sla_status(ticket, kyiv(1, 12)).state == "ok"
