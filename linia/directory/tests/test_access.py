"""actor_for_user builds the Actor every permission check reads; organization_filter and
visible_tickets apply it."""

from __future__ import annotations

import pytest
from django.db.models import Q

from linia.accounts.models import Team
from linia.core.access import SYSTEM_ACTOR, Role
from linia.directory.access import actor_for_user, organization_filter
from linia.directory.tests.factories import actor, make_agent, make_user
from linia.tickets.queries import visible_tickets
from linia.tickets.tests.factories import make_ticket


def test_requester(shared_world):
    result = actor_for_user(shared_world.requester_a)

    assert (result.role, result.user_id, result.name) == (
        Role.REQUESTER,
        shared_world.requester_a.pk,
        shared_world.requester_a.display_name,
    )
    assert (result.organization_id, result.contact_id) == (
        shared_world.org_a.pk,
        shared_world.contact_a.pk,
    )
    assert (result.is_client, result.is_staff, result.is_manager) == (True, False, False)
    assert result.sees_all_organizations is False
    assert (result.team_ids, result.tiers) == (frozenset(), frozenset())


def test_client_manager(shared_world):
    result = actor_for_user(shared_world.client_manager_b)

    assert (result.role, result.organization_id, result.is_client) == (
        Role.CLIENT_MANAGER,
        shared_world.org_b.pk,
        True,
    )
    assert result.contact_id == shared_world.client_manager_b.contact.pk


def test_client_without_a_contact_belongs_nowhere(shared_world):
    lonely = actor_for_user(make_user("requester"))

    assert (lonely.organization_id, lonely.contact_id) == (None, None)


def test_agent_serves_the_organizations_of_their_teams(shared_world):
    result = actor_for_user(shared_world.agent_a)

    assert (result.role, result.is_staff, result.is_manager) == (Role.AGENT, True, False)
    assert result.served_organization_ids == frozenset({shared_world.org_a.pk})
    assert (result.team_ids, result.tiers) == (frozenset({shared_world.l1.pk}), frozenset({1}))
    assert result.sees_all_organizations is False


def test_agent_in_several_teams(shared_world):
    both = make_agent(shared_world.l2, shared_world.other_l1)

    result = actor_for_user(both)

    assert result.served_organization_ids == frozenset(
        {shared_world.org_a.pk, shared_world.org_b.pk}
    )
    assert result.tiers == frozenset({1, 2})


def test_agent_in_a_team_serving_everyone_sees_all(shared_world):
    result = actor_for_user(shared_world.lead)

    assert result.served_organization_ids is None
    assert result.sees_all_organizations is True
    assert result.tiers == frozenset({3})


def test_agent_without_a_team_sees_nothing(shared_world):
    make_ticket(actor(shared_world.requester_a))
    loner = actor_for_user(make_agent())

    assert loner.served_organization_ids == frozenset()
    assert loner.sees_all_organizations is False
    assert list(visible_tickets(loner)) == []
    assert organization_filter(loner) == Q(organization_id__among=[])


def test_inactive_teams_do_not_count(shared_world):
    Team.objects.filter(pk=shared_world.l1.pk).update(is_active=False)

    result = actor_for_user(shared_world.agent_a)

    assert (result.team_ids, result.served_organization_ids) == (frozenset(), frozenset())


@pytest.mark.parametrize("user", ["manager", "admin"])
def test_managers_and_administrators_see_all(shared_world, user):
    result = actor_for_user(getattr(shared_world, user))

    assert (result.role, result.served_organization_ids) == (Role(user), None)
    assert (result.is_staff, result.is_manager, result.sees_all_organizations) == (True, True, True)


@pytest.mark.parametrize(
    "user", ["requester_a", "client_manager_a", "agent_a", "lead", "manager", "admin"]
)
def test_actor_is_built_with_at_most_two_queries(shared_world, django_assert_max_num_queries, user):
    with django_assert_max_num_queries(2):
        actor_for_user(getattr(shared_world, user))


def test_system_actor():
    assert (SYSTEM_ACTOR.role, SYSTEM_ACTOR.user_id, SYSTEM_ACTOR.name) == (
        Role.SYSTEM,
        None,
        "Linia",
    )
    assert (SYSTEM_ACTOR.is_staff, SYSTEM_ACTOR.sees_all_organizations) == (True, True)


@pytest.mark.parametrize(
    ("user", "sees"),
    [
        ("requester_a", {"requester_a"}),
        ("colleague_a", {"colleague_a"}),
        ("client_manager_a", {"requester_a", "colleague_a"}),
        ("requester_b", {"requester_b"}),
        ("client_manager_b", {"requester_b"}),
        ("agent_a", {"requester_a", "colleague_a"}),
        ("engineer_a", {"requester_a", "colleague_a"}),
        ("agent_b", {"requester_b"}),
        ("lead", {"requester_a", "colleague_a", "requester_b"}),
        ("manager", {"requester_a", "colleague_a", "requester_b"}),
        ("admin", {"requester_a", "colleague_a", "requester_b"}),
    ],
)
def test_visible_tickets_by_role(shared_world, user, sees):
    for requester in ("requester_a", "colleague_a", "requester_b"):
        make_ticket(actor(getattr(shared_world, requester)))

    visible = visible_tickets(actor(getattr(shared_world, user)))

    assert {ticket.requester.full_name for ticket in visible} == {
        getattr(shared_world, name).display_name for name in sees
    }
