"""Second-factor glue around allauth.mfa: whether a user has TOTP, checking a code, and when
the session last proved a second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator
from django.core.cache import cache


def has_totp(user_id: int | None) -> bool:
    """The user has enabled TOTP (an authenticator app)."""
    if user_id is None:
        return False
    return Authenticator.objects.filter(user_id=user_id, type=Authenticator.Type.TOTP).exists()


def last_second_factor_at(request: Any) -> float | None:
    """The Unix time of the latest second factor proved in this session (at log-in or at a
    reauthentication), or None. Reads allauth's authentication records."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return None
    times = [
        float(record["at"])
        for record in get_authentication_records(request, user)
        if record.get("method") == "mfa" and "at" in record
    ]
    return max(times) if times else None


# Wrong codes allowed per user within FAILURE_WINDOW seconds, against guessing.
MAX_FAILURES = 5
FAILURE_WINDOW = 5 * 60


def _failure_key(user_id: int) -> str:
    return f"linia:totp-failures:{user_id}"


def too_many_failures(user_id: int) -> bool:
    """The user has given MAX_FAILURES wrong codes within FAILURE_WINDOW seconds, on any web
    process (the count is in the shared default cache)."""
    return bool(cache.get(_failure_key(user_id), 0) >= MAX_FAILURES)


def record_failure(user_id: int) -> None:
    """Count one wrong code of the user, for FAILURE_WINDOW seconds from the first."""
    cache.add(_failure_key(user_id), 0, FAILURE_WINDOW)
    try:
        cache.incr(_failure_key(user_id))
    except ValueError:  # expired in between
        cache.set(_failure_key(user_id), 1, FAILURE_WINDOW)


def verify_totp_code(user_id: int | None, code: str) -> bool:
    """Whether `code` is a valid, unused TOTP code of the user (marks it used). After
    MAX_FAILURES wrong codes in FAILURE_WINDOW seconds every code is refused until the window
    passes."""
    from allauth.mfa.totp.internal.auth import TOTP

    if user_id is None or too_many_failures(user_id):
        return False
    authenticator = Authenticator.objects.filter(
        user_id=user_id, type=Authenticator.Type.TOTP
    ).first()
    code = "".join((code or "").split())
    valid = bool(authenticator and code and TOTP(authenticator).validate_code(code))
    if not valid:
        record_failure(user_id)
    return valid


def confirm_totp_code(request: Any, code: str) -> bool:
    """Check a TOTP code of the signed-in user and, when it is right, record a fresh second
    factor in the session (as allauth's own reauthentication does)."""
    from allauth.mfa.base.internal.flows import post_authentication

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not verify_totp_code(user.pk, code):
        return False
    authenticator = Authenticator.objects.get(user_id=user.pk, type=Authenticator.Type.TOTP)
    post_authentication(request, authenticator, reauthenticated=True)
    return True
