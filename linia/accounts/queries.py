"""Reads for accounts."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from linia.core.errors import NotFound

from .models import ApiToken, Team, User, UserRole

STAFF_ROLES = [UserRole.AGENT, UserRole.MANAGER, UserRole.ADMIN]


def list_staff() -> QuerySet[User]:
    """Active desk staff (agents, managers, administrators), by name: for pickers and filters."""
    return (
        User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        .only("id", "username", "first_name", "last_name", "role")
        .order_by("first_name", "last_name", "username")
    )


def find_active_api_token(token: str) -> ApiToken | None:
    """The API token whose digest matches `token`, if it is not revoked and its user is
    active (with the user, one query); None otherwise."""
    if not token or len(token) > 200:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def list_users(*, role: str = "", text: str = "") -> QuerySet[User]:
    """Every log-in, by login, with team ids prefetched; narrowed by role and by a text found in
    the login, name or e-mail."""
    users = User.objects.prefetch_related(Prefetch("teams", queryset=Team.objects.only("id")))
    if role:
        users = users.filter(role=role)
    text = text.strip()
    if text:
        users = users.filter(
            Q(username__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
            | Q(email__icontains=text)
        )
    return users.order_by("username", "id")


def get_user(user_id: int) -> User:
    """One log-in by id, with its team ids; NotFound otherwise."""
    user = list_users().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user
