"""The knowledge base in the desk: list and search, article page, editor with preview,
revisions with a diff and restore, files, upkeep lists, and the panel beside a ticket.

Every read goes through linia.kb.queries / linia.kb.search (hidden article = 404); every
write is one service call. A refused save re-renders the form with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linia.core.access import Actor
from linia.core.errors import DomainError, NotFound
from linia.directory import queries as directory_queries
from linia.kb import queries, services
from linia.kb.diff import diff_texts
from linia.kb.markdown import markdown_to_text, render_markdown
from linia.kb.models import Article, ArticleStatus, KbCategory, Visibility
from linia.kb.search import ArticleHit, rank_articles, related_articles
from linia.tickets import queries as ticket_queries
from linia.tickets.search import SOLVED_STATUSES, similar_solved_tickets

from ..forms import incoming_files
from ..kb_forms import (
    ArticleForm,
    AttachmentForm,
    CategoryForm,
    KbFilterForm,
    PreviewForm,
    StatusForm,
    UseArticleForm,
)
from .attachments import attachment_response
from .base import HTMX_CONFIG, actor_of, is_htmx, staff_view

PAGE_SIZE = 25
# A search ranks at most this many hits; the list's other filters then narrow them.
SEARCH_WINDOW = 200
PANEL_ITEMS = 5
DEFLECTION_DAYS = 30
# Status buttons on the article page: (target status, label) shown when it differs.
STATUS_ACTIONS = {
    ArticleStatus.PUBLISHED: gettext_lazy("Publish"),
    ArticleStatus.DRAFT: gettext_lazy("Unpublish"),
    ArticleStatus.ARCHIVED: gettext_lazy("Archive"),
}


# --- shared pieces ------------------------------------------------------------------------


def _category_choices(categories: list[KbCategory]) -> list[tuple[int, str]]:
    """Categories as "Parent › Child" labels, in tree order."""
    by_parent: dict[int | None, list[KbCategory]] = {}
    for category in categories:
        by_parent.setdefault(category.parent_id, []).append(category)
    choices: list[tuple[int, str]] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        if depth > 10:  # a cycle made in the admin must not hang the page
            return
        for category in by_parent.get(parent_id, []):
            label = f"{prefix}{category.name}"
            choices.append((category.pk, label))
            walk(category.pk, f"{label} › ", depth + 1)

    walk(None, "", 0)
    return choices


def _served_organizations(actor: Actor) -> list[tuple[int, str]]:
    return [
        (organization.pk, organization.name)
        for organization in directory_queries.list_organizations_for(actor, active_only=False)
    ]


def _attachment_resolver(article: Article | None) -> Callable[[str], str | None]:
    """`attachment:NAME` in the Markdown → this desk's download URL (one query)."""
    if article is None:
        return lambda name: None
    files = {
        attachment.name: attachment.pk
        for attachment in article.attachments.only("id", "name").order_by("id")
    }
    return _resolver(article.pk, files)


def _resolver(article_id: int, files: dict[str, int]) -> Callable[[str], str | None]:
    def resolve(name: str) -> str | None:
        pk = files.get(name)
        return reverse("desk:kb_attachment", args=[article_id, pk]) if pk else None

    return resolve


def portal_url(request: HttpRequest, article: Article) -> str:
    """The address a requester can open; internal articles have none."""
    if article.visibility == Visibility.INTERNAL:
        return ""
    try:
        path = reverse("portal:kb-article", args=[article.pk])
    except NoReverseMatch:
        path = f"/kb/{article.pk}/"
    return request.build_absolute_uri(path)


def _refuse(request: HttpRequest, error: DomainError, article_id: int) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("desk:kb_article", article_id=article_id)


# --- list and search ---------------------------------------------------------------------


