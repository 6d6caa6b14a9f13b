"""Files of a ticket: upload, list and download (never served from a public URL)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from linia.core.errors import NotFound
from linia.tickets import queries, services
from linia.tickets.models import Attachment

from ..auth import actor_of
from ..pagination import paginate
from ..schemas.common import ERRORS, Page, PageParams, PathId, TicketNumber
from ..schemas.tickets import AttachmentOut

router = Router(tags=["attachments"])


@router.get("/tickets/{number}/attachments", response={200: Page[AttachmentOut], **ERRORS})
def list_attachments(
    request: HttpRequest, page: Query[PageParams], number: TicketNumber
) -> dict[str, Any]:
    """The ticket's files, oldest first (clients never see internal ones)."""
    actor = actor_of(request)
    ticket = queries.get_ticket_for(actor, number)
    return paginate(queries.list_ticket_attachments_for(ticket, actor), page)


@router.post("/tickets/{number}/attachments", response={201: list[AttachmentOut], **ERRORS})
def add_attachments(
    request: HttpRequest,
    number: TicketNumber,
    files: File[list[UploadedFile]],
    internal: Form[bool] = False,
) -> Status[list[Attachment]]:
    """Upload files (multipart, field `files`, repeatable). `internal` is for staff only.
    413 for a file over the size limit."""
    incoming = [
        services.IncomingFile(
            name=upload.name or "",
            content=upload,
            size=upload.size or 0,
            content_type=upload.content_type or "",
        )
        for upload in files
    ]
    stored = services.add_attachments(
        actor=actor_of(request), number=number, files=incoming, is_internal=internal
    )
    return Status(201, stored)


@router.get(
    "/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The file, as an attachment."}}},
)
def download_attachment(request: HttpRequest, attachment_id: PathId) -> FileResponse:
    """Download a file the caller may see: always as an attachment, never sniffed."""
    attachment = queries.get_attachment_for(actor_of(request), attachment_id)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise NotFound(_("Attachment not found.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
