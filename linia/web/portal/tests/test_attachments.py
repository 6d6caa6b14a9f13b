"""Attachment downloads go through the tenancy gate."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Attachment, TicketEvent
from linia.tickets.services import IncomingFile
from linia.tickets.tests.factories import make_ticket


def _incoming(name: str, content: bytes) -> IncomingFile:
    return IncomingFile(name=name, content=ContentFile(content, name=name), size=len(content))


@pytest.fixture
def files(world):
    ticket = make_ticket(
        actor(world.requester_a),
        files=[_incoming("report.txt", b"disk full"), _incoming("page.html", b"<script>")],
    )
    services.add_message(
        actor=actor(world.agent_a),
        number=ticket.number,
        body="note",
        is_internal=True,
        files=[_incoming("internal.txt", b"staff only")],
    )
    return {a.filename: a for a in Attachment.objects.filter(ticket=ticket)}


def _url(attachment: Attachment) -> str:
    return reverse("portal:attachment", args=[attachment.pk])


def test_owner_downloads_public_attachment(client, world, files):
    client.force_login(world.requester_a)
    response = client.get(_url(files["report.txt"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"disk full"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"] == 'inline; filename="report.txt"'


def test_html_is_downloaded_never_rendered(client, world, files):
    client.force_login(world.requester_a)
    response = client.get(_url(files["page.html"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_internal_attachment_is_404_for_clients(client, world, files):
    client.force_login(world.requester_a)
    assert client.get(_url(files["internal.txt"])).status_code == 404


@pytest.mark.parametrize("who", ["requester_b", "client_manager_b", "colleague_a"])
def test_outsiders_get_404(client, world, files, who):
    client.force_login(getattr(world, who))
    before = TicketEvent.objects.count()
    assert client.get(_url(files["report.txt"])).status_code == 404
    assert TicketEvent.objects.count() == before


def test_client_manager_of_the_organization_downloads(client, world, files):
    client.force_login(world.client_manager_a)
    assert client.get(_url(files["report.txt"])).status_code == 200


def test_anonymous_is_sent_to_log_in(client, world, files):
    response = client.get(_url(files["report.txt"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
