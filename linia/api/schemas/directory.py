"""Organizations and contacts."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from linia.accounts.models import Team
from linia.directory.models import Organization

from .common import Email, Id, InputSchema, NamedRef

MAX_TEAMS = 100


class TeamRef(Schema):
    id: int
    name: str
    tier: int


class OrganizationOut(Schema):
    id: int
    name: str
    legal_name: str
    notes: str
    is_active: bool
    teams: list[TeamRef]
    created_at: datetime

    @staticmethod
    def resolve_teams(organization: Organization) -> list[Team]:
        return list(organization.teams.all())


class OrganizationIn(InputSchema):
    name: str = Field(max_length=200)
    legal_name: str = Field("", max_length=300)
    notes: str = Field("", max_length=10_000)
    teams: list[Id] = Field(default_factory=list, max_length=MAX_TEAMS, description="Team ids.")


class OrganizationPatch(InputSchema):
    """Omitted fields stay as they are; `teams` replaces the set of serving teams."""

    name: str | None = Field(None, max_length=200)
    legal_name: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=10_000)
    is_active: bool | None = None
    teams: list[Id] | None = Field(None, max_length=MAX_TEAMS)


class OrganizationFilters(Schema):
    text: str = Field("", max_length=200, pattern=r"^[^\x00]*$", description="In the name.")


class ContactOut(Schema):
    id: int
    organization: NamedRef
    full_name: str
    email: str
    phone: str
    position: str
    language: str
    is_vip: bool
    user_id: int | None
    created_at: datetime


class ContactIn(InputSchema):
    organization: Id
    full_name: str = Field(max_length=200)
    email: Email = ""
    phone: str = Field("", max_length=40)
    position: str = Field("", max_length=200)
    language: str = Field("en", max_length=8)
    is_vip: bool = False
    user: Id | None = Field(None, description="A requester's or client manager's user id.")


class ContactFilters(Schema):
    organization: Id | None = None
    text: str = Field(
        "", max_length=200, pattern=r"^[^\x00]*$", description="In the name or e-mail."
    )
