"""Log-ins (administrators create them, managers may read them) and the caller itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status

from linia.accounts import queries, services
from linia.accounts.models import User
from linia.directory import queries as directory_queries

from ..auth import actor_of, require_admin, require_manager, user_of
from ..pagination import paginate
from ..schemas.accounts import MeOut, UserFilters, UserIn, UserOut, me_out
from ..schemas.common import ERRORS, Page, PageParams, PathId

router = Router(tags=["users"])


@router.get("/me", response={200: MeOut, **ERRORS})
def who_am_i(request: HttpRequest) -> MeOut:
    """The caller: user, role and, for clients, the organization."""
    actor = actor_of(request)
    organization = (
        directory_queries.get_organization_for(actor, actor.organization_id)
        if actor.organization_id is not None
        else None
    )
    return me_out(user_of(request), actor=actor, organization=organization)


@router.get("/users", response={200: Page[UserOut], **ERRORS})
def list_users(
    request: HttpRequest, filters: Query[UserFilters], page: Query[PageParams]
) -> dict[str, Any]:
    require_manager(actor_of(request))
    users = queries.list_users(role=filters.role.value if filters.role else "", text=filters.text)
    return paginate(users, page)


@router.post("/users", response={201: UserOut, **ERRORS})
def create_user(request: HttpRequest, payload: UserIn) -> Status[User]:
    """A new log-in. A requester or client manager also needs a contact (POST /contacts with
    `user`) to belong to an organization."""
    require_admin(actor_of(request))
    user = services.create_user(
        username=payload.username,
        email=payload.email,
        password=payload.password,
        role=payload.role,
        first_name=payload.first_name,
        last_name=payload.last_name,
        language=payload.language,
        time_zone=payload.time_zone,
    )
    return Status(201, user)


@router.get("/users/{user_id}", response={200: UserOut, **ERRORS})
def get_user(request: HttpRequest, user_id: PathId) -> User:
    require_manager(actor_of(request))
    return queries.get_user(user_id)
