from __future__ import annotations

from linia.core.access import SYSTEM_ACTOR, Actor
from linia.directory.access import actor_for_user
from linia.tickets import services
from linia.tickets.models import Ticket


def make_ticket(actor: Actor, **kwargs) -> Ticket:
    kwargs.setdefault("subject", "The printer does not print")
    kwargs.setdefault("description", "Since this morning, paper jam light blinks.")
    return services.create_ticket(actor=actor, **kwargs)


# The shortest path through the workflow to each status, taken by a manager (the role every
# step allows), with the reason or resolution each step needs.
_PATHS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "new": [],
    "open": [("open", {})],
    "in_progress": [("in_progress", {})],
    "pending": [("pending", {"note": "Waiting for the spare part"})],
    "resolved": [("resolved", {"resolution": "Replaced the toner"})],
    "closed": [("resolved", {"resolution": "Replaced the toner"}), ("closed", {})],
    "cancelled": [("cancelled", {"note": "Filed twice"})],
}


def move_ticket(ticket: Ticket, status: str, *, by: Actor) -> Ticket:
    """Bring a new ticket to `status` through the services (`by` must be a manager)."""
    for to, options in _PATHS[status]:
        services.change_status(
            actor=by,
            number=ticket.number,
            to=to,
            note=options.get("note", ""),
            resolution=options.get("resolution", ""),
        )
    ticket.refresh_from_db()
    return ticket


def make_ticket_in(status: str, *, requester: Actor, manager: Actor, **kwargs) -> Ticket:
    """A ticket of `requester`, moved to `status` by `manager`."""
    return move_ticket(make_ticket(requester, **kwargs), status, by=manager)


def role_actor(world, role: str) -> Actor:
    """An actor of `role` who sees the tickets of world.org_a (the system actor for "system")."""
    users = {
        "requester": world.requester_a,
        "client_manager": world.client_manager_a,
        "agent": world.agent_a,
        "manager": world.manager,
        "admin": world.admin,
    }
    if role == "system":
        return SYSTEM_ACTOR
    return actor_for_user(users[role])
