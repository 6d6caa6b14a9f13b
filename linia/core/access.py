"""Who is acting: the one description of an actor that every permission check reads.

An `Actor` is built once per request (or task) by `linia.directory.access.actor_for_user` and
passed explicitly to services and queries. It carries only ids, so it is cheap to build and to
pass to background tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    REQUESTER = "requester"
    CLIENT_MANAGER = "client_manager"
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"
    SYSTEM = "system"


STAFF_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN, Role.SYSTEM})
CLIENT_ROLES = frozenset({Role.REQUESTER, Role.CLIENT_MANAGER})


@dataclass(frozen=True)
class Actor:
    role: Role
    user_id: int | None = None
    name: str = ""
    # Requesters and client managers: their organization and their contact record.
    organization_id: int | None = None
    contact_id: int | None = None
    # Agents: the organizations their teams serve (None = every organization).
    served_organization_ids: frozenset[int] | None = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    tiers: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_client(self) -> bool:
        return self.role in CLIENT_ROLES

    @property
    def sees_all_organizations(self) -> bool:
        return self.role in {Role.MANAGER, Role.ADMIN, Role.SYSTEM} or (
            self.role == Role.AGENT and self.served_organization_ids is None
        )

    @property
    def is_manager(self) -> bool:
        return self.role in {Role.MANAGER, Role.ADMIN, Role.SYSTEM}


SYSTEM_ACTOR = Actor(role=Role.SYSTEM, name="Linia", served_organization_ids=None)