def _list_context(
    request: HttpRequest, actor: Actor, *, category_form: CategoryForm | None = None
) -> dict[str, Any]:
    categories = list(queries.list_categories())
    choices = _category_choices(categories)
    form = KbFilterForm(request.GET, categories=choices)
    filters = form.filters()
    articles = queries.list_articles_for(
        actor,
        status=filters["status"],
        category_id=filters["category_id"],
        language=filters["language"],
        tag=filters["tag"],
        owner_id=actor.user_id if filters["mine"] else None,
    )
    hits: dict[int, ArticleHit] = {}
    if filters["q"]:
        found = rank_articles(
            actor,
            filters["q"],
            limit=SEARCH_WINDOW,
            language=filters["language"],
            published_only=False,
        )
        # Which of the ranked ids the other filters keep (ids only), then the page's rows: the
        # whole window's rows, bodies and tags were ~40 ms and ~7 MB a search at 10,000
        # articles, for 25 shown.
        kept = set(
            articles.prefetch_related(None)
            .order_by()
            .filter(pk__in=[pk for pk, _score in found.ranked])
            .values_list("pk", flat=True)
        )
        page: Page[Any] = Paginator(
            [pk for pk, _ in found.ranked if pk in kept], PAGE_SIZE
        ).get_page(request.GET.get("page"))
        rows = articles.in_bulk(list(page.object_list))
        hits = found.hits(rows)
        shown = [rows[pk] for pk in hits]
    else:
        page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    return {
        "form": form,
        "page": page,
        "rows": [(article, hits.get(article.pk)) for article in shown],
        "searching": bool(filters["q"]),
        "category_form": category_form or CategoryForm(categories=choices),
        "categories": choices,
        "htmx_config": HTMX_CONFIG,
    }


@require_GET
@staff_view
def kb_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context = _list_context(request, actor)
    template = "desk/kb/list.html#results" if is_htmx(request) else "desk/kb/list.html"
    return render(request, template, context)


@require_POST
@staff_view
def category_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    choices = _category_choices(list(queries.list_categories()))
    form = CategoryForm(request.POST, categories=choices)
    message = _("Please correct the errors below.")
    status = 422
    if form.is_valid():
        try:
            category = services.create_category(
                actor=actor, name=form.cleaned_data["name"], parent_id=form.cleaned_data["parent"]
            )
        except DomainError as error:
            message, status = error.message, error.http_status
        else:
            messages.success(request, _("Category “%(name)s” created.") % {"name": category.name})
            return redirect("desk:kb")
    context = _list_context(request, actor, category_form=form)
    context["category_error"] = message
    return render(request, "desk/kb/list.html", context, status=status)


# --- the article page --------------------------------------------------------------------


def _article_context(request: HttpRequest, actor: Actor, article: Article) -> dict[str, Any]:
    attachments = list(article.attachments.select_related("uploaded_by").order_by("name", "id"))
    resolve = _resolver(article.pk, {attachment.name: attachment.pk for attachment in attachments})
    may_manage = actor.is_manager or article.owner_id == actor.user_id
    return {
        "article": article,
        "body_html": render_markdown(article.body, attachment_url=resolve),
        "links": list(queries.tickets_linked_to_article(actor, article)),
        "attachments": attachments,
        "attachment_form": AttachmentForm(),
        "status_actions": [
            (status, label)
            for status, label in STATUS_ACTIONS.items()
            if status != article.status and (status != ArticleStatus.ARCHIVED or may_manage)
        ],
        "may_review": may_manage,
        "portal_url": portal_url(request, article),
        "htmx_config": HTMX_CONFIG,
    }


@require_GET
@staff_view
def article_detail(request: HttpRequest, article_id: int) -> HttpResponse:
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    return render(request, "desk/kb/article.html", _article_context(request, actor, article))


