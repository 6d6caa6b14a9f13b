"""The knowledge base: articles with revisions, categories, tags, votes and links to tickets.

Writes go through `linia.kb.services`; reads through `linia.kb.queries`, which apply the
visibility rules (`visible_articles`). The search index (`ArticleSearchDocument`) is written by
the services in the same transaction as the article, so search never lags behind an edit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal (agents only)")
    PUBLIC = "public", _("Public (all requesters)")
    ORGANIZATIONS = "organizations", _("Chosen organizations")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class KbCategory(models.Model):
    """A node of the article category tree."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    title = models.CharField(_("title"), max_length=250)
    # Markdown; rendered and sanitised for display (linia.kb.markdown).
    body = models.TextField(_("body"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    category = models.ForeignKey(
        KbCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name=_("category"),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    # Read only when visibility is "organizations".
    organizations = models.ManyToManyField(
        "directory.Organization",
        blank=True,
        related_name="kb_articles",
        verbose_name=_("organizations"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="kb_articles",
        verbose_name=_("owner"),
    )
    # The ticket whose solution this article documents ("document this solution").
    source_ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documented_in",
        verbose_name=_("documented from ticket"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # When the owner last confirmed the article is still right (upkeep: stale after N months).
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # When the owner was last told the article is stale (one reminder a week at most).
    review_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    revision_number = models.PositiveIntegerField(_("revision"), default=1)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    helpful_count = models.PositiveIntegerField(_("helpful"), default=0)
    unhelpful_count = models.PositiveIntegerField(_("not helpful"), default=0)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ArticleStatus.values), name="kb_article_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="kb_article_visibility_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "visibility"], name="kb_article_status_vis"),
            models.Index(fields=["-updated_at"], name="kb_article_updated"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleRevision(models.Model):
    """One saved state of an article; revision 1 is the first save. Never edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("title"), max_length=250)
    body = models.TextField(_("body"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("saved"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=250, blank=True)
    # Set when this revision was made by restoring an older one.
    restored_from = models.PositiveIntegerField(_("restored from revision"), null=True, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


def article_file_path(instance: ArticleAttachment, filename: str) -> str:
    return f"kb/{instance.article_id}/{filename}"


class ArticleAttachment(models.Model):
    """An image or file of an article; served only to those who may read the article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=article_file_path, max_length=300)
    name = models.CharField(_("name"), max_length=255)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")

    def __str__(self) -> str:
        return self.name


class LinkKind(models.TextChoices):
    DOCUMENTS = "documents", _("Documents the solution of")
    USED_IN_REPLY = "used_in_reply", _("Used in a reply to")
    RELATED = "related", _("Related to")


class ArticleTicketLink(models.Model):
    """An article and a ticket that show each other."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ticket_links")
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="article_links"
    )
    kind = models.CharField(max_length=16, choices=LinkKind.choices, default=LinkKind.RELATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "ticket"], name="kb_article_ticket_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} ↔ {self.ticket_id}"


class ArticleVote(models.Model):
    """'Was this helpful?': one vote per user and article (a second vote replaces the first)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    helpful = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_vote_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.user_id} {self.helpful}"


class SuggestionOpen(models.Model):
    """A requester opened a suggested article while writing a new request (deflection).

    `ticket` is filled when the same requester then submits the request; an open that stays
    without a ticket counts as a deflected request.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="suggestion_opens")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    query = models.CharField(max_length=250, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["user", "opened_at"], name="kb_suggestion_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.article_id}"


class ArticleSearchDocument(models.Model):
    """The search index row of an article: normalised terms (linia.search.normalize).

    Backend-specific full-text structures (SQLite FTS5 table, PostgreSQL GIN index) are built
    over this table by the kb migrations; see linia/search.
    """

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)

    def __str__(self) -> str:
        return str(self.article_id)
