"""Attachment downloads: only through the tenancy gate, never from a public media URL."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest

from linia.core.errors import NotFound
from linia.tickets import queries

from .base import actor_of

# Shown in the browser; everything else is downloaded. Never HTML or SVG (script).
INLINE_TYPES = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    actor = actor_of(request)
    if actor is None:
        raise Http404
    try:
        attachment = queries.get_attachment_for(actor, attachment_id)
    except NotFound as error:
        raise Http404(error.message) from error
    try:
        content = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(error.strerror) from error
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        content,
        as_attachment=not inline,
        filename=attachment.filename,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
