"""Second-factor glue around allauth.mfa: whether a user has TOTP, checking a code, and when
the session last proved a second factor."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.models import Authenticator


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


def verify_totp_code(user_id: int | None, code: str) -> bool:
    """Whether `code` is a valid, unused TOTP code of the user (marks it used)."""
    from allauth.mfa.totp.internal.auth import TOTP

    if user_id is None:
        return False
    authenticator = Authenticator.objects.filter(
        user_id=user_id, type=Authenticator.Type.TOTP
    ).first()
    code = "".join((code or "").split())
    return bool(authenticator and code and TOTP(authenticator).validate_code(code))


def confirm_totp_code(request: Any, code: str) -> bool:
    """Check a TOTP code of the signed-in user and, when it is right, record a fresh second
    factor in the session (as allauth's own reauthentication does)."""
    from allauth.mfa.base.internal.flows import post_authentication
    from allauth.mfa.totp.internal.auth import TOTP

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.TOTP
    ).first()
    code = "".join(code.split())
    if authenticator is None or not code or not TOTP(authenticator).validate_code(code):
        return False
    post_authentication(request, authenticator, reauthenticated=True)
    return True
