"""The work log: time agents spend on tickets, and the included hours of the month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linia.core.access import SYSTEM_ACTOR
from linia.core.errors import Forbidden, Invalid, NotFound
from linia.directory import services as directory_services
from linia.directory.tests.factories import actor
from linia.tickets import events, queries, services
from linia.tickets.models import TicketEvent, Worklog
from linia.tickets.tests.factories import make_ticket

TODAY = timezone.localdate


def test_an_agent_logs_work_with_an_internal_event(world):
    ticket = make_ticket(actor(world.requester_a))
    worklog = services.log_work(
        actor=actor(world.agent_a), number=ticket.number, minutes=45, note="Replaced toner"
    )
    assert (worklog.ticket_id, worklog.organization_id, worklog.agent_id) == (
        ticket.pk,
        world.org_a.pk,
        world.agent_a.pk,
    )
    assert (worklog.minutes, worklog.billable, worklog.work_date, worklog.note) == (
        45,
        True,
        TODAY(),
        "Replaced toner",
    )
    event = TicketEvent.objects.get(kind=events.WORK_LOGGED)
    assert (event.is_internal, event.new_value, event.payload["minutes"]) == (True, "45 min", 45)
    # Requesters never see it on the timeline.
    timeline = queries.ticket_timeline(ticket, actor(world.requester_a))
    assert events.WORK_LOGGED not in {row.kind for row in timeline}
    assert list(queries.list_worklogs_for(ticket, actor(world.requester_a))) == []
    assert list(queries.list_worklogs_for(ticket, actor(world.agent_a))) == [worklog]


@pytest.mark.parametrize(
    ("minutes", "work_date", "note", "code"),
    [
        (0, None, "", "invalid_minutes"),
        (-5, None, "", "invalid_minutes"),
        (24 * 60 + 1, None, "", "invalid_minutes"),
        (30, dt.date(2999, 1, 1), "", "work_date_future"),
        (30, None, "x" * 501, "note_too_long"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(world, minutes, work_date, note, code):
    ticket = make_ticket(actor(world.requester_a))
    before = TicketEvent.objects.count()
    with pytest.raises(Invalid) as error:
        services.log_work(
            actor=actor(world.agent_a),
            number=ticket.number,
            minutes=minutes,
            work_date=work_date,
            note=note,
        )
    assert error.value.code == code
    assert error.value.message
    assert Worklog.objects.count() == 0
    assert TicketEvent.objects.count() == before


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("agent_b", NotFound),
        ("requester_b", NotFound),
        ("client_manager_b", NotFound),
        ("requester_a", Forbidden),
        ("client_manager_a", Forbidden),
    ],
)
def test_only_staff_serving_the_organization_log_work(world, who, error):
    ticket = make_ticket(actor(world.requester_a))
    with pytest.raises(error):
        services.log_work(actor=actor(getattr(world, who)), number=ticket.number, minutes=10)
    assert Worklog.objects.count() == 0


def test_delete_own_entry_or_as_manager(world):
    ticket = make_ticket(actor(world.requester_a))
    mine = services.log_work(actor=actor(world.agent_a), number=ticket.number, minutes=10)
    theirs = services.log_work(actor=actor(world.engineer_a), number=ticket.number, minutes=20)
    with pytest.raises(Forbidden):
        services.delete_worklog(actor=actor(world.agent_a), worklog_id=theirs.pk)
    with pytest.raises(NotFound):
        services.delete_worklog(actor=actor(world.agent_b), worklog_id=mine.pk)
    with pytest.raises(NotFound):
        services.delete_worklog(actor=actor(world.requester_a), worklog_id=mine.pk)
    assert Worklog.objects.count() == 2
    services.delete_worklog(actor=actor(world.agent_a), worklog_id=mine.pk)
    services.delete_worklog(actor=actor(world.manager), worklog_id=theirs.pk)
    assert Worklog.objects.count() == 0
    removed = TicketEvent.objects.filter(kind=events.WORKLOG_DELETED)
    assert sorted(row.payload["minutes"] for row in removed) == [10, 20]
    assert all(row.is_internal for row in removed)


def test_included_hours_usage_counts_billable_minutes_of_the_month(
    world, django_assert_num_queries
):
    directory_services.update_organization(
        actor=SYSTEM_ACTOR,
        organization_id=world.org_a.pk,
        card={"included_hours_per_month": Decimal(2)},
    )
    ticket = make_ticket(actor(world.requester_a))
    agent = actor(world.agent_a)
    today = TODAY()
    first = today.replace(day=1)
    services.log_work(actor=agent, number=ticket.number, minutes=90, work_date=first)
    services.log_work(actor=agent, number=ticket.number, minutes=30, work_date=today)
    services.log_work(actor=agent, number=ticket.number, minutes=15, billable=False)
    # Last month's time does not count.
    services.log_work(
        actor=agent, number=ticket.number, minutes=600, work_date=first - dt.timedelta(days=1)
    )
    world.org_a.refresh_from_db()
    with django_assert_num_queries(1):
        usage = queries.included_hours_usage(world.org_a, today)
    assert usage == queries.HoursUsage(
        month=first,
        included=Decimal("2.00"),
        used=Decimal("2.00"),
        non_billable=Decimal("0.25"),
        left=Decimal("0.00"),
        extra=Decimal("0.00"),
    )
    services.log_work(actor=agent, number=ticket.number, minutes=45)
    usage = queries.included_hours_usage(world.org_a, today)
    assert (usage.used, usage.left, usage.extra) == (
        Decimal("2.75"),
        Decimal("0.00"),
        Decimal("0.75"),
    )


def test_without_included_hours_all_billable_time_is_extra(world):
    ticket = make_ticket(actor(world.requester_a))
    services.log_work(actor=actor(world.agent_a), number=ticket.number, minutes=30)
    usage = queries.included_hours_usage(world.org_a, TODAY())
    assert (usage.included, usage.used, usage.left, usage.extra) == (
        None,
        Decimal("0.50"),
        None,
        Decimal("0.50"),
    )
