"""Fixtures for the desk: tickets of Acme (served by agent_a) and Globex (served by agent_b)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from linia.directory.tests.factories import actor
from linia.tickets import services
from linia.tickets.models import Ticket
from linia.tickets.services import IncomingFile
from linia.tickets.tests.factories import make_ticket

HTMX = {"HTTP_HX_REQUEST": "true"}


def upload(name: str = "screenshot.png", content: bytes = b"\x89PNG fake", kind: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=kind)


def incoming(
    name: str = "log.txt", content: bytes = b"line 1\n", kind: str = "text/plain"
) -> IncomingFile:
    return IncomingFile(
        name=name, content=ContentFile(content), size=len(content), content_type=kind
    )


@pytest.fixture
def ticket_a(world) -> Ticket:
    """A new Acme ticket from anna, with one attachment."""
    return make_ticket(actor(world.requester_a), files=[incoming()])


@pytest.fixture
def ticket_b(world) -> Ticket:
    return make_ticket(actor(world.requester_b), subject="Globex VPN is down")


@pytest.fixture
def agent_client(client, world):
    client.force_login(world.agent_a)
    return client


def reply(world, ticket: Ticket, body: str = "Looking into it.", *, internal: bool = False):
    return services.add_message(
        actor=actor(world.agent_a), number=ticket.number, body=body, is_internal=internal
    )
