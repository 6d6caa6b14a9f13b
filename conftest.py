"""Shared fixtures: a small world of two client organizations served by different teams."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from linia.accounts.models import Team, User
from linia.directory.models import Contact, Organization
from linia.directory.tests.factories import (
    make_agent,
    make_organization,
    make_requester,
    make_team,
    make_user,
)


@dataclass
class World:
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


@pytest.fixture
def world(db) -> World:
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
        l1=l1, l2=l2, l3=l3, other_l1=other_l1, org_a=org_a, org_b=org_b,
        requester_a=requester_a, contact_a=contact_a,
        colleague_a=colleague_a, colleague_contact_a=colleague_contact_a,
        client_manager_a=client_manager_a, requester_b=requester_b, contact_b=contact_b,
        client_manager_b=client_manager_b,
        agent_a=make_agent(l1, username="agent_a"),
        engineer_a=make_agent(l2, username="engineer_a"),
        lead=make_agent(l3, username="lead"),
        agent_b=make_agent(other_l1, username="agent_b"),
        manager=make_user("manager", username="manager"),
        admin=make_user("admin", username="admin"),
    )
