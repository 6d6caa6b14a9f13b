"""Builds the `Actor` for a signed-in user: role, organization, served organizations, teams."""

from __future__ import annotations

from django.db.models import Q

from linia.accounts.models import Team, User, UserRole
from linia.core.access import Actor, Role

from .models import Contact


def actor_for_user(user: User) -> Actor:
    """The actor for `user`, with the ids every permission check needs (one query)."""
    role = Role(user.role)
    name = user.display_name
    if role in {Role.REQUESTER, Role.CLIENT_MANAGER}:
        contact = Contact.objects.filter(user_id=user.pk).only("id", "organization_id").first()
        return Actor(
            role=role,
            user_id=user.pk,
            name=name,
            organization_id=contact.organization_id if contact else None,
            contact_id=contact.pk if contact else None,
        )
    if role == Role.AGENT:
        # One query, every request of an agent: each active team of theirs with each
        # organization it serves (None when it has none).
        rows = list(
            Team.objects.filter(members=user, is_active=True).values_list(
                "id", "tier", "serves_all_organizations", "organizations"
            )
        )
        served: frozenset[int] | None
        if any(serves_all for _id, _tier, serves_all, _org in rows):
            served = None
        else:
            served = frozenset(org for _id, _tier, _all, org in rows if org is not None)
        return Actor(
            role=role,
            user_id=user.pk,
            name=name,
            served_organization_ids=served,
            team_ids=frozenset(team_id for team_id, _tier, _all, _org in rows),
            tiers=frozenset(tier for _id, tier, _all, _org in rows),
        )
    team_rows = list(Team.objects.filter(members=user).values_list("id", "tier"))
    return Actor(
        role=role,
        user_id=user.pk,
        name=name,
        served_organization_ids=None,
        team_ids=frozenset(team_id for team_id, _tier in team_rows),
        tiers=frozenset(tier for _id, tier in team_rows),
    )


def organization_filter(actor: Actor, field: str = "organization") -> Q:
    """The tenancy condition on `field` (an organization foreign key) for `actor`.

    The one place that says which organizations an actor may see; every `visible_*` query
    in every app applies it.
    """
    if actor.sees_all_organizations:
        return Q()
    if actor.is_client:
        if actor.organization_id is None:
            return Q(pk__in=[])
        return Q(**{f"{field}_id": actor.organization_id})
    served = actor.served_organization_ids or frozenset()
    # Written into the SQL (linia.core.lookups.Among), not bound: how many tickets an agent's
    # organizations hold decides the plan, and a prepared statement's generic plan, blind to
    # bound values, guessed (the team view sorted 3,300 rows: 10 against 3 ms).
    return Q(**{f"{field}_id__among": sorted(served)})


def is_manager_role(user: User) -> bool:
    return user.role in {UserRole.MANAGER, UserRole.ADMIN}
