"""API test helpers: a Django test client per user, authenticated with a real bearer token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from linia.accounts.models import User
from linia.accounts.services import create_api_token
from linia.tickets.models import TicketEvent

API = "/api/v1"


def client_for(user: User) -> Client:
    _row, token = create_api_token(username=user.username, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def api_as(db) -> Callable[[User], Client]:
    """`api_as(user)`: a client whose requests carry a fresh token of `user`."""
    return client_for


def event_count() -> int:
    return TicketEvent.objects.count()
