"""Writes for the knowledge base: articles and their revisions, links, votes, deflection.

Every change of an article's text makes a new revision; the search document is rewritten in
the same transaction (`linia.kb.search.index_article`), so a search never lags an edit.
Staff write articles (the knowledge base is a wiki for agents); requesters only read, vote and
open suggestions.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.core.errors import Conflict, Forbidden, Invalid, NotFound
from linia.directory.models import Organization
from linia.tickets.models import Ticket
from linia.tickets.queries import get_ticket_for
from linia.tickets.services import IncomingFile, validate_files
from linia.tickets.workflow import TicketStatus

from .models import (
    Article,
    ArticleAttachment,
    ArticleRevision,
    ArticleStatus,
    ArticleTicketLink,
    ArticleVote,
    KbCategory,
    LinkKind,
    SuggestionOpen,
    Tag,
    Visibility,
)
from .queries import get_article_for
from .search import index_article

TITLE_LIMIT = 250
BODY_LIMIT = 200_000
TAG_LIMIT = 60
MAX_TAGS = 20
# A requester who opened a suggestion and submits a request within this time was not deflected.
SUGGESTION_WINDOW_HOURS = 2

LANGUAGES = ("en", "ru", "uk", "pl")


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise Forbidden(_("Only staff can change the knowledge base."), code="staff_only")


def _lock_article(actor: Actor, article_id: int) -> Article:
    """The article, locked, if the actor may see it (drafts included for staff)."""
    get_article_for(actor, article_id)  # visibility: NotFound when hidden
    return Article.objects.select_for_update().get(pk=article_id)


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise Invalid(_("An article needs a title."), code="title_required")
    if len(title) > TITLE_LIMIT:
        raise Invalid(
            _("The title is too long (at most %(limit)d characters).") % {"limit": TITLE_LIMIT},
            code="title_too_long",
        )
    return title


def _clean_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "")
    if len(body) > BODY_LIMIT:
        raise Invalid(
            _("The text is too long (at most %(limit)d characters).") % {"limit": BODY_LIMIT},
            code="body_too_long",
        )
    return body


def _check_choice(value: str, allowed: Iterable[str], what: str, code: str) -> str:
    if value not in allowed:
        raise Invalid(
            _("Unknown %(what)s “%(value)s”.") % {"what": what, "value": value}, code=code
        )
    return value


def _clean_tags(tags: Iterable[str]) -> list[str]:
    names: list[str] = []
    for raw in tags:
        name = " ".join(str(raw).split()).lower()[:TAG_LIMIT]
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise Invalid(
            _("Too many tags (at most %(limit)d).") % {"limit": MAX_TAGS}, code="too_many_tags"
        )
    return names


def _set_tags(article: Article, names: list[str]) -> None:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    article.tags.set([existing[name] for name in names])


def _check_organizations(actor: Actor, organization_ids: Iterable[int]) -> list[int]:
    ids = sorted({int(pk) for pk in organization_ids})
    if not ids:
        return ids
    organizations = Organization.objects.filter(pk__in=ids)
    if not actor.sees_all_organizations:
        # organization_filter() works on a foreign key ("<field>_id"), not on the pk itself.
        organizations = organizations.filter(pk__in=sorted(actor.served_organization_ids or ()))
    found = set(organizations.values_list("pk", flat=True))
    if found != set(ids):
        raise Invalid(_("Choose organizations that you serve."), code="organization_not_served")
    return ids


def _merge_organizations(
    actor: Actor, article: Article, organization_ids: Iterable[int]
) -> list[int]:
    """The article's new organizations: an agent adds and removes only organizations they
    serve; the others already on the article stay (they cannot even see those)."""
    wanted = {int(pk) for pk in organization_ids}
    current = set(article.organizations.values_list("pk", flat=True))
    if actor.sees_all_organizations:
        return sorted(_check_organizations(actor, wanted))
    served = actor.served_organization_ids or frozenset()
    _check_organizations(actor, wanted - current)
    return sorted((wanted & served) | (current - served))


def _check_category(category_id: int | None) -> KbCategory | None:
    if category_id is None:
        return None
    category = KbCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise Invalid(_("Unknown category."), code="category_unknown")
    return category


def _save_revision(
    article: Article, actor: Actor, *, note: str = "", restored_from: int | None = None
) -> None:
    ArticleRevision.objects.create(
        article=article,
        number=article.revision_number,
        title=article.title,
        body=article.body,
        author_id=actor.user_id,
        note=note[:250],
        restored_from=restored_from,
    )


def _apply_status(article: Article, status: str) -> None:
    _check_choice(status, ArticleStatus.values, _("status"), "status_unknown")
    article.status = status
    if status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = timezone.now()


@transaction.atomic
def create_article(
    *,
    actor: Actor,
    title: str,
    body: str = "",
    language: str = "en",
    visibility: str = Visibility.INTERNAL,
    status: str = ArticleStatus.DRAFT,
    category_id: int | None = None,
    tags: Iterable[str] = (),
    organization_ids: Iterable[int] = (),
    source_ticket_number: int | None = None,
    note: str = "",
) -> Article:
    """A new article with its first revision; linked to the ticket it documents, if any."""
    _require_staff(actor)
    if actor.user_id is None:  # the system actor writes no articles: an article has an owner
        raise Invalid(_("An article needs an owner."), code="owner_required")
    article = Article(
        title=_clean_title(title),
        body=_clean_body(body),
        language=_check_choice(language, LANGUAGES, _("language"), "language_unknown"),
        visibility=_check_choice(
            visibility, Visibility.values, _("visibility"), "visibility_unknown"
        ),
        category=_check_category(category_id),
        owner_id=actor.user_id,
    )
    organizations = _check_organizations(actor, organization_ids)
    if article.visibility == Visibility.ORGANIZATIONS and not organizations:
        raise Invalid(
            _("Choose at least one organization for an article limited to organizations."),
            code="organizations_required",
        )
    ticket: Ticket | None = None
    if source_ticket_number is not None:
        ticket = get_ticket_for(actor, source_ticket_number)
        article.source_ticket = ticket
    _apply_status(article, status)
    article.save()
    _set_tags(article, _clean_tags(tags))
    if organizations:
        article.organizations.set(organizations)
    _save_revision(article, actor, note=note)
    if ticket is not None:
        ArticleTicketLink.objects.create(
            article=article, ticket=ticket, kind=LinkKind.DOCUMENTS, created_by_id=actor.user_id
        )
    index_article(article)
    return article


_UNSET: Any = object()


@transaction.atomic
def update_article(
    *,
    actor: Actor,
    article_id: int,
    expected_revision: int | None = None,
    title: str | None = None,
    body: str | None = None,
    language: str | None = None,
    visibility: str | None = None,
    status: str | None = None,
    category_id: int | None = _UNSET,
    tags: Iterable[str] | None = None,
    organization_ids: Iterable[int] | None = None,
    note: str = "",
) -> Article:
    """Change an article; omitted fields stay. A changed title or text is a new revision.

    `expected_revision` is the revision the editor started from: when someone saved in
    between, the save is refused (Conflict) rather than silently overwriting their text.
    """
    _require_staff(actor)
    article = _lock_article(actor, article_id)
    if expected_revision is not None and expected_revision != article.revision_number:
        raise Conflict(
            _(
                "Someone saved this article while you were editing it (revision %(current)d). "
                "Reload it and apply your changes again."
            )
            % {"current": article.revision_number},
            code="stale_revision",
        )
    text_changed = False
    if title is not None:
        cleaned = _clean_title(title)
        text_changed |= cleaned != article.title
        article.title = cleaned
    if body is not None:
        cleaned = _clean_body(body)
        text_changed |= cleaned != article.body
        article.body = cleaned
    if language is not None:
        article.language = _check_choice(language, LANGUAGES, _("language"), "language_unknown")
    if visibility is not None:
        article.visibility = _check_choice(
            visibility, Visibility.values, _("visibility"), "visibility_unknown"
        )
    if category_id is not _UNSET:
        article.category = _check_category(category_id)
    if status is not None and status != article.status:
        _check_status_change(actor, article, status)
        _apply_status(article, status)
    if organization_ids is not None:
        article.organizations.set(_merge_organizations(actor, article, organization_ids))
    if article.visibility == Visibility.ORGANIZATIONS and not article.organizations.exists():
        raise Invalid(
            _("Choose at least one organization for an article limited to organizations."),
            code="organizations_required",
        )
    if text_changed:
        article.revision_number += 1
    article.save()
    if tags is not None:
        _set_tags(article, _clean_tags(tags))
    if text_changed:
        _save_revision(article, actor, note=note)
    index_article(article)
    return article


def _check_status_change(actor: Actor, article: Article, status: str) -> None:
    # Archiving hides an article from everyone's search: its owner or a manager decides.
    if status == ArticleStatus.ARCHIVED and not (
        actor.is_manager or article.owner_id == actor.user_id
    ):
        raise Forbidden(
            _("Only the article's owner or a manager can archive it."), code="archive_forbidden"
        )


def set_article_status(*, actor: Actor, article_id: int, status: str) -> Article:
    return update_article(actor=actor, article_id=article_id, status=status)


@transaction.atomic
def restore_revision(*, actor: Actor, article_id: int, number: int) -> Article:
    """Make an old revision's title and text current again, as a new revision."""
    _require_staff(actor)
    article = _lock_article(actor, article_id)
    old = article.revisions.filter(number=number).first()
    if old is None:
        raise NotFound(_("Revision not found."))
    if old.number == article.revision_number:
        raise Conflict(_("This revision is already the current one."), code="already_current")
    article.title = old.title
    article.body = old.body
    article.revision_number += 1
    article.save()
    _save_revision(
        article,
        actor,
        note=_("Restored revision %(number)d") % {"number": old.number},
        restored_from=old.number,
    )
    index_article(article)
    return article