@require_POST
@staff_view
def article_status(request: HttpRequest, article_id: int) -> HttpResponse:
    actor = actor_of(request)
    queries.get_article_for(actor, article_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
        return redirect("desk:kb_article", article_id=article_id)
    try:
        article = services.set_article_status(
            actor=actor, article_id=article_id, status=form.cleaned_data["status"]
        )
    except NotFound:
        raise
    except DomainError as error:
        return _refuse(request, error, article_id)
    messages.success(
        request, _("The article is now %(status)s.") % {"status": article.get_status_display()}
    )
    return redirect("desk:kb_article", article_id=article_id)


@require_POST
@staff_view
def article_review(request: HttpRequest, article_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        services.mark_reviewed(actor=actor, article_id=article_id)
    except NotFound:
        raise
    except DomainError as error:
        return _refuse(request, error, article_id)
    messages.success(request, _("Marked as reviewed."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("desk:kb_article", args=[article_id])
    return redirect(target)


@require_POST
@staff_view
def attachment_upload(request: HttpRequest, article_id: int) -> HttpResponse:
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    form = AttachmentForm(request.POST, request.FILES)
    error_message = ""
    status = 422
    if form.is_valid():
        try:
            attachment = services.add_attachment(
                actor=actor,
                article_id=article.pk,
                file=incoming_files([form.cleaned_data["file"]])[0],
            )
        except NotFound:
            raise
        except DomainError as error:
            error_message, status = error.message, error.http_status
        else:
            messages.success(
                request,
                _("File added. Refer to it in the text as attachment:%(name)s")
                % {"name": attachment.name},
            )
            return redirect("desk:kb_article", article_id=article.pk)
    else:
        error_message = "; ".join(str(error) for error in form.errors.get("file", [])) or _(
            "Please correct the errors below."
        )
    context = _article_context(request, actor, article)
    context["attachment_form"] = form
    context["attachment_error"] = error_message
    return render(request, "desk/kb/article.html", context, status=status)


@require_GET
@staff_view
def attachment_download(request: HttpRequest, article_id: int, attachment_id: int) -> FileResponse:
    article = queries.get_article_for(actor_of(request), article_id)
    attachment = article.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return attachment_response(
        handle, filename=attachment.name, content_type=attachment.content_type
    )


# --- the editor ---------------------------------------------------------------------------


def _article_form(actor: Actor, data: Any = None, *, initial: dict[str, Any]) -> ArticleForm:
    return ArticleForm(
        data,
        initial=initial,
        categories=_category_choices(list(queries.list_categories())),
        organizations=_served_organizations(actor),
    )


def _editor(
    request: HttpRequest,
    form: ArticleForm,
    *,
    article: Article | None,
    error: str = "",
    status: int = 200,
    source_ticket: Any = None,
) -> HttpResponse:
    context = {
        "form": form,
        "article": article,
        "error": error,
        "source_ticket": source_ticket,
        "htmx_config": HTMX_CONFIG,
    }
    return render(request, "desk/kb/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_view
def article_new(request: HttpRequest) -> HttpResponse:
    """A new article; `?ticket=N` prefills it from a solved ticket ("document this solution")."""
    actor = actor_of(request)
    source_ticket = None
    number = request.POST.get("source_ticket_number") or request.GET.get("ticket")
    if number:
        source_ticket = ticket_queries.get_ticket_for(actor, number)
    if request.method == "GET":
        initial: dict[str, Any] = {
            "language": (request.LANGUAGE_CODE or "en")[:2],
            "visibility": Visibility.INTERNAL,
            "status": ArticleStatus.DRAFT,
        }
        if source_ticket is not None:
            try:
                draft = services.draft_from_ticket(actor=actor, number=source_ticket.number)
            except NotFound:
                raise
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("desk:ticket", number=source_ticket.number)
            initial.update(draft, tags=", ".join(draft["tags"]))
        return _editor(
            request,
            _article_form(actor, initial=initial),
            article=None,
            source_ticket=source_ticket,
        )
    form = _article_form(actor, request.POST, initial={})
    if source_ticket is not None:
        try:  # the ticket may have been reopened since the editor was opened
            services.draft_from_ticket(actor=actor, number=source_ticket.number)
        except NotFound:
            raise
        except DomainError as error:
            form.is_valid()
            return _editor(
                request,
                form,
                article=None,
                error=error.message,
                status=error.http_status,
                source_ticket=source_ticket,
            )
    if not form.is_valid():
        return _editor(
            request,
            form,
            article=None,
            error=_("Please correct the errors below."),
            status=422,
            source_ticket=source_ticket,
        )
    data = form.cleaned_data
    try:
        article = services.create_article(
            actor=actor,
            title=data["title"],
            body=data["body"],
            language=data["language"],
            visibility=data["visibility"],
            status=data["status"],
            category_id=data["category"],
            tags=form.tag_names(),
            organization_ids=data["organizations"],
            source_ticket_number=source_ticket.number if source_ticket is not None else None,
            note=data["note"],
        )
    except NotFound:
        raise
    except DomainError as error:
        return _editor(
            request,
            form,
            article=None,
            error=error.message,
            status=error.http_status,
            source_ticket=source_ticket,
        )
    messages.success(request, _("Article created."))
    return redirect("desk:kb_article", article_id=article.pk)


@require_http_methods(["GET", "POST"])
@staff_view
def article_edit(request: HttpRequest, article_id: int) -> HttpResponse:
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    served = {pk for pk, _name in _served_organizations(actor)}
    current_orgs = sorted(org.pk for org in article.organizations.all() if org.pk in served)
    if request.method == "GET":
        initial = {
            "title": article.title,
            "body": article.body,
            "language": article.language,
            "category": article.category_id,
            "tags": ", ".join(tag.name for tag in article.tags.all()),
            "visibility": article.visibility,
            "organizations": current_orgs,
            "status": article.status,
            "expected_revision": article.revision_number,
        }
        return _editor(request, _article_form(actor, initial=initial), article=article)
    form = _article_form(actor, request.POST, initial={})
    if not form.is_valid():
        error = _("Please correct the errors below.")
        return _editor(request, form, article=article, error=error, status=422)
    data = form.cleaned_data
    chosen = sorted(set(data["organizations"]))
    try:
        services.update_article(
            actor=actor,
            article_id=article.pk,
            expected_revision=data["expected_revision"],
            title=data["title"],
            body=data["body"],
            language=data["language"],
            visibility=data["visibility"],
            status=data["status"],
            category_id=data["category"],
            tags=form.tag_names(),
            # Unchanged: leave alone (it may hold organizations this agent does not serve).
            organization_ids=None if chosen == current_orgs else chosen,
            note=data["note"],
        )
    except NotFound:
        raise
    except DomainError as error:
        if error.code == "stale_revision":
            fresh = queries.get_article_for(actor, article.pk)
            # Keep every typed character; the next save knowingly replaces the newer revision.
            posted = request.POST.copy()
            posted["expected_revision"] = str(fresh.revision_number)
            form = _article_form(actor, posted, initial={})
            form.is_valid()
            message = "{} {}".format(
                error.message,
                _("Your text is kept below; saving again replaces revision %(number)d.")
                % {"number": fresh.revision_number},
            )
            return _editor(request, form, article=fresh, error=message, status=409)
        return _editor(
            request, form, article=article, error=error.message, status=error.http_status
        )
    messages.success(request, _("Article saved."))
    return redirect("desk:kb_article", article_id=article.pk)


@require_POST
@staff_view
def preview(request: HttpRequest) -> HttpResponse:
    """The editor's "Preview": the server's own rendering (same sanitiser as the page)."""
    actor = actor_of(request)
    form = PreviewForm(request.POST)
    form.is_valid()
    article = None
    article_id = request.GET.get("article")
    if article_id:
        article = queries.get_article_for(actor, article_id)
    html = render_markdown(
        form.cleaned_data.get("body", ""), attachment_url=_attachment_resolver(article)
    )
    return render(request, "desk/kb/_preview.html", {"body_html": html})


# --- revisions ----------------------------------------------------------------------------


@require_GET
@staff_view
def revisions(request: HttpRequest, article_id: int) -> HttpResponse:
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    return render(
        request,
        "desk/kb/revisions.html",
        {"article": article, "revisions": list(queries.list_revisions(article))},
    )


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@require_GET
@staff_view
def revision_diff(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    """Revision `number` against `?from=` (default: the one before it)."""
    actor = actor_of(request)
    article = queries.get_article_for(actor, article_id)
    revision = queries.get_revision(article, number)
    from_number = _number(request.GET.get("from"))
    if from_number is None:
        from_number = number - 1
    base = None
    if from_number >= 1:
        base = queries.get_revision(article, from_number)
    old_title, old_body = (base.title, base.body) if base is not None else ("", "")
    return render(
        request,
        "desk/kb/diff.html",
        {
            "article": article,
            "revision": revision,
            "base": base,
            "title_lines": diff_texts(old_title, revision.title)
            if old_title != revision.title
            else [],
            "lines": diff_texts(old_body, revision.body),
            "numbers": list(range(article.revision_number, 0, -1)),
            "is_current": revision.number == article.revision_number,
        },
    )


@require_POST
@staff_view
def revision_restore(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        article = services.restore_revision(actor=actor, article_id=article_id, number=number)
    except NotFound:
        raise
    except DomainError as error:
        return _refuse(request, error, article_id)
    messages.success(
        request,
        _("Revision %(old)d restored as revision %(new)d.")
        % {"old": number, "new": article.revision_number},
    )
    return redirect("desk:kb_article", article_id=article_id)


# --- upkeep -------------------------------------------------------------------------------


@require_GET
@staff_view
def upkeep(request: HttpRequest) -> HttpResponse:
    """Needs review (an agent: own articles; a manager: all), and for managers the most
    used, the least helpful and the deflection of the last 30 days."""
    actor = actor_of(request)
    visible_ids = queries.visible_articles(actor, include_unpublished=True).values("pk")
    stale = queries.stale_articles(owner_id=None if actor.is_manager else actor.user_id).filter(
        pk__in=visible_ids
    )
    context: dict[str, Any] = {
        "stale": list(stale[:100]),
        "review_months": settings.LINIA_KB_REVIEW_MONTHS,
        "is_manager": actor.is_manager,
    }
    if actor.is_manager:
        context.update(
            most_used=list(queries.most_used_articles()),
            least_helpful=list(queries.least_helpful_articles()),
            deflection=queries.deflection_summary(
                since=timezone.now() - timedelta(days=DEFLECTION_DAYS)
            ),
            deflection_days=DEFLECTION_DAYS,
        )
    return render(request, "desk/kb/upkeep.html", context)


# --- beside a ticket ----------------------------------------------------------------------


@require_GET
@staff_view
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    """Loaded by the ticket page after it is drawn: linked and related articles, similar solved
    tickets, a small search, and "document this solution"."""
    actor = actor_of(request)
    ticket = ticket_queries.get_ticket_for(actor, number)
    if "q" in request.GET:  # the panel's own search box: only its results
        q = request.GET["q"].strip()[:200]
        hits = rank_articles(actor, q, limit=PANEL_ITEMS).with_articles().items if q else []
        found = [hit.article for hit in hits]
        context: dict[str, Any] = {"ticket": ticket, "q": q, "found": _insertable(request, found)}
        return render(request, "desk/kb/_ticket_panel.html#found", context)
    links = list(queries.articles_linked_to_ticket(actor, ticket.pk))
    linked_ids = {link.article_id for link in links}
    related = [
        hit.article
        for hit in related_articles(
            actor, f"{ticket.subject}\n{ticket.description}", limit=PANEL_ITEMS + len(linked_ids)
        )
        if hit.article.pk not in linked_ids
    ][:PANEL_ITEMS]
    return render(
        request,
        "desk/kb/_ticket_panel.html",
        {
            "ticket": ticket,
            "q": "",
            "links": [(link, _insertable(request, [link.article])[0]) for link in links],
            "related": _insertable(request, related),
            "similar": similar_solved_tickets(actor, ticket, limit=PANEL_ITEMS),
            "can_document": ticket.status in SOLVED_STATUSES,
        },
    )


def _insertable(request: HttpRequest, articles: list[Article]) -> list[dict[str, Any]]:
    """What the insert buttons put into a reply: the portal link (not for internal or
    unpublished articles, which a requester cannot open) and the plain text."""
    return [
        {
            "article": article,
            "url": portal_url(request, article)
            if article.status == ArticleStatus.PUBLISHED
            else "",
            "text": f"{article.title}\n\n{markdown_to_text(article.body)}",
        }
        for article in articles
    ]


@require_POST
@staff_view
def ticket_use_article(request: HttpRequest, number: int) -> HttpResponse:
    """An article went into a reply: the ticket and the article show each other."""
    actor = actor_of(request)
    ticket = ticket_queries.get_ticket_for(actor, number)
    form = UseArticleForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown article."), status=422)
    try:
        services.link_article_to_ticket(
            actor=actor,
            article_id=form.cleaned_data["article"],
            number=ticket.number,
            kind="used_in_reply",
        )
    except NotFound:
        raise
    except DomainError as error:
        return HttpResponse(error.message, status=error.http_status)
    return HttpResponse(status=204)
