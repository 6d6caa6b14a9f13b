"""The REST API under /api/v1/: one NinjaAPI, its authentication and its error shapes.

Every error is JSON `{"code": ..., "message": ...}` (422 adds `errors`): domain errors keep
their own code and HTTP status, bad input is 400 or 422, and nothing a client sends gives 500.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from linia.core.errors import DomainError

from .auth import BearerTokenAuth, SessionActorAuth
from .routers import attachments, cards, directory, kb, messages, sla, tickets, users, worklogs

DESCRIPTION = """
The Linia service desk API. Authenticate with `Authorization: Bearer <token>` (issue a token
with `linia create-api-token USERNAME`), or sign in through the web pages and use this page.

The same permissions apply as in the desk and the portal: a client sees its own requests (a
client manager its organization's), an agent the tickets of the organizations its teams serve.
A ticket one may not see answers 404, exactly like one that does not exist.

Errors are `{"code": "...", "message": "..."}` with the HTTP status: 400 malformed request,
401 not authenticated, 403 not allowed, 404 not found, 409 not possible in the current state
(e.g. a forbidden status change), 413 too large, 422 invalid input (with `errors`).
Lists are pages: `{"items": [...], "count": N}`, with `limit` and `offset`.
"""

api = NinjaAPI(
    title="Linia",
    version="1",
    description=DESCRIPTION,
    auth=[BearerTokenAuth(), SessionActorAuth()],
    urls_namespace="api",
)

api.add_router("", tickets.router)
api.add_router("", messages.router)
api.add_router("", attachments.router)
api.add_router("", directory.router)
api.add_router("", cards.router)
api.add_router("", users.router)
api.add_router("", sla.router)
api.add_router("", worklogs.router)
api.add_router("", kb.router)

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "throttled",
}


def error_response(
    request: HttpRequest, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    response = api.create_response(
        request, {"code": code, "message": message, **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Linia"'
    return response


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    index = exc.details.get("index")
    if index is None:
        return error_response(request, exc.http_status, exc.code, exc.message)
    # An item of a batch (e.g. POST /tickets/batch): say which one; nothing was written.
    message = _("Item %(position)s: %(message)s") % {"position": index + 1, "message": exc.message}
    return error_response(request, exc.http_status, exc.code, message, index=index)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [_describe(error) for error in exc.errors[:5]]
    message = _("Invalid input: %(problems)s.") % {"problems": "; ".join(problems)}
    return error_response(request, 422, "invalid", message, errors=exc.errors)


def _describe(error: dict[str, Any]) -> str:
    # loc is (source, parameter, field, ...) for bodies and (source, field, ...) otherwise.
    location = [str(part) for part in error.get("loc", ())]
    location = (location[2:] or ["body"]) if location[:1] == ["body"] else location[1:]
    where = ".".join(location) or _("request")
    return f"{where}: {error.get('msg', _('invalid value'))}"


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        "unauthenticated",
        _("Authentication required: send an “Authorization: Bearer <token>” header."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 400 and isinstance(exc.__cause__, ValueError):
        # ninja's "Cannot parse request body": say what is wrong with it.
        cause = exc.__cause__
        detail = cause.msg if isinstance(cause, json.JSONDecodeError) else str(cause)
        message = _("The request body is not valid JSON (%(detail)s).") % {"detail": detail}
        return error_response(request, 400, "malformed_json", message)
    if status == 403 and "csrf" in exc.message.lower():
        message = _(
            "CSRF check failed: send the X-CSRFToken header with the session cookie, "
            "or use a bearer token."
        )
        return error_response(request, 403, "csrf_failed", message)
    return error_response(request, status, STATUS_CODES.get(status, "error"), exc.message)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "too_large", _("The request body is too large."))


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, "bad_request", _("The request could not be read."))


@api.exception_handler(Http404)
def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You may not do this."))
