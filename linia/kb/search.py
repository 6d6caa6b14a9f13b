"""Knowledge-base search: indexing articles and ranked, highlighted, visibility-bound queries.

Terms come from linia.search.normalize; the vendor SQL from linia.search. An article's search
document is rewritten by the kb services in the article's own transaction (`index_article`).
See docs/search.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet

from linia.core.access import Actor
from linia.search import backends
from linia.search.ddl import ARTICLES
from linia.search.engine import ranked_ids
from linia.search.highlight import highlight, plain_text, snippet
from linia.search.normalize import normalize_for_index, query_terms, query_words

from .models import Article, ArticleSearchDocument
from .queries import visible_articles

# bm25 / ts_rank_cd weight of a title match against a body match.
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
# Related articles for a ticket read only the first words of its text.
RELATED_MAX_WORDS = 16


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    rank: float
    terms: frozenset[str]

    # Marked up when shown, not when found: the desk's list ranks 200 hits to filter and
    # page them, and shows 25 (a snippet reads every word of the article).
    @cached_property
    def title_html(self) -> str:
        return highlight(self.article.title, self.terms)

    @cached_property
    def snippet_html(self) -> str:
        return snippet(plain_text(self.article.body), self.terms)


@dataclass(frozen=True)
class SearchPage:
    items: list[ArticleHit]
    total: int
    # Every term the query matched with (after typo correction), for further highlighting.
    terms: frozenset[str] = field(default_factory=frozenset)


def _document(article: Article) -> ArticleSearchDocument:
    language = article.language or None
    return ArticleSearchDocument(
        article=article,
        title_terms=normalize_for_index(article.title, language),
        body_terms=normalize_for_index(plain_text(article.body), language),
    )


def index_article(article: Article) -> None:
    """Write the article's search document and add its terms to the vocabulary."""
    document = _document(article)
    ArticleSearchDocument.objects.update_or_create(
        article=article,
        defaults={"title_terms": document.title_terms, "body_terms": document.body_terms},
    )
    backends.add_terms(f"{document.title_terms} {document.body_terms}".split())


def _batches(batch_size: int) -> Iterator[list[Article]]:
    last = 0
    while True:
        batch = list(Article.objects.filter(pk__gt=last).order_by("pk")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def reindex_articles(batch_size: int = 500) -> int:
    """Rebuild every article's search document and the vocabulary; returns the count."""
    count = 0
    for batch in _batches(batch_size):
        documents = [_document(article) for article in batch]
        ArticleSearchDocument.objects.bulk_create(
            documents,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["title_terms", "body_terms"],
        )
        backends.add_terms(
            term
            for document in documents
            for term in f"{document.title_terms} {document.body_terms}".split()
        )
        count += len(batch)
    return count


@dataclass(frozen=True)
class RankedArticles:
    """Matching article ids, best first, without the articles (a list that filters and pages
    them loads only the page's)."""

    ranked: list[tuple[int, float]]  # (article id, score)
    total: int
    terms: frozenset[str]

    def with_articles(self) -> SearchPage:
        """The page of hits, with the articles (for their highlighted title and snippet)."""
        hits = self.hits(Article.objects.in_bulk([pk for pk, _score in self.ranked]))
        return SearchPage(items=list(hits.values()), total=self.total, terms=self.terms)

    def hits(self, articles: dict[int, Article]) -> dict[int, ArticleHit]:
        """ArticleHits for the `articles` given by id (those loaded for a page)."""
        return {
            pk: ArticleHit(article=articles[pk], rank=score, terms=self.terms)
            for pk, score in self.ranked
            if pk in articles
        }


def rank_articles(
    actor: Actor,
    q: str,
    *,
    limit: int = 10,
    offset: int = 0,
    language: str | None = None,
    published_only: bool = True,
) -> RankedArticles:
    """The ids of the articles `actor` may read that match `q`, best first. Every query word
    must match (in any inflected form; a misspelt word of a short query is corrected); when
    nothing matches them all, articles matching any word are given."""
    groups = backends.correct(query_words(q), query_terms(q))
    visible = visible_articles(actor, include_unpublished=not published_only)
    if language:
        visible = visible.filter(language=language)
    return _ranked(visible, groups, limit=limit, offset=offset, fall_back_to_any=True)


def related_articles(actor: Actor, text: str, *, limit: int = 5) -> list[ArticleHit]:
    """Published articles `actor` may read that share the most words with `text` (a ticket's
    subject and description), for the ticket screen."""
    unique = {frozenset(group): group for group in query_terms(text)}
    groups = list(unique.values())[:RELATED_MAX_WORDS]
    ranked = _ranked(visible_articles(actor), groups, limit=limit, mode=backends.ANY)
    return ranked.with_articles().items


def _ranked(
    visible: QuerySet[Article],
    groups: list[set[str]],
    *,
    limit: int,
    offset: int = 0,
    mode: str = backends.ALL,
    fall_back_to_any: bool = False,
) -> RankedArticles:
    weights = (TITLE_WEIGHT, BODY_WEIGHT)
    ranked, total = ranked_ids(
        ARTICLES, visible, groups, mode=mode, limit=limit, offset=offset, weights=weights
    )
    if not total and fall_back_to_any and len(groups) > 1:
        ranked, total = ranked_ids(
            ARTICLES,
            visible,
            groups,
            mode=backends.ANY,
            limit=limit,
            offset=offset,
            weights=weights,
        )
    terms = frozenset().union(*groups) if groups else frozenset()
    return RankedArticles(ranked=ranked, total=total, terms=terms)
