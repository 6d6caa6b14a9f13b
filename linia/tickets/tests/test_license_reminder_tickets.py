"""License reminders as tickets: once per license and threshold, for the serving team."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from linia.core.access import SYSTEM_ACTOR
from linia.directory import services as directory_services
from linia.directory.models import LicenseReminder
from linia.directory.tests.factories import actor
from linia.tickets.models import Ticket
from linia.tickets.services import open_license_reminder_ticket
from linia.tickets.tasks import send_license_reminders_task


def _license(world, organization=None, ends_on=dt.date(2027, 3, 31)):
    organization = organization or world.org_a
    agent = world.agent_a if organization == world.org_a else world.agent_b
    return directory_services.create_license(
        actor=actor(agent), organization_id=organization.pk, product="Office", ends_on=ends_on
    )


def _run(today):
    return directory_services.send_license_reminders(
        today=today, open_ticket=open_license_reminder_ticket
    )


@override_settings(LINIA_LICENSE_REMINDER_TICKETS=True)
def test_one_ticket_per_threshold_for_the_serving_team(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    world.colleague_contact_a.is_client_manager = True
    world.colleague_contact_a.save()
    _license(world)
    with django_capture_on_commit_callbacks(execute=True):
        assert _run(dt.date(2027, 3, 1)) == 1
        assert _run(dt.date(2027, 3, 1)) == 0  # repeated run: nothing twice
        assert _run(dt.date(2027, 3, 24)) == 1
    tickets = list(Ticket.objects.order_by("number"))
    assert len(tickets) == 2
    first = tickets[0]
    assert (first.type, first.organization_id, first.requester_id, first.team_id) == (
        "service_request",
        world.org_a.pk,
        world.colleague_contact_a.pk,
        world.l1.pk,
    )
    assert first.subject == "License Office of Acme ends on 2027-03-31"
    assert "in 30 day(s)" in first.description
    assert "in 7 day(s)" in tickets[1].description
    # The e-mail reminder now goes to the client managers only: the team has the ticket.
    reminders = [m for m in mailoutbox if m.subject.startswith("License Office")]
    assert len(reminders) == 2
    assert sorted(reminders[0].to) == sorted(
        [world.colleague_contact_a.email, world.client_manager_a.email]
    )


def test_without_the_setting_reminders_stay_e_mail_only(world, mailoutbox):
    _license(world)
    assert _run(dt.date(2027, 3, 1)) == 1
    assert Ticket.objects.count() == 0


@override_settings(LINIA_LICENSE_REMINDER_TICKETS=False)
def test_an_organization_can_choose_tickets_itself(world):
    directory_services.update_organization(
        actor=SYSTEM_ACTOR, organization_id=world.org_b.pk, card={"license_reminder_tickets": True}
    )
    _license(world, world.org_a)
    _license(world, world.org_b)
    assert _run(dt.date(2027, 3, 1)) == 2
    assert list(Ticket.objects.values_list("organization_id", flat=True)) == [world.org_b.pk]


@override_settings(LINIA_LICENSE_REMINDER_TICKETS=True)
def test_an_organization_can_opt_out(world):
    directory_services.update_organization(
        actor=SYSTEM_ACTOR, organization_id=world.org_a.pk, card={"license_reminder_tickets": False}
    )
    _license(world)
    assert _run(dt.date(2027, 3, 1)) == 1
    assert Ticket.objects.count() == 0
    assert LicenseReminder.objects.count() == 1


@override_settings(LINIA_LICENSE_REMINDER_TICKETS=True)
def test_the_daily_task_opens_tickets(world):
    _license(world, ends_on=timezone.localdate() + dt.timedelta(days=7))
    send_license_reminders_task.call_local()
    send_license_reminders_task.call_local()
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("value", ["yes"])
def test_a_bad_choice_is_refused(world, value):
    from linia.core.errors import Invalid

    with pytest.raises(Invalid):
        directory_services.update_organization(
            actor=SYSTEM_ACTOR,
            organization_id=world.org_a.pk,
            card={"license_reminder_tickets": value},
        )
