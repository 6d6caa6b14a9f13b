"""Who is calling: a bearer token (accounts.ApiToken) or, for the browser docs, a signed-in
session with its CSRF token. Either way the handler gets an `Actor` as `request.auth`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from linia.accounts import queries as account_queries
from linia.accounts import services as account_services
from linia.accounts.models import User
from linia.core.access import Actor, Role
from linia.core.errors import DomainError, Forbidden
from linia.directory.access import actor_for_user


class Unauthenticated(DomainError):
    code = "unauthenticated"
    http_status = 401


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: the token's SHA-256 digest must match a token that is
    not revoked and whose user is active. A token that does not match is refused outright
    (401), rather than falling back to the session."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        row = account_queries.find_active_api_token(token.strip())
        if row is None:
            raise Unauthenticated(_("The API token is invalid or has been revoked."))
        account_services.record_api_token_use(token=row, now=timezone.now())
        request.user = row.user
        # Messages in the user's own language, as on the pages (the session middleware does
        # this for browser requests; token requests arrive without a session).
        translation.activate(row.user.language)
        request.LANGUAGE_CODE = row.user.language
        return actor_for_user(row.user)


class SessionActorAuth(SessionAuth):
    """The signed-in session (so that the docs page works in the browser). Unsafe methods need
    the CSRF token; a request without a signed-in user is left to the 401 handler."""

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = request.user
        if not isinstance(user, User) or not user.is_active:
            return None
        return actor_for_user(user)


def actor_of(request: HttpRequest) -> Actor:
    """The authenticated caller, set by one of the auth classes above."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise Unauthenticated(_("Authentication required."))
    return actor


def user_of(request: HttpRequest) -> User:
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        raise Unauthenticated(_("Authentication required."))
    return user


def require_manager(actor: Actor) -> None:
    """The directory and the user list are read by managers and administrators."""
    if not actor.is_manager:
        raise Forbidden(_("Only service desk managers and administrators can see this."))


def require_admin(actor: Actor) -> None:
    """Organizations, contacts and users are changed by administrators only."""
    if actor.role not in {Role.ADMIN, Role.SYSTEM}:
        raise Forbidden(_("Only administrators can change this."))
