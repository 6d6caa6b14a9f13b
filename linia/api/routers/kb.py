"""The knowledge base: articles with their revisions, votes and ticket links, categories, and
search. Staff write; everyone reads what `linia.kb.queries.visible_articles` gives them, and an
article one may not read answers 404 exactly like one that does not exist."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from linia.core.access import Actor
from linia.core.errors import Forbidden, NotFound
from linia.kb import queries, search, services
from linia.kb.models import (
    Article,
    ArticleAttachment,
    ArticleRevision,
    ArticleTicketLink,
    KbCategory,
)
from linia.tickets.services import IncomingFile

from ..auth import actor_of
from ..pagination import paginate
from ..schemas.common import ERRORS, Page, PageParams, PathId
from ..schemas.kb import (
    ArticleFilters,
    ArticleIn,
    ArticleOut,
    ArticlePatch,
    ArticleSummaryOut,
    AttachmentOut,
    CategoryIn,
    CategoryOut,
    LinkIn,
    LinkOut,
    RevisionDetailOut,
    RevisionOut,
    SearchHitOut,
    SearchOut,
    SearchParams,
    VoteIn,
    VoteOut,
)

router = Router(tags=["knowledge base"])

RevisionNumber = PathId


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only staff can change the knowledge base."), code="staff_only")


# --- articles --------------------------------------------------------------------------------


@router.get("/kb/articles", response={200: Page[ArticleSummaryOut], **ERRORS})
def list_kb_articles(
    request: HttpRequest, filters: Query[ArticleFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The articles the caller may read, most recently changed first. Staff also get drafts
    and archived articles; clients only published ones."""
    articles = queries.list_articles_for(
        actor_of(request),
        status=filters.status,
        category_id=filters.category,
        language=filters.language,
        tag=filters.tag.strip().lower() or None,
        owner_id=filters.owner,
    ).prefetch_related("organizations")
    if filters.visibility is not None:
        articles = articles.filter(visibility=filters.visibility)
    return paginate(articles, page)


@router.post("/kb/articles", response={201: ArticleOut, **ERRORS})
def create_kb_article(request: HttpRequest, payload: ArticleIn) -> Status[Article]:
    """Staff only (403 for clients). The first revision is saved with the article."""
    actor = actor_of(request)
    article = services.create_article(
        actor=actor,
        title=payload.title,
        body=payload.body,
        language=payload.language,
        visibility=payload.visibility.value,
        status=payload.status,
        category_id=payload.category,
        tags=payload.tags,
        organization_ids=payload.organizations,
        source_ticket_number=payload.source_ticket,
        note=payload.note,
    )
    return Status(201, queries.get_article_for(actor, article.pk))


