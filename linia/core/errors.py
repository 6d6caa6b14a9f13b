"""Domain errors: every failure a service reports, each with a stable code.

Interfaces map them to their own shapes: the API to JSON with an HTTP status, the desk and
portal to an inline message. `message` is translated and safe to show to the user.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details


class NotFound(DomainError):
    """The object does not exist, or the actor may not see it: the two are never told apart."""

    code = "not_found"
    http_status = 404


class Forbidden(DomainError):
    """The actor sees the object but may not take this action on it."""

    code = "forbidden"
    http_status = 403


class Conflict(DomainError):
    """The action does not fit the object's current state (e.g. a forbidden transition)."""

    code = "conflict"
    http_status = 409


class Invalid(DomainError):
    """The input is malformed or breaks a rule."""

    code = "invalid"
    http_status = 422


class TooLarge(DomainError):
    code = "too_large"
    http_status = 413