@transaction.atomic
def mark_reviewed(*, actor: Actor, article_id: int) -> Article:
    """The owner (or a manager) confirms the article is still right."""
    _require_staff(actor)
    article = _lock_article(actor, article_id)
    if not (actor.is_manager or article.owner_id == actor.user_id):
        raise Forbidden(
            _("Only the article's owner or a manager can mark it reviewed."),
            code="review_forbidden",
        )
    article.reviewed_at = timezone.now()
    article.save(update_fields=["reviewed_at"])
    return article


@transaction.atomic
def change_owner(*, actor: Actor, article_id: int, owner_id: int) -> Article:
    from linia.accounts.models import User

    _require_staff(actor)
    article = _lock_article(actor, article_id)
    if not (actor.is_manager or article.owner_id == actor.user_id):
        raise Forbidden(
            _("Only the article's owner or a manager can hand it over."), code="owner_forbidden"
        )
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None or owner.role not in {"agent", "manager", "admin"}:
        raise Invalid(_("The new owner must be an active staff member."), code="owner_invalid")
    article.owner = owner
    article.save(update_fields=["owner", "updated_at"])
    return article


@transaction.atomic
def create_category(
    *, actor: Actor, name: str, parent_id: int | None = None, position: int = 0
) -> KbCategory:
    _require_staff(actor)
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("A category needs a name."), code="name_required")
    parent = _check_category(parent_id)
    if KbCategory.objects.filter(parent=parent, name__iexact=name).exists():
        raise Invalid(_("This category already exists."), code="name_taken")
    return KbCategory.objects.create(name=name[:120], parent=parent, position=position)


