"""Attachment downloads, through the same visibility rule as the ticket page."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from linia.tickets import queries

from .base import actor_of, staff_view

# Shown in the browser; everything else (including SVG and HTML) is downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def attachment_response(
    attachment_file: object, *, filename: str, content_type: str
) -> FileResponse:
    inline = content_type in INLINE_TYPES
    response = FileResponse(
        attachment_file,
        as_attachment=not inline,
        filename=filename,
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_view
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = queries.get_attachment_for(actor_of(request), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return attachment_response(
        handle, filename=attachment.filename, content_type=attachment.content_type
    )
