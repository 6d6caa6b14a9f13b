"""The SMTP door, with a real SMTP client against the receiver in this process."""

from __future__ import annotations

import smtplib
import socket
from unittest import mock

import pytest

from linia.channels.email import smtpd
from linia.channels.email.models import InboundEmail
from linia.directory.tests.factories import build_world
from linia.tickets.models import Ticket

from .factories import raw_email


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def receiver():
    port = _free_port()
    controller = smtpd.make_controller("127.0.0.1", port)
    controller.start()
    yield port
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_message_sent_by_smtp_becomes_a_ticket(receiver):
    world = build_world()
    with smtplib.SMTP("127.0.0.1", receiver, timeout=30) as client:
        refused = client.sendmail(
            "anna@example.test",
            ["support@linia.localhost"],
            raw_email(subject="Sent by SMTP", message_id="<smtp1@x.test>"),
        )
        client.sendmail(
            "anna@example.test",
            ["support@linia.localhost"],
            raw_email(subject="Sent by SMTP", message_id="<smtp1@x.test>"),
        )

    assert refused == {}
    ticket = Ticket.objects.get()
    assert (ticket.subject, ticket.requester, ticket.channel) == (
        "Sent by SMTP",
        world.contact_a,
        "email",
    )
    assert list(InboundEmail.objects.order_by("pk").values_list("source", "outcome")) == [
        ("smtp", "created"),
        ("smtp", "duplicate"),
    ]


@pytest.mark.django_db(transaction=True)
def test_the_receiver_asks_to_retry_when_the_database_is_down(receiver):
    from django.db import OperationalError

    with (
        mock.patch.object(smtpd, "ingest_message", side_effect=OperationalError("down")),
        smtplib.SMTP("127.0.0.1", receiver, timeout=30) as client,
        pytest.raises(smtplib.SMTPDataError) as refused,
    ):
        client.sendmail("a@b.test", ["support@linia.localhost"], raw_email())
    assert refused.value.smtp_code == 451