# --- reading side effects: views, votes, suggestions ------------------------------------


def record_view(*, actor: Actor, article_id: int) -> None:
    """Count one view (no lock: a lost increment under a race does not matter)."""
    get_article_for(actor, article_id)
    Article.objects.filter(pk=article_id).update(view_count=F("view_count") + 1)


@transaction.atomic
def vote(*, actor: Actor, article_id: int, helpful: bool) -> Article:
    """'Was this helpful?' — one vote per person; voting again changes the vote."""
    if actor.user_id is None:
        raise Forbidden(_("Sign in to vote."), code="sign_in_required")
    article = _lock_article(actor, article_id)
    if article.status != ArticleStatus.PUBLISHED:
        raise Conflict(_("Only published articles take votes."), code="not_published")
    previous = ArticleVote.objects.filter(article=article, user_id=actor.user_id).first()
    if previous is not None and previous.helpful == helpful:
        return article
    if previous is None:
        ArticleVote.objects.create(article=article, user_id=actor.user_id, helpful=helpful)
    else:
        previous.helpful = helpful
        previous.save(update_fields=["helpful"])
        if helpful:
            article.unhelpful_count = max(article.unhelpful_count - 1, 0)
        else:
            article.helpful_count = max(article.helpful_count - 1, 0)
    if helpful:
        article.helpful_count += 1
    else:
        article.unhelpful_count += 1
    article.save(update_fields=["helpful_count", "unhelpful_count"])
    return article


def record_suggestion_open(*, actor: Actor, article_id: int, query: str = "") -> SuggestionOpen:
    """A requester opened an article suggested while writing a request (deflection)."""
    if actor.user_id is None or not actor.is_client:
        raise Forbidden(_("Only requesters' suggestion opens are recorded."), code="client_only")
    get_article_for(actor, article_id)
    return SuggestionOpen.objects.create(
        article_id=article_id, user_id=actor.user_id, query=(query or "")[:250]
    )


