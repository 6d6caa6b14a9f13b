"""Cc'd contacts of the ticket's organization become watchers and hear of public replies and
status changes; another organization's contact never does."""

from __future__ import annotations

import pytest
from django.core import mail

from linia.channels.email.ingest import ingest_message
from linia.channels.email.models import InboundEmail
from linia.core.errors import NotFound
from linia.directory.access import actor_for_user
from linia.tickets import services as ticket_services
from linia.tickets.models import TicketEvent, TicketWatcher

from .factories import raw_email


@pytest.fixture
def run_handlers(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _cc_mail(world) -> bytes:
    cc = f"{world.colleague_contact_a.email.upper()}, {world.contact_b.email}, nobody@else.test"
    return raw_email(headers={"Cc": cc})


def test_ccd_contacts_of_the_organization_become_watchers(world):
    result = ingest_message(raw=_cc_mail(world), source="pipe")

    watchers = TicketWatcher.objects.filter(ticket__number=result.number)
    assert [w.contact for w in watchers] == [world.colleague_contact_a]
    assert InboundEmail.objects.get(pk=result.inbound_id).details["cc_contact_ids"] == [
        world.colleague_contact_a.pk
    ]
    event = TicketEvent.objects.get(ticket__number=result.number, field="watchers")
    assert event.new_value == world.colleague_contact_a.full_name


def test_a_reply_with_cc_adds_watchers_once(world):
    number = ingest_message(raw=raw_email(), source="pipe").number
    for n in range(2):
        ingest_message(
            raw=raw_email(
                subject=f"Re: [#{number}] more {n}",
                body="More.",
                headers={"Cc": world.colleague_contact_a.email},
            ),
            source="pipe",
        )

    assert TicketWatcher.objects.filter(ticket__number=number).count() == 1


def test_watchers_get_public_replies_and_status_changes(world, run_handlers):
    number = ingest_message(raw=_cc_mail(world), source="pipe").number
    agent = actor_for_user(world.agent_a)
    mail.outbox.clear()

    with run_handlers():
        ticket_services.add_message(actor=agent, number=number, body="Internal", is_internal=True)
    assert mail.outbox == []
    with run_handlers():
        ticket_services.add_message(actor=agent, number=number, body="We are on it.")
    replies = sorted(m.to[0] for m in mail.outbox if "We are on it." in m.body)
    mail.outbox.clear()
    with run_handlers():
        ticket_services.change_status(actor=agent, number=number, to="pending", note="Waiting")

    assert replies == sorted([world.contact_a.email, world.colleague_contact_a.email])
    assert sorted(m.to[0] for m in mail.outbox) == replies
    assert all(world.contact_b.email not in m.to for m in mail.outbox)


def test_add_watchers_refuses_another_organizations_contact(world):
    number = ingest_message(raw=raw_email(), source="pipe").number
    agent = actor_for_user(world.agent_a)

    with pytest.raises(NotFound):
        ticket_services.add_watchers(
            actor=agent,
            number=number,
            contact_ids=[world.colleague_contact_a.pk, world.contact_b.pk],
        )
    assert not TicketWatcher.objects.exists()
    with pytest.raises(NotFound):  # an agent who does not serve the organization
        ticket_services.add_watchers(
            actor=actor_for_user(world.agent_b),
            number=number,
            contact_ids=[world.colleague_contact_a.pk],
        )
    added = ticket_services.add_watchers(
        actor=agent, number=number, contact_ids=[world.colleague_contact_a.pk, world.contact_a.pk]
    )
    assert [w.contact for w in added] == [world.colleague_contact_a]  # the requester skipped
