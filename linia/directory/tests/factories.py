"""Building blocks for tests: an organization with its people, agents in teams, actors."""

from __future__ import annotations

import itertools

from linia.accounts import services as account_services
from linia.accounts.models import Team, User
from linia.core.access import Actor
from linia.directory import services as directory_services
from linia.directory.access import actor_for_user
from linia.directory.models import Contact, Organization

_sequence = itertools.count(1)


def make_organization(name: str | None = None, *, teams: list[Team] | None = None) -> Organization:
    organization = directory_services.create_organization(
        name=name or f"Client {next(_sequence)}"
    )
    if teams:
        organization.teams.set(teams)
    return organization


def make_team(*, tier: int = 1, name: str | None = None, serves_all: bool = False) -> Team:
    return account_services.create_team(
        name=name or f"Team L{tier} {next(_sequence)}", tier=tier,
        serves_all_organizations=serves_all,
    )


def make_user(role: str, *, username: str | None = None, email: str | None = None,
              password: str = "pass-word-123", first_name: str = "", last_name: str = "",
              language: str = "en") -> User:
    number = next(_sequence)
    username = username or f"{role}{number}"
    return account_services.create_user(
        username=username,
        email=email if email is not None else f"{username}@example.test",
        password=password,
        role=role,
        first_name=first_name or role.title(),
        last_name=last_name or str(number),
        language=language,
    )


def make_requester(organization: Organization, *, role: str = "requester", **kwargs) -> tuple[User, Contact]:
    user = make_user(role, **kwargs)
    contact = directory_services.create_contact(
        organization_id=organization.pk, full_name=user.display_name, email=user.email,
        user_id=user.pk, language=user.language,
    )
    return user, contact


def make_agent(*teams: Team, role: str = "agent", **kwargs) -> User:
    user = make_user(role, **kwargs)
    for team in teams:
        account_services.add_team_member(team_id=team.pk, user_id=user.pk)
    return user


def actor(user: User) -> Actor:
    return actor_for_user(user)