def claim_suggestion_opens(*, user_id: int, ticket_id: int) -> int:
    """The requester submitted a request after all: their recent opens were not deflections.

    Called by the kb's reaction to a new ticket (handlers.py)."""
    since = timezone.now() - timedelta(hours=SUGGESTION_WINDOW_HOURS)
    return SuggestionOpen.objects.filter(
        user_id=user_id, ticket__isnull=True, opened_at__gte=since
    ).update(ticket_id=ticket_id)


# --- articles and tickets ------------------------------------------------------------------


@transaction.atomic
def link_article_to_ticket(
    *, actor: Actor, article_id: int, number: int, kind: str = LinkKind.RELATED
) -> ArticleTicketLink:
    """Show the article on the ticket and the ticket on the article (idempotent)."""
    _require_staff(actor)
    _check_choice(kind, LinkKind.values, _("link"), "link_kind_unknown")
    article = get_article_for(actor, article_id)
    ticket = get_ticket_for(actor, number)
    link = ArticleTicketLink.objects.filter(article=article, ticket=ticket).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return ArticleTicketLink.objects.create(
                article=article, ticket=ticket, kind=kind, created_by_id=actor.user_id
            )
    except IntegrityError:  # a concurrent link of the same pair
        return ArticleTicketLink.objects.get(article=article, ticket=ticket)


def draft_from_ticket(*, actor: Actor, number: int) -> dict[str, Any]:
    """The prefill of "document this solution": title, Markdown body, language, tags.

    Only for a resolved or closed ticket; reads only, the article is made by create_article.
    """
    _require_staff(actor)
    ticket = get_ticket_for(actor, number)
    if ticket.status not in {TicketStatus.RESOLVED, TicketStatus.CLOSED}:
        raise Conflict(
            _("Only a resolved or closed ticket can be documented as a solution."),
            code="ticket_not_resolved",
        )
    problem = (ticket.description or "").strip()
    resolution = (ticket.resolution or "").strip()
    body = "\n\n".join(
        part
        for part in (
            "## " + _("Problem"),
            problem or ticket.subject,
            "## " + _("Solution"),
            resolution or _("(describe the solution)"),
        )
    )
    language = ticket.requester.language if ticket.requester.language in LANGUAGES else "en"
    tags = [ticket.category.name.lower()] if ticket.category_id and ticket.category else []
    return {
        "title": ticket.subject,
        "body": body,
        "language": language,
        "tags": tags,
        "source_ticket_number": ticket.number,
    }


# --- files -----------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(*, actor: Actor, article_id: int, file: IncomingFile) -> ArticleAttachment:
    """An image or file for an article (same limits as ticket attachments)."""
    _require_staff(actor)
    article = _lock_article(actor, article_id)
    validate_files([file])
    name = get_valid_filename(file.name.replace("\\", "/").rsplit("/", 1)[-1]) or "file"
    content_type = file.content_type or mimetypes.guess_type(name)[0] or ""
    attachment = ArticleAttachment(
        article=article,
        name=name[:255],
        content_type=(content_type or "application/octet-stream")[:120],
        size=file.size,
        uploaded_by_id=actor.user_id,
    )
    attachment.file.save(name, file.content, save=False)
    attachment.save()
    return attachment


def mark_review_reminded(*, article_ids: list[int], now: datetime) -> None:
    """The owner was told these articles need a review (the weekly reminder)."""
    Article.objects.filter(pk__in=article_ids).update(review_reminded_at=now)


@transaction.atomic
def set_article_history(
    *,
    actor: Actor,
    article_id: int,
    published_at: datetime | None = None,
    reviewed_at: datetime | None = None,
    view_count: int | None = None,
) -> Article:
    """Keep what an article had in the wiki it comes from (imports, the demo): when it was
    published and last reviewed, and how often it was read, so the upkeep and most-used lists
    are right at once. Managers only; dates in the future and negative counts are refused."""
    _require_staff(actor)
    if not actor.is_manager:
        raise Forbidden(
            _("Only a manager can change an article's history."), code="history_forbidden"
        )
    now = timezone.now()
    if any(value is not None and value > now for value in (published_at, reviewed_at)):
        raise Invalid(_("An article's dates cannot be in the future."), code="date_in_future")
    if view_count is not None and view_count < 0:
        raise Invalid(_("A view count cannot be negative."), code="view_count_negative")
    article = _lock_article(actor, article_id)
    if published_at is not None:
        article.published_at = published_at
    if reviewed_at is not None:
        article.reviewed_at = reviewed_at
    if view_count is not None:
        article.view_count = view_count
    article.save(update_fields=["published_at", "reviewed_at", "view_count"])
    return article
