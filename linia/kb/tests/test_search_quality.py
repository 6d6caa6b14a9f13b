"""Search quality: every corpus query finds its articles in the top 3 (both backends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from linia.directory.tests.factories import World, actor
from linia.kb.models import Article, ArticleStatus, Visibility
from linia.kb.search import index_article, rank_articles

from .search_corpus import ARTICLES, QUERIES


@pytest.fixture(scope="module")
def _corpus(_module_world: World, django_db_blocker) -> Iterator[dict[int, str]]:
    with django_db_blocker.unblock(), transaction.atomic():
        keys: dict[int, str] = {}
        for item in ARTICLES:
            article = Article.objects.create(
                title=item.title,
                body=item.body,
                language=item.language,
                owner=_module_world.manager,
                status=ArticleStatus.PUBLISHED,
                visibility=Visibility.PUBLIC,
            )
            index_article(article)
            keys[article.pk] = item.key
        yield keys
        transaction.set_rollback(True)


@pytest.fixture
def corpus(_corpus: dict[int, str], shared_world: World) -> dict[int, str]:
    return _corpus


def test_the_corpus_and_queries_are_large_enough():
    languages = [item.language for item in ARTICLES]
    assert len(ARTICLES) >= 40
    assert len(QUERIES) >= 40
    assert {language: languages.count(language) >= 10 for language in set(languages)} == {
        "en": True,
        "ru": True,
        "uk": True,
        "pl": True,
    }
    assert len({item.key for item in ARTICLES}) == len(ARTICLES)
    known = {item.key for item in ARTICLES}
    assert all(set(query.expected) <= known for query in QUERIES)


@pytest.mark.parametrize("query", QUERIES, ids=[query.q for query in QUERIES])
def test_query_finds_its_articles_in_the_top_three(corpus, shared_world, query):
    page = rank_articles(actor(shared_world.requester_a), query.q, limit=3).with_articles()

    top = [corpus[hit.article.pk] for hit in page.items]
    assert set(query.expected) <= set(top), (query.q, top)


def test_hits_have_a_highlighted_title_and_snippet(corpus, shared_world):
    page = rank_articles(
        actor(shared_world.requester_a), "принтера печатает", limit=1
    ).with_articles()

    hit = page.items[0]
    assert hit.title_html == "<mark>Принтер</mark> не <mark>печатает</mark>"
    assert hit.snippet_html.startswith("Если <mark>принтер</mark> не <mark>печатает</mark>,")


def test_paging_keeps_the_total(corpus, shared_world):
    first = rank_articles(actor(shared_world.manager), "пароль", limit=1).with_articles()
    second = rank_articles(actor(shared_world.manager), "пароль", limit=1, offset=1).with_articles()
    beyond = rank_articles(
        actor(shared_world.manager), "пароль", limit=1, offset=50
    ).with_articles()

    assert first.total == second.total == beyond.total >= 2
    assert first.items[0].article != second.items[0].article
    assert beyond.items == []
