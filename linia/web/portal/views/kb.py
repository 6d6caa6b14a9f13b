"""The help articles of the portal: the FAQ, one article with its files and votes, and the
suggestions shown while a request is being written.

Only signed-in clients read here: "public" articles are public to every requester (issue #6),
not to the whole internet, so anonymous visitors are sent to the log-in page like on every other
portal page. Every read starts from `linia.kb.queries.visible_articles(actor)`; a hidden article,
or a file of one, is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linia.core.access import Actor
from linia.core.errors import DomainError, NotFound
from linia.kb import queries, services
from linia.kb.markdown import render_markdown
from linia.kb.models import Article, KbCategory
from linia.kb.search import rank_articles

from .attachments import INLINE_TYPES
from .base import actor_of, client_view

# Articles listed under each category on the FAQ page (the category page lists them all).
ARTICLES_PER_CATEGORY = 5
MOST_VIEWED = 5
PAGE_SIZE = 20
# Suggestions while a request is written: the shortest query worth searching, how many are
# shown, and how much of the typed text is sent to the search.
SUGGEST_MIN_CHARS = 3
SUGGEST_LIMIT = 5
QUERY_MAX_CHARS = 200


@dataclass
class CategoryNode:
    """A category of the FAQ with the articles the reader may see in it (and below it)."""

    category: KbCategory
    depth: int
    count: int = 0  # articles directly in this category
    total: int = 0  # articles here and in every subcategory
    articles: list[Article] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.articles)


def _clean_query(value: str | None) -> str:
    return " ".join((value or "").split())[:QUERY_MAX_CHARS]


def _get_article(actor: Actor, article_id: int) -> Article:
    try:
        return queries.get_article_for(actor, article_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _tree(categories: list[KbCategory]) -> list[tuple[KbCategory, int]]:
    """The categories in tree order (parents before children) with their depth."""
    children: dict[int | None, list[KbCategory]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    ordered: list[tuple[KbCategory, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for category in children.get(parent_id, []):
            ordered.append((category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def _category_nodes(actor: Actor) -> tuple[list[CategoryNode], list[Article], int]:
    """The FAQ: the categories that hold readable articles, each with its first articles, the
    uncategorised articles, and how many of those there are. Three queries at any size."""
    visible = queries.visible_articles(actor)
    counts: dict[int | None, int] = dict(
        visible.order_by()
        .values_list("category_id")
        .annotate(count=Count("id"))
        .values_list("category_id", "count")
    )
    first = (
        visible.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("category_id")],
                order_by=[F("view_count").desc(), F("title").asc(), F("id").asc()],
            )
        )
        .filter(position__lte=ARTICLES_PER_CATEGORY)
        .only("id", "title", "language", "category_id", "view_count")
        .order_by("category_id", "position")
    )
    by_category: dict[int | None, list[Article]] = {}
    for article in first:
        by_category.setdefault(article.category_id, []).append(article)
    nodes = [
        CategoryNode(
            category=category,
            depth=depth,
            count=counts.get(category.pk, 0),
            articles=by_category.get(category.pk, []),
        )
        for category, depth in _tree(list(queries.list_categories()))
    ]
    # Subtree totals (children come after their parent, so walk backwards). Categories with
    # nothing readable are left out: neither their names nor hidden articles reach the reader.
    by_pk = {node.category.pk: node for node in nodes}
    for node in nodes:
        node.total += node.count
    for node in reversed(nodes):
        parent = by_pk.get(node.category.parent_id) if node.category.parent_id else None
        if parent is not None:
            parent.total += node.total
    return (
        [node for node in nodes if node.total],
        by_category.get(None, []),
        counts.get(None, 0),
    )


@client_view
def kb_index(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The FAQ: a search box; the results of a search, or the categories and the most read."""
    q = _clean_query(request.GET.get("q"))
    context: dict[str, object] = {"q": q}
    if q:
        page_number = _page_number(request.GET.get("page"))
        results = rank_articles(
            actor, q, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
        ).with_articles()
        context.update(
            results=results.items,
            total=results.total,
            page_number=page_number,
            previous_url=_search_url(q, page_number - 1) if page_number > 1 else "",
            next_url=_search_url(q, page_number + 1)
            if page_number * PAGE_SIZE < results.total
            else "",
        )
    else:
        nodes, uncategorised, uncategorised_count = _category_nodes(actor)
        most_viewed = list(
            queries.visible_articles(actor)
            .filter(view_count__gt=0)
            .only("id", "title", "language", "view_count")
            .order_by("-view_count", "title", "id")[:MOST_VIEWED]
        )
        context.update(
            nodes=nodes,
            uncategorised=uncategorised,
            uncategorised_more=uncategorised_count > len(uncategorised),
            most_viewed=most_viewed,
        )
    return render(request, "portal/kb/index.html", context)


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def _search_url(q: str, page: int) -> str:
    return f"{reverse('portal:kb')}?{urlencode({'q': q, 'page': page})}"