@router.get("/kb/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def get_kb_article(request: HttpRequest, article_id: PathId) -> Article:
    """One article with its Markdown `body` and the rendered, sanitised `body_html`."""
    return queries.get_article_for(actor_of(request), article_id)


@router.patch("/kb/articles/{article_id}", response={200: ArticleOut, **ERRORS})
def update_kb_article(request: HttpRequest, payload: ArticlePatch, article_id: PathId) -> Article:
    """Staff only. Send `expected_revision` (the `revision` you started from) to be told with
    409 `stale_revision`, rather than overwrite, when someone saved in between. Archiving
    (`status: "archived"`) is for the owner or a manager."""
    actor = actor_of(request)
    services.update_article(actor=actor, article_id=article_id, **payload.changes())
    return queries.get_article_for(actor, article_id)


# --- revisions -------------------------------------------------------------------------------


def _article_for_history(request: HttpRequest, article_id: int) -> Article:
    # 404 first for an article the caller may not read, then 403 for a client.
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    _require_staff(actor)
    return article


@router.get("/kb/articles/{article_id}/revisions", response={200: Page[RevisionOut], **ERRORS})
def list_kb_revisions(
    request: HttpRequest, page: Query[PageParams], article_id: PathId
) -> dict[str, Any]:
    """Staff only: the article's revisions, newest first."""
    return paginate(queries.list_revisions(_article_for_history(request, article_id)), page)


@router.get(
    "/kb/articles/{article_id}/revisions/{number}",
    response={200: RevisionDetailOut, **ERRORS},
)
def get_kb_revision(
    request: HttpRequest, article_id: PathId, number: RevisionNumber
) -> ArticleRevision:
    """Staff only: one revision's title and body."""
    return queries.get_revision(_article_for_history(request, article_id), number)


@router.post(
    "/kb/articles/{article_id}/revisions/{number}/restore",
    response={200: ArticleOut, **ERRORS},
)
def restore_kb_revision(
    request: HttpRequest, article_id: PathId, number: RevisionNumber
) -> Article:
    """Staff only: make an old revision's title and body current again, as a new revision
    (409 `already_current` for the current one)."""
    actor = actor_of(request)
    services.restore_revision(actor=actor, article_id=article_id, number=number)
    return queries.get_article_for(actor, article_id)


# --- files ------------------------------------------------------------------------------------


@router.get("/kb/articles/{article_id}/attachments", response={200: list[AttachmentOut], **ERRORS})
def list_kb_attachments(request: HttpRequest, article_id: PathId) -> list[ArticleAttachment]:
    """The article's images and files, by name."""
    article = queries.get_article_for(actor_of(request), article_id)
    return list(article.attachments.order_by("name", "id"))


@router.post("/kb/articles/{article_id}/attachments", response={201: AttachmentOut, **ERRORS})
def add_kb_attachment(
    request: HttpRequest, article_id: PathId, file: File[UploadedFile]
) -> Status[ArticleAttachment]:
    """Staff only: upload an image or file (multipart, field `file`; 413 over the size
    limit). Show it in the body with `![text](attachment:NAME)` or `[text](attachment:NAME)`."""
    attachment = services.add_attachment(
        actor=actor_of(request),
        article_id=article_id,
        file=IncomingFile(
            name=file.name or "",
            content=file,
            size=file.size or 0,
            content_type=file.content_type or "",
        ),
    )
    return Status(201, attachment)


@router.get(
    "/kb/articles/{article_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The file, as an attachment."}}},
)
def download_kb_attachment(
    request: HttpRequest, article_id: PathId, attachment_id: PathId
) -> FileResponse:
    """Download a file of an article the caller may read: always as an attachment."""
    article = queries.get_article_for(actor_of(request), article_id)
    attachment = article.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise NotFound(_("Attachment not found.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- feedback and links ----------------------------------------------------------------------


@router.post("/kb/articles/{article_id}/vote", response={200: VoteOut, **ERRORS})
def vote_kb_article(request: HttpRequest, payload: VoteIn, article_id: PathId) -> dict[str, Any]:
    """ "Was this helpful?": one vote per person, voting again changes it (409 for an
    unpublished article)."""
    article = services.vote(actor=actor_of(request), article_id=article_id, helpful=payload.helpful)
    return {
        "id": article.pk,
        "helpful": payload.helpful,
        "helpful_count": article.helpful_count,
        "unhelpful_count": article.unhelpful_count,
    }


@router.get("/kb/articles/{article_id}/links", response={200: Page[LinkOut], **ERRORS})
def list_kb_links(
    request: HttpRequest, page: Query[PageParams], article_id: PathId
) -> dict[str, Any]:
    """The tickets the article is linked to, among those the caller may see."""
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    return paginate(queries.tickets_linked_to_article(actor, article), page)


@router.post("/kb/articles/{article_id}/links", response={201: LinkOut, **ERRORS})
def link_kb_article(
    request: HttpRequest, payload: LinkIn, article_id: PathId
) -> Status[ArticleTicketLink]:
    """Staff only: show the article on the ticket and the ticket on the article (linking the
    same pair again returns the existing link)."""
    link = services.link_article_to_ticket(
        actor=actor_of(request),
        article_id=article_id,
        number=payload.ticket,
        kind=payload.kind.value,
    )
    return Status(201, link)


# --- categories ------------------------------------------------------------------------------


@router.get("/kb/categories", response={200: list[CategoryOut], **ERRORS})
def list_kb_categories(request: HttpRequest) -> list[KbCategory]:
    """The whole category tree, flat (`parent` is the id of the parent category)."""
    actor_of(request)
    return list(queries.list_categories())


@router.post("/kb/categories", response={201: CategoryOut, **ERRORS})
def create_kb_category(request: HttpRequest, payload: CategoryIn) -> Status[KbCategory]:
    """Staff only."""
    category = services.create_category(
        actor=actor_of(request),
        name=payload.name,
        parent_id=payload.parent,
        position=payload.position,
    )
    return Status(201, category)


# --- search ----------------------------------------------------------------------------------


@router.get("/kb/search", response={200: SearchOut, **ERRORS})
def search_kb(request: HttpRequest, params: Query[SearchParams]) -> SearchOut:
    """Articles the caller may read that match `q`, best first: every word in any inflected
    form (typos in short queries are corrected), or any word when nothing has them all.
    `total` counts only what the caller may read."""
    actor = actor_of(request)
    page = search.rank_articles(
        actor,
        params.q,
        limit=min(params.limit, settings.LINIA_API_MAX_PAGE_SIZE),
        offset=params.offset,
        language=params.language,
        published_only=not (params.include_unpublished and actor.is_staff),
    ).with_articles()
    return SearchOut(items=[SearchHitOut.from_hit(hit) for hit in page.items], total=page.total)
