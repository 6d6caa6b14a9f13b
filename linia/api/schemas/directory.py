"""Organizations and contacts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from linia.accounts.models import Team
from linia.directory.models import Contact, Organization
from linia.directory.services import CARD_FIELDS, SETTING_FIELDS
from linia.sla import queries as sla_queries

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
    tax_id: str
    registration_number: str
    legal_address: str
    postal_address: str
    website: str
    status: str
    support_hours: str
    included_hours_per_month: Decimal | None
    hourly_rate: Decimal | None
    covered_workstations: int | None
    license_reminder_tickets: bool | None = Field(
        description="License reminders as tickets; null: the installation's default."
    )
    teams: list[TeamRef]
    sla_policy: int | None = Field(description="The SLA policy of the active contract.")
    created_at: datetime

    @staticmethod
    def resolve_teams(organization: Organization) -> list[Team]:
        return list(organization.teams.all())

    @staticmethod
    def resolve_sla_policy(organization: Organization) -> int | None:
        return sla_queries.contract_policy_id(organization.pk)


class OrganizationCard(InputSchema):
    """The client card's fields; in a PATCH, omitted ones stay as they are."""

    tax_id: str | None = Field(None, max_length=64)
    registration_number: str | None = Field(None, max_length=64)
    legal_address: str | None = Field(None, max_length=2000)
    postal_address: str | None = Field(None, max_length=2000)
    website: str | None = Field(None, max_length=200)
    status: str | None = Field(None, max_length=16)
    support_hours: str | None = Field(None, max_length=200)
    included_hours_per_month: Decimal | None = Field(None, ge=0, le=99999)
    hourly_rate: Decimal | None = Field(None, ge=0, le=10**8)
    covered_workstations: int | None = Field(None, ge=0, le=10**6)
    license_reminder_tickets: bool | None = Field(
        None, description="License reminders as tickets; null: the installation's default."
    )

    def card(self) -> dict[str, Any]:
        return self.model_dump(include={*CARD_FIELDS, *SETTING_FIELDS}, exclude_unset=True)


class OrganizationIn(OrganizationCard):
    name: str = Field(max_length=200)
    legal_name: str = Field("", max_length=300)
    notes: str = Field("", max_length=10_000)
    teams: list[Id] = Field(default_factory=list, max_length=MAX_TEAMS, description="Team ids.")


class OrganizationPatch(OrganizationCard):
    """Omitted fields stay as they are; `teams` replaces the set of serving teams."""

    name: str | None = Field(None, max_length=200)
    legal_name: str | None = Field(None, max_length=300)
    notes: str | None = Field(None, max_length=10_000)
    is_active: bool | None = None
    teams: list[Id] | None = Field(None, max_length=MAX_TEAMS)
    sla_policy: Id | None = Field(
        None, description="Bind the organization's SLA contract to this policy; null unbinds."
    )


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
    is_client_manager: bool
    phones: list[str]
    extra_emails: list[str]
    messengers: dict[str, str]
    user_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_phones(contact: Contact) -> list[str]:
        return [phone.number for phone in contact.phones.all()]


class ContactIn(InputSchema):
    organization: Id
    full_name: str = Field(max_length=200)
    email: Email = ""
    phone: str = Field("", max_length=40)
    position: str = Field("", max_length=200)
    language: str = Field("en", max_length=8)
    is_vip: bool = False
    is_client_manager: bool = False
    phones: list[str] = Field(
        default_factory=list, max_length=20, description="More numbers; stored as E.164."
    )
    extra_emails: list[Email] = Field(default_factory=list, max_length=20)
    messengers: dict[str, str] = Field(
        default_factory=dict, max_length=20, description='e.g. {"telegram": "@name"}'
    )
    user: Id | None = Field(None, description="A requester's or client manager's user id.")


class ContactFilters(Schema):
    organization: Id | None = None
    text: str = Field(
        "", max_length=200, pattern=r"^[^\x00]*$", description="In the name or e-mail."
    )


class InvitationIn(InputSchema):
    client_manager: bool = Field(
        False, description="A client manager's account (also for contacts flagged as such)."
    )


class InvitationOut(Schema):
    contact: int
    user: int
    role: str
