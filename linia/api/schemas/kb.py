"""The knowledge base as the API reads and writes it: articles, revisions, categories, search.

Clients (requesters, client managers) read the same shapes, with the fields that are staff
business left empty: the owner, the source ticket, the review date, and every organization but
their own (an article limited to several organizations must not name the others).
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from linia.core.access import Actor
from linia.kb.markdown import render_markdown
from linia.kb.models import (
    Article,
    ArticleAttachment,
    ArticleRevision,
    ArticleStatus,
    ArticleTicketLink,
    LinkKind,
    Visibility,
)
from linia.kb.search import ArticleHit
from linia.kb.services import BODY_LIMIT, MAX_TAGS, TAG_LIMIT, TITLE_LIMIT

from .common import MAX_ID, Id, InputSchema, NamedRef

# The languages an article may be written in (kb.services.LANGUAGES; a test keeps them in step).
Language = Literal["en", "ru", "uk", "pl"]
NOTE_LIMIT = 250
QUERY_LIMIT = 200


def _actor(context: Any) -> Actor | None:
    request = (context or {}).get("request")
    actor = getattr(request, "auth", None)
    return actor if isinstance(actor, Actor) else None


def _is_staff(context: Any) -> bool:
    actor = _actor(context)
    return actor is not None and actor.is_staff


def _article_url(article_id: int) -> str:
    return reverse("api:get_kb_article", kwargs={"article_id": article_id})


def _attachment_url(attachment: ArticleAttachment) -> str:
    return reverse(
        "api:download_kb_attachment",
        kwargs={"article_id": attachment.article_id, "attachment_id": attachment.pk},
    )


# --- input ---------------------------------------------------------------------------------


def _check_tags(value: list[str] | None) -> list[str] | None:
    if value is None:
        return value
    if any(len(tag) > TAG_LIMIT for tag in value):
        raise ValueError(_("A tag has at most %(limit)d characters") % {"limit": TAG_LIMIT})
    if any("\x00" in tag for tag in value):
        raise ValueError(_("NUL characters are not allowed"))
    return value


class ArticleIn(InputSchema):
    title: str = Field(max_length=TITLE_LIMIT)
    body: str = Field("", max_length=BODY_LIMIT, description="Markdown.")
    language: Language = "en"
    visibility: Visibility = Field(
        Visibility.INTERNAL,
        description="internal: staff only; public: every requester; organizations: the "
        "requesters of `organizations` (staff serving them see it too).",
    )
    status: Literal["draft", "published"] = "draft"
    category: Id | None = None
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    organizations: list[Id] = Field(
        default_factory=list,
        max_length=1000,
        description="Organization ids; required for visibility `organizations`.",
    )
    source_ticket: int | None = Field(
        None, ge=1, le=MAX_ID, description="The ticket whose solution this article documents."
    )
    note: str = Field("", max_length=NOTE_LIMIT, description="A note on the first revision.")

    @field_validator("tags")
    @classmethod
    def _tag_length(cls, value: list[str] | None) -> list[str] | None:
        return _check_tags(value)


class ArticlePatch(InputSchema):
    """Staff only. Omitted fields stay as they are; `category: null` clears the category.
    A changed title or body is a new revision. Archive with `status: "archived"` (there is
    no hard delete)."""

    expected_revision: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="The revision your edit starts from: 409 `stale_revision` if someone "
        "saved a newer one since.",
    )
    title: str | None = Field(None, max_length=TITLE_LIMIT)
    body: str | None = Field(None, max_length=BODY_LIMIT)
    language: Language | None = None
    visibility: Visibility | None = None
    status: ArticleStatus | None = None
    category: Id | None = None
    tags: list[str] | None = Field(None, max_length=MAX_TAGS)
    organizations: list[Id] | None = Field(None, max_length=1000)
    note: str = Field("", max_length=NOTE_LIMIT, description="A note on the new revision.")

    @field_validator("tags")
    @classmethod
    def _tag_length(cls, value: list[str] | None) -> list[str] | None:
        return _check_tags(value)

    def changes(self) -> dict[str, Any]:
        """Keyword arguments of kb.services.update_article for the fields that were sent."""
        given = self.model_fields_set
        data: dict[str, Any] = {"note": self.note}
        for name in ("expected_revision", "title", "body", "language", "tags"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.visibility is not None:
            data["visibility"] = self.visibility.value
        if self.status is not None:
            data["status"] = self.status.value
        if self.organizations is not None:
            data["organization_ids"] = self.organizations
        if "category" in given:
            data["category_id"] = self.category
        return data


class ArticleFilters(Schema):
    status: ArticleStatus | None = Field(
        None, description="Staff: any; clients only ever get published articles."
    )
    language: Language | None = None
    category: Id | None = None
    tag: str = Field("", max_length=TAG_LIMIT, pattern=r"^[^\x00]*$")
    visibility: Visibility | None = None
    owner: Id | None = None


class VoteIn(InputSchema):
    helpful: bool


class LinkIn(InputSchema):
    ticket: int = Field(ge=1, le=MAX_ID, description="The ticket number.")
    kind: LinkKind = LinkKind.RELATED


class CategoryIn(InputSchema):
    name: str = Field(max_length=120)
    parent: Id | None = None
    position: int = Field(0, ge=0, le=10**6)


class SearchParams(Schema):
    q: str = Field(min_length=1, max_length=QUERY_LIMIT, pattern=r"^[^\x00]*$")
    language: Language | None = None
    limit: int = Field(10, ge=1, description="Capped at settings.LINIA_API_MAX_PAGE_SIZE.")
    offset: int = Field(0, ge=0, le=10_000)
    include_unpublished: bool = Field(
        False, description="Staff: drafts and archived articles too (ignored for clients)."
    )


# --- output --------------------------------------------------------------------------------


class ArticleSummaryOut(Schema):
    """An article in a list (without its body)."""

    id: int
    title: str
    language: str
    visibility: Visibility
    status: ArticleStatus
    category: NamedRef | None
    tags: list[str]
    organizations: list[NamedRef] = Field(
        description="For visibility `organizations`: the chosen ones (clients: only their own)."
    )
    owner: NamedRef | None = Field(description="Staff only (null for clients).")
    revision: int = Field(validation_alias="revision_number")
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    helpful_count: int
    unhelpful_count: int
    view_count: int
    url: str

    @staticmethod
    def resolve_tags(article: Article) -> list[str]:
        return [tag.name for tag in article.tags.all()]

    @staticmethod
    def resolve_organizations(article: Article, context: Any) -> list[dict[str, Any]]:
        actor = _actor(context)
        return [
            {"id": organization.pk, "name": organization.name}
            for organization in article.organizations.all()
            if actor is not None and (actor.is_staff or organization.pk == actor.organization_id)
        ]

    @staticmethod
    def resolve_owner(article: Article, context: Any) -> dict[str, Any] | None:
        if not _is_staff(context):
            return None
        return {"id": article.owner_id, "name": article.owner.display_name}

    @staticmethod
    def resolve_url(article: Article) -> str:
        return _article_url(article.pk)


class ArticleOut(ArticleSummaryOut):
    """One article: the Markdown body and its rendered, sanitised HTML."""

    body: str
    body_html: str
    source_ticket: int | None = Field(description="Staff only: the ticket it documents.")
    reviewed_at: datetime | None = Field(description="Staff only.")

    @staticmethod
    def resolve_body_html(article: Article) -> str:
        # `attachment:NAME` in the Markdown points at the article's file of that name.
        urls = {
            attachment.name: _attachment_url(attachment) for attachment in article.attachments.all()
        }
        return render_markdown(article.body, attachment_url=urls.get)

    @staticmethod
    def resolve_source_ticket(article: Article, context: Any) -> int | None:
        if not _is_staff(context) or article.source_ticket is None:
            return None
        return article.source_ticket.number

    @staticmethod
    def resolve_reviewed_at(article: Article, context: Any) -> datetime | None:
        return article.reviewed_at if _is_staff(context) else None


class RevisionOut(Schema):
    number: int
    title: str
    author: NamedRef | None
    note: str
    restored_from: int | None
    created_at: datetime

    @staticmethod
    def resolve_author(revision: ArticleRevision) -> dict[str, Any] | None:
        if revision.author is None:
            return None
        return {"id": revision.author.pk, "name": revision.author.display_name}


class RevisionDetailOut(RevisionOut):
    body: str
    body_html: str

    @staticmethod
    def resolve_body_html(revision: ArticleRevision) -> str:
        return render_markdown(revision.body)


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="Refer to it in the body as `attachment:NAME`.")
    content_type: str
    size: int
    created_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(attachment: ArticleAttachment) -> str:
        return _attachment_url(attachment)


class VoteOut(Schema):
    id: int
    helpful: bool
    helpful_count: int
    unhelpful_count: int


class LinkOut(Schema):
    article: int = Field(validation_alias="article_id")
    ticket: int = Field(description="The ticket number.")
    kind: LinkKind
    created_at: datetime

    @staticmethod
    def resolve_ticket(link: ArticleTicketLink) -> int:
        return link.ticket.number


class CategoryOut(Schema):
    id: int
    name: str
    parent: int | None = Field(validation_alias="parent_id")
    position: int


_MARK = re.compile(r"</?mark>")


class SearchHitOut(Schema):
    id: int
    title: str
    title_html: str = Field(description="The title, HTML-escaped, query words in <mark>.")
    snippet: str = Field(description="Plain text around the best match.")
    snippet_html: str = Field(description="The snippet, HTML-escaped, query words in <mark>.")
    language: str
    visibility: Visibility
    status: ArticleStatus
    rank: float = Field(description="Higher is better; only comparable within one search.")
    url: str

    @staticmethod
    def from_hit(hit: ArticleHit) -> SearchHitOut:
        article = hit.article
        return SearchHitOut(
            id=article.pk,
            title=article.title,
            title_html=hit.title_html,
            snippet=unescape(_MARK.sub("", hit.snippet_html)),
            snippet_html=hit.snippet_html,
            language=article.language,
            visibility=Visibility(article.visibility),
            status=ArticleStatus(article.status),
            rank=hit.rank,
            url=_article_url(article.pk),
        )


class SearchOut(Schema):
    items: list[SearchHitOut]
    total: int = Field(description="How many articles the caller may read match in all.")
