"""Building blocks for tests: an organization with its people, agents in teams, actors."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from linia.accounts import services as account_services
from linia.accounts.models import Team, User
from linia.core.access import SYSTEM_ACTOR, Actor
from linia.directory import services as directory_services
from linia.directory.access import actor_for_user
from linia.directory.models import Contact, Organization

_sequence = itertools.count(1)


def make_organization(name: str | None = None, *, teams: list[Team] | None = None) -> Organization:
    organization = directory_services.create_organization(
        actor=SYSTEM_ACTOR, name=name or f"Client {next(_sequence)}"
    )
    if teams:
        organization.teams.set(teams)
    return organization


def make_team(*, tier: int = 1, name: str | None = None, serves_all: bool = False) -> Team:
    return account_services.create_team(
        name=name or f"Team L{tier} {next(_sequence)}",
        tier=tier,
        serves_all_organizations=serves_all,
    )


def make_user(
    role: str,
    *,
    username: str | None = None,
    email: str | None = None,
    password: str = "pass-word-123",  # noqa: S107
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
) -> User:
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


def make_requester(
    organization: Organization, *, role: str = "requester", **kwargs
) -> tuple[User, Contact]:
    user = make_user(role, **kwargs)
    contact = directory_services.create_contact(
        organization_id=organization.pk,
        full_name=user.display_name,
        email=user.email,
        user_id=user.pk,
        language=user.language,
    )
    return user, contact


def make_agent(*teams: Team, role: str = "agent", **kwargs) -> User:
    user = make_user(role, **kwargs)
    for team in teams:
        account_services.add_team_member(team_id=team.pk, user_id=user.pk)
    return user


def actor(user: User) -> Actor:
    return actor_for_user(user)


@dataclass
class World:
    """Two client organizations served by different teams, and the people around them."""

    l1: Team
    l2: Team
    l3: Team
    other_l1: Team
    org_a: Organization
    org_b: Organization
    requester_a: User
    contact_a: Contact
    colleague_a: User
    colleague_contact_a: Contact
    client_manager_a: User
    requester_b: User
    contact_b: Contact
    client_manager_b: User
    agent_a: User  # L1, serves A
    engineer_a: User  # L2, serves A
    lead: User  # L3, serves every organization
    agent_b: User  # L1, serves only B
    manager: User
    admin: User


def build_world() -> World:
    l1 = make_team(tier=1, name="L1 Service desk")
    l2 = make_team(tier=2, name="L2 Engineers")
    l3 = make_team(tier=3, name="L3 Leads", serves_all=True)
    other_l1 = make_team(tier=1, name="L1 Other clients")
    org_a = make_organization("Acme", teams=[l1, l2])
    org_b = make_organization("Globex", teams=[other_l1])
    requester_a, contact_a = make_requester(org_a, username="anna")
    colleague_a, colleague_contact_a = make_requester(org_a, username="boris")
    client_manager_a, _ = make_requester(org_a, role="client_manager", username="cm_a")
    requester_b, contact_b = make_requester(org_b, username="bob")
    client_manager_b, _ = make_requester(org_b, role="client_manager", username="cm_b")
    return World(
        l1=l1,
        l2=l2,
        l3=l3,
        other_l1=other_l1,
        org_a=org_a,
        org_b=org_b,
        requester_a=requester_a,
        contact_a=contact_a,
        colleague_a=colleague_a,
        colleague_contact_a=colleague_contact_a,
        client_manager_a=client_manager_a,
        requester_b=requester_b,
        contact_b=contact_b,
        client_manager_b=client_manager_b,
        agent_a=make_agent(l1, username="agent_a"),
        engineer_a=make_agent(l2, username="engineer_a"),
        lead=make_agent(l3, username="lead"),
        agent_b=make_agent(other_l1, username="agent_b"),
        manager=make_user("manager", username="manager"),
        admin=make_user("admin", username="admin"),
    )
