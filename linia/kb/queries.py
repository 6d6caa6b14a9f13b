"""Reads for the knowledge base. Every read starts from `visible_articles(actor)`."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from linia.core.access import Actor
from linia.core.errors import NotFound

from .models import (
    Article,
    ArticleRevision,
    ArticleStatus,
    ArticleTicketLink,
    KbCategory,
    SuggestionOpen,
    Visibility,
)

# --- visibility (the search module applies the same condition inside its SQL) -------------


def article_visibility_q(actor: Actor, *, include_unpublished: bool = False) -> Q:
    """Which articles `actor` may read.

    Clients: published articles that are public, or limited to their organization. Staff:
    internal and public articles, and those limited to organizations they serve; drafts and
    archived ones too when `include_unpublished` (the desk's lists and editor).
    """
    if actor.is_client:
        if actor.organization_id is None:
            return Q(pk__in=[])
        return Q(status=ArticleStatus.PUBLISHED) & (
            Q(visibility=Visibility.PUBLIC)
            | Q(
                visibility=Visibility.ORGANIZATIONS,
                pk__in=Article.organizations.through.objects.filter(
                    organization_id=actor.organization_id
                ).values("article_id"),
            )
        )
    if not actor.is_staff:
        return Q(pk__in=[])
    condition = Q()
    if not actor.sees_all_organizations:
        served = actor.served_organization_ids or frozenset()
        condition = ~Q(visibility=Visibility.ORGANIZATIONS) | Q(
            pk__in=Article.organizations.through.objects.filter(organization_id__in=served).values(
                "article_id"
            )
        )
    if not include_unpublished:
        condition &= Q(status=ArticleStatus.PUBLISHED)
    return condition


def visible_articles(actor: Actor, *, include_unpublished: bool = False) -> QuerySet[Article]:
    return Article.objects.filter(
        article_visibility_q(actor, include_unpublished=include_unpublished)
    )


def get_article_for(actor: Actor, article_id: int | str) -> Article:
    """The article if `actor` may read it (staff: drafts too), else NotFound."""
    try:
        pk = int(article_id)
    except (TypeError, ValueError):
        raise NotFound(_not_found()) from None
    article = (
        visible_articles(actor, include_unpublished=actor.is_staff)
        .select_related("category", "owner", "source_ticket")
        .prefetch_related("tags", "organizations")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise NotFound(_not_found())
    return article


def _not_found() -> str:
    return gettext("Article not found.")


# --- lists ----------------------------------------------------------------------------------


def list_articles_for(
    actor: Actor,
    *,
    status: str | None = None,
    category_id: int | None = None,
    language: str | None = None,
    tag: str | None = None,
    owner_id: int | None = None,
) -> QuerySet[Article]:
    """Articles for a list page, newest change first; staff also get drafts and archived."""
    articles = visible_articles(actor, include_unpublished=actor.is_staff)
    if status:
        articles = articles.filter(status=status)
    if category_id:
        articles = articles.filter(category_id=category_id)
    if language:
        articles = articles.filter(language=language)
    if tag:
        articles = articles.filter(tags__name=tag)
    if owner_id:
        articles = articles.filter(owner_id=owner_id)
    return (
        articles.select_related("category", "owner")
        .prefetch_related("tags")
        .order_by("-updated_at", "-id")
    )


def list_categories() -> QuerySet[KbCategory]:
    return KbCategory.objects.select_related("parent").order_by("position", "name")


def list_revisions(article: Article) -> QuerySet[ArticleRevision]:
    return article.revisions.select_related("author").order_by("-number")


def get_revision(article: Article, number: int) -> ArticleRevision:
    revision = article.revisions.select_related("author").filter(number=number).first()
    if revision is None:
        raise NotFound(_not_found())
    return revision


def articles_linked_to_ticket(actor: Actor, ticket_id: int) -> QuerySet[ArticleTicketLink]:
    """The ticket's article links the actor may see (for the ticket screen)."""
    return (
        ArticleTicketLink.objects.filter(
            ticket_id=ticket_id,
            article__in=visible_articles(actor, include_unpublished=actor.is_staff),
        )
        .select_related("article")
        .order_by("-created_at")
    )


def tickets_linked_to_article(actor: Actor, article: Article) -> QuerySet[ArticleTicketLink]:
    """The article's ticket links whose tickets the actor may see."""
    from linia.tickets.queries import visible_tickets

    return (
        ArticleTicketLink.objects.filter(article=article, ticket__in=visible_tickets(actor))
        .select_related("ticket")
        .order_by("-created_at")
    )


# --- upkeep and the manager's lists --------------------------------------------------------


def stale_articles(
    *, owner_id: int | None = None, now: datetime | None = None
) -> QuerySet[Article]:
    """Published articles not reviewed (or, never reviewed, not published) for
    LINIA_KB_REVIEW_MONTHS months."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=30 * settings.LINIA_KB_REVIEW_MONTHS)
    articles = Article.objects.filter(status=ArticleStatus.PUBLISHED).filter(
        Q(reviewed_at__lt=cutoff)
        | Q(reviewed_at__isnull=True, published_at__lt=cutoff)
        | Q(reviewed_at__isnull=True, published_at__isnull=True, updated_at__lt=cutoff)
    )
    if owner_id is not None:
        articles = articles.filter(owner_id=owner_id)
    # Longest unchecked first; one Coalesce rather than ordering by nullable columns, whose
    # NULLs sort first on SQLite and last on PostgreSQL.
    return (
        articles.select_related("owner")
        .annotate(last_checked=Coalesce("reviewed_at", "published_at", "updated_at"))
        .order_by("last_checked", "id")
    )


def most_used_articles(limit: int = 10) -> QuerySet[Article]:
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .annotate(links=Count("ticket_links"))
        .select_related("owner")
        .order_by("-view_count", "-links", "id")[:limit]
    )


def least_helpful_articles(*, limit: int = 10, min_votes: int = 3) -> QuerySet[Article]:
    """Published articles with at least `min_votes` votes, most "not helpful" share first."""
    return (
        Article.objects.filter(status=ArticleStatus.PUBLISHED)
        .annotate(total_votes=F("helpful_count") + F("unhelpful_count"))
        .filter(total_votes__gte=min_votes)
        .select_related("owner")
        .order_by(
            (F("unhelpful_count") * 1000 / F("total_votes")).desc(),
            "-unhelpful_count",
            "id",
        )[:limit]
    )


def deflection_summary(*, since: datetime | None = None) -> dict[str, int]:
    """Suggested articles opened by requesters writing a request, and how many of those
    requesters then did not submit (deflected)."""
    opens = SuggestionOpen.objects.all()
    if since is not None:
        opens = opens.filter(opened_at__gte=since)
    totals = opens.aggregate(
        opened=Count("id"), submitted=Count("id", filter=Q(ticket__isnull=False))
    )
    opened = totals["opened"] or 0
    submitted = totals["submitted"] or 0
    return {"opened": opened, "submitted": submitted, "deflected": opened - submitted}


def with_article_page_data(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.select_related("category", "owner").prefetch_related(
        "tags", Prefetch("organizations")
    )


def vote_of(actor: Actor, article: Article) -> bool | None:
    """The actor's "was this helpful?" answer on the article, None when they have not voted."""
    if actor.user_id is None:
        return None
    from .models import ArticleVote

    return (
        ArticleVote.objects.filter(article=article, user_id=actor.user_id)
        .values_list("helpful", flat=True)
        .first()
    )
