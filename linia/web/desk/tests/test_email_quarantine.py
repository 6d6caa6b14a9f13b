from __future__ import annotations

from linia.channels.email.ingest import ingest_message
from linia.channels.email.models import InboundEmail, Mailbox
from linia.channels.email.tests.factories import raw_email
from linia.tickets.models import Ticket

BROKEN = b"Subject: nobody sent this\r\n\r\nbody without a sender"


def test_managers_see_the_quarantine_with_reasons(client, world):
    failed = ingest_message(raw=BROKEN, source="pipe")
    ingest_message(raw=raw_email(subject="Fine message"), source="pipe")
    client.force_login(world.manager)

    page = client.get("/desk/email/quarantine/")

    assert page.status_code == 200
    assert b"nobody sent this" in page.content
    assert b"no sender address" in page.content
    assert b"Fine message" not in page.content
    everything = client.get("/desk/email/quarantine/?outcome=all")
    assert b"Fine message" in everything.content
    detail = client.get(f"/desk/email/messages/{failed.inbound_id}/")
    assert b"body without a sender" in detail.content


def test_the_original_downloads_as_eml(client, world):
    failed = ingest_message(raw=BROKEN, source="pipe")
    client.force_login(world.admin)

    response = client.get(f"/desk/email/messages/{failed.inbound_id}/raw/")

    assert response.status_code == 200
    assert response["Content-Type"] == "message/rfc822"
    assert response.content == BROKEN


def test_retry_processes_a_fixed_message(client, world, settings):
    settings.LINIA_EMAIL_RATE_LIMIT = 1
    ingest_message(raw=raw_email(subject="first"), source="pipe")
    limited = ingest_message(raw=raw_email(subject="second"), source="pipe")
    assert limited.reason == "rate limited"
    settings.LINIA_EMAIL_RATE_LIMIT = 20
    client.force_login(world.manager)

    response = client.post(f"/desk/email/messages/{limited.inbound_id}/retry/")

    assert response.status_code == 302
    inbound = InboundEmail.objects.get(pk=limited.inbound_id)
    assert inbound.outcome == "created"
    assert Ticket.objects.filter(number=inbound.ticket_number or 0, subject="second").exists()


def test_discard(client, world):
    failed = ingest_message(raw=BROKEN, source="pipe")
    client.force_login(world.manager)

    response = client.post(f"/desk/email/messages/{failed.inbound_id}/discard/")

    assert response["Location"] == "/desk/email/quarantine/"
    assert InboundEmail.objects.get(pk=failed.inbound_id).outcome == "discarded"


def test_agents_and_clients_cannot_see_incoming_mail(client, world):
    failed = ingest_message(raw=BROKEN, source="pipe")
    client.force_login(world.agent_a)
    assert client.get("/desk/email/quarantine/").status_code == 404
    assert client.get(f"/desk/email/messages/{failed.inbound_id}/raw/").status_code == 404
    assert client.post(f"/desk/email/messages/{failed.inbound_id}/retry/").status_code == 404
    client.force_login(world.requester_a)
    assert client.get(f"/desk/email/messages/{failed.inbound_id}/raw/")["Location"] == "/"


def test_a_failing_mailbox_raises_an_alert_in_the_desk(client, world):
    Mailbox.objects.create(
        name="Support inbox",
        host="127.0.0.1",
        username="u",
        consecutive_failures=3,
        last_error="LOGIN failed",
    )
    client.force_login(world.manager)
    assert (
        "The mailbox “Support inbox” failed 3 polls in a row"
        in client.get("/desk/").content.decode()
    )
    client.force_login(world.agent_a)
    assert "Support inbox" not in client.get("/desk/").content.decode()
