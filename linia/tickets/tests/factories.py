from __future__ import annotations

from linia.core.access import Actor
from linia.tickets import services
from linia.tickets.models import Ticket


def make_ticket(actor: Actor, **kwargs) -> Ticket:
    kwargs.setdefault("subject", "The printer does not print")
    kwargs.setdefault("description", "Since this morning, paper jam light blinks.")
    return services.create_ticket(actor=actor, **kwargs)