@client_view
def kb_category(request: HttpRequest, actor: Actor, category_id: int) -> HttpResponse:
    """One category: its subcategories and all its articles, by title."""
    nodes, _uncategorised, _count = _category_nodes(actor)
    index = next((i for i, node in enumerate(nodes) if node.category.pk == category_id), None)
    if index is None:
        raise Http404
    node = nodes[index]
    ancestors: list[CategoryNode] = []
    for candidate in reversed(nodes[:index]):
        if candidate.depth < (ancestors[-1].depth if ancestors else node.depth):
            ancestors.append(candidate)
    subcategories = []
    for candidate in nodes[index + 1 :]:
        if candidate.depth <= node.depth:
            break
        if candidate.depth == node.depth + 1:
            subcategories.append(candidate)
    articles = (
        queries.visible_articles(actor)
        .filter(category_id=category_id)
        .only("id", "title", "language", "view_count")
        .order_by("title", "id")
    )
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "node": node,
        "ancestors": list(reversed(ancestors)),
        "subcategories": subcategories,
        "page": page,
    }
    return render(request, "portal/kb/category.html", context)


@client_view
def kb_article(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    """One article. Opening it from the suggestions of a new request is recorded (deflection)."""
    article = _get_article(actor, article_id)
    services.record_view(actor=actor, article_id=article.pk)
    from_suggestion = request.GET.get("from") == "suggest"
    if from_suggestion:
        services.record_suggestion_open(
            actor=actor, article_id=article.pk, query=_clean_query(request.GET.get("q"))
        )
    files = list(article.attachments.order_by("name", "id"))
    urls = {
        attachment.name: reverse("portal:kb-file", args=[article.pk, attachment.pk])
        for attachment in files
    }
    context = {
        "article": article,
        "body_html": render_markdown(article.body, attachment_url=urls.get),
        "files": files,
        "from_suggestion": from_suggestion,
        # This view is counted already (record_view updates the row, not `article`).
        "views": article.view_count + 1,
        **_vote_context(actor, article),
    }
    return render(request, "portal/kb/article.html", context)


def _vote_context(actor: Actor, article: Article, error: str = "") -> dict[str, object]:
    return {"article": article, "my_vote": queries.vote_of(actor, article), "vote_error": error}


@require_POST
@client_view
def kb_vote(request: HttpRequest, actor: Actor, article_id: int) -> HttpResponse:
    """ "Was this helpful?": yes or no; voting again changes the vote."""
    article = _get_article(actor, article_id)
    answer = request.POST.get("helpful")
    status = 200
    error = ""
    if answer not in {"yes", "no"}:
        error, status = _("Choose “Yes” or “No”."), 422
    else:
        try:
            article = services.vote(actor=actor, article_id=article.pk, helpful=answer == "yes")
        except NotFound as failure:
            raise Http404(failure.message) from failure
        except DomainError as failure:
            error, status = failure.message, failure.http_status
    if not getattr(request, "htmx", False):
        return redirect(reverse("portal:kb-article", args=[article.pk]) + "#vote")
    return render(
        request,
        "portal/kb/article.html#vote",
        _vote_context(actor, article, error),
        status=status,
    )


@login_required
def kb_file(request: HttpRequest, article_id: int, attachment_id: int) -> FileResponse:
    """A file or image of an article, for readers of the article only (staff read the desk's
    articles here too: images of an article are the same files wherever it is shown)."""
    actor = actor_of(request)
    if actor is None:
        raise Http404
    article = _get_article(actor, article_id)
    attachment = article.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        content = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(error.strerror) from error
    inline = attachment.content_type in INLINE_TYPES
    response = FileResponse(
        content,
        as_attachment=not inline,
        filename=attachment.name,
        content_type=attachment.content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def kb_suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion panel of the new-request form (htmx): a few readable articles matching
    what the requester typed. Empty for a short query and for anyone but a signed-in client, so
    the panel never shows a log-in page or an error in the middle of the form."""
    actor = actor_of(request)
    q = _clean_query(request.GET.get("q"))
    if not q:
        typed = f"{request.GET.get('subject', '')} {request.GET.get('description', '')}"
        q = _clean_query(typed)
    items = []
    if actor is not None and actor.is_client and len(q) >= SUGGEST_MIN_CHARS:
        items = rank_articles(actor, q, limit=SUGGEST_LIMIT).with_articles().items
    context = {"items": items, "open_query": urlencode({"from": "suggest", "q": q})}
    return render(request, "portal/kb/_suggestions.html", context)
