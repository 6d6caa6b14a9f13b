"""Users and the caller ("me")."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import Field, field_validator

from linia.accounts.models import User, UserRole
from linia.core.access import Actor
from linia.directory.models import Organization

from .common import Email, InputSchema, NamedRef


class UserOut(Schema):
    id: int
    username: str
    email: str
    first_name: str
    last_name: str
    name: str
    role: UserRole
    language: str
    time_zone: str
    is_active: bool
    team_ids: list[int]

    @staticmethod
    def resolve_name(user: User) -> str:
        return user.display_name

    @staticmethod
    def resolve_team_ids(user: User) -> list[int]:
        return [team.pk for team in user.teams.all()]


class UserIn(InputSchema):
    username: str = Field(pattern=r"^[\w.@+-]{1,150}$", description="The login.")
    email: Email = ""
    password: str | None = Field(
        None, max_length=128, description="Omit to create an account that cannot log in yet."
    )
    role: UserRole
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    language: str | None = Field(None, max_length=8)
    time_zone: str | None = Field(None, max_length=64)

    @field_validator("password")
    @classmethod
    def _strong_password(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                password_validation.validate_password(value)
            except DjangoValidationError as error:
                raise ValueError(" ".join(error.messages)) from None
        return value


class UserFilters(Schema):
    role: UserRole | None = None
    text: str = Field(
        "", max_length=200, pattern=r"^[^\x00]*$", description="In the login, name or e-mail."
    )


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    is_staff: bool
    organization: NamedRef | None
    contact_id: int | None
    language: str
    time_zone: str


def me_out(user: User, *, actor: Actor, organization: Organization | None) -> MeOut:
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.display_name,
        email=user.email,
        role=actor.role.value,
        is_staff=actor.is_staff,
        organization=(
            NamedRef(id=organization.pk, name=organization.name) if organization else None
        ),
        contact_id=actor.contact_id,
        language=user.language,
        time_zone=user.time_zone,
    )
