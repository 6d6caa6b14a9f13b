"""Writes for accounts: users, teams, API tokens, preferences."""

from __future__ import annotations

import functools
import secrets
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linia.core.errors import Invalid, NotFound

from .models import ApiToken, Team, User, UserRole


@transaction.atomic
def create_user(
    *,
    username: str,
    email: str,
    password: str | None,
    role: str,
    first_name: str = "",
    last_name: str = "",
    language: str | None = None,
    time_zone: str | None = None,
) -> User:
    """Create a log-in. Raises Invalid for a missing, malformed or taken username, a
    malformed or taken e-mail, a bad role, language or time zone."""
    if role not in UserRole.values:
        raise Invalid(_("Unknown role: %(role)s") % {"role": role}, code="invalid_role")
    username = username.strip()
    email = email.strip()
    if not username:
        raise Invalid(_("A login is required."), code="username_required")
    try:
        User._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise Invalid(" ".join(error.messages), code="invalid_username") from None
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(
                _("“%(email)s” is not an e-mail address.") % {"email": email},
                code="invalid_email",
            ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise Invalid(_("This login is already taken."), code="username_taken")
    if email and User.objects.filter(email__iexact=email).exists():
        raise Invalid(_("This e-mail address already has an account."), code="email_taken")
    user = User(
        username=username,
        email=email,
        role=role,
        first_name=first_name,
        last_name=last_name,
        language=_valid_language(language or settings.LANGUAGE_CODE),
        time_zone=_valid_time_zone(time_zone or settings.LINIA_DEFAULT_TIME_ZONE),
        is_staff=role == UserRole.ADMIN,
        is_superuser=role == UserRole.ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    if email:
        _sync_allauth_email(user)
    return user


def _sync_allauth_email(user: User) -> None:
    # allauth finds log-ins by e-mail (and sends reset links) through its EmailAddress table.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email.lower(), defaults={"primary": True, "verified": True}
    )


@transaction.atomic
def update_preferences(*, user_id: int, language: str, time_zone: str) -> User:
    user = User.objects.select_for_update().get(pk=user_id)
    user.language = _valid_language(language)
    user.time_zone = _valid_time_zone(time_zone)
    user.save(update_fields=["language", "time_zone"])
    return user


def _valid_language(language: str) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise Invalid(
            _("Unsupported language: %(language)s") % {"language": language},
            code="invalid_language",
        )
    return language


@functools.cache
def _time_zone_names() -> frozenset[str]:
    # available_timezones() walks the tz database on disk (tens of ms): read it once.
    return frozenset(zoneinfo.available_timezones())


def _valid_time_zone(name: str) -> str:
    if name not in _time_zone_names():
        raise Invalid(_("Unknown time zone: %(zone)s") % {"zone": name}, code="invalid_time_zone")
    return name


@transaction.atomic
def create_team(*, name: str, tier: int, serves_all_organizations: bool = False) -> Team:
    if tier not in (1, 2, 3):
        raise Invalid(_("The tier must be 1, 2 or 3."), code="invalid_tier")
    return Team.objects.create(
        name=name, tier=tier, serves_all_organizations=serves_all_organizations
    )


@transaction.atomic
def add_team_member(*, team_id: int, user_id: int) -> Team:
    team = Team.objects.get(pk=team_id)
    user = User.objects.get(pk=user_id)
    if not user.is_desk_staff:
        raise Invalid(_("Only desk staff can be team members."), code="not_staff")
    team.members.add(user)
    return team


@transaction.atomic
def create_api_token(*, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Issue a new bearer token; the plain token is returned once and never stored."""
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        raise NotFound(_("No active user with this login."))
    token = "lin_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name, digest=ApiToken.digest_of(token), prefix=token[:8]
    )
    return row, token


API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def record_api_token_use(*, token: ApiToken, now: datetime) -> None:
    """Note that `token` was used: at most one UPDATE a minute per token, none in between (the
    caller's copy of `last_used_at` says whether the stored one is stale).

    Deliberately not wrapped in a transaction: the one conditional UPDATE is atomic on its
    own, and an atomic block would take SQLite's write lock (BEGIN IMMEDIATE) on every
    authenticated API request, even when nothing is written."""
    cutoff = now - API_TOKEN_TOUCH_INTERVAL
    if token.last_used_at is not None and token.last_used_at >= cutoff:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=cutoff)
    ).update(last_used_at=now)
    token.last_used_at = now


@transaction.atomic
def revoke_api_token(*, token_id: int) -> ApiToken:
    """Refuse the token from now on. Raises NotFound."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(_("API token not found."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
