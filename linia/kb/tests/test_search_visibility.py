"""Visibility inside the search query: what each actor finds, counts and gets suggested."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from linia.directory.tests.factories import actor
from linia.kb.models import Article, ArticleSearchDocument, ArticleStatus, Visibility
from linia.kb.search import index_article, rank_articles, related_articles


@pytest.fixture
def articles(shared_world) -> dict[str, Article]:
    def make(key: str, visibility: str, status: str = ArticleStatus.PUBLISHED, orgs=()) -> Article:
        article = Article.objects.create(
            title=f"Toner cartridge replacement ({key})",
            body="Open the front cover and replace the toner cartridge.",
            language="en",
            owner=shared_world.manager,
            status=status,
            visibility=visibility,
        )
        article.organizations.set(orgs)
        index_article(article)
        return article

    return {
        "public": make("public", Visibility.PUBLIC),
        "internal": make("internal", Visibility.INTERNAL),
        "org_a": make("org_a", Visibility.ORGANIZATIONS, orgs=[shared_world.org_a]),
        "org_b": make("org_b", Visibility.ORGANIZATIONS, orgs=[shared_world.org_b]),
        "draft": make("draft", Visibility.PUBLIC, ArticleStatus.DRAFT),
        "archived": make("archived", Visibility.PUBLIC, ArticleStatus.ARCHIVED),
    }


def found(page, articles) -> set[str]:
    names = {article.pk: name for name, article in articles.items()}
    return {names[hit.article.pk] for hit in page.items}


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("requester_a", {"public", "org_a"}),
        ("client_manager_a", {"public", "org_a"}),
        ("requester_b", {"public", "org_b"}),
        ("agent_a", {"public", "internal", "org_a"}),
        ("agent_b", {"public", "internal", "org_b"}),
        ("manager", {"public", "internal", "org_a", "org_b"}),
    ],
)
def test_each_actor_finds_and_counts_only_what_they_may_read(
    shared_world, articles, user, expected
):
    page = rank_articles(actor(getattr(shared_world, user)), "toner").with_articles()

    assert found(page, articles) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize("user", ["requester_a", "client_manager_b"])
def test_clients_never_get_drafts_even_when_asking_for_unpublished(shared_world, articles, user):
    page = rank_articles(
        actor(getattr(shared_world, user)), "toner", published_only=False
    ).with_articles()

    assert not found(page, articles) & {"draft", "archived", "internal"}


def test_staff_get_drafts_only_when_asking_for_unpublished(shared_world, articles):
    manager = actor(shared_world.manager)

    assert "draft" not in found(rank_articles(manager, "toner").with_articles(), articles)
    page = rank_articles(manager, "toner", published_only=False).with_articles()
    assert found(page, articles) == set(articles)
    assert page.total == 6


def test_a_typo_corrected_to_an_internal_only_word_finds_nothing_for_a_requester(
    shared_world, articles
):
    secret = Article.objects.create(
        title="Firewall whitelisting procedure",
        body="Internal only.",
        owner=shared_world.manager,
        status=ArticleStatus.PUBLISHED,
        visibility=Visibility.INTERNAL,
    )
    index_article(secret)

    requester_page = rank_articles(actor(shared_world.requester_a), "whitelistin").with_articles()
    manager_page = rank_articles(actor(shared_world.manager), "whitelistin").with_articles()

    assert (requester_page.items, requester_page.total) == ([], 0)
    assert [hit.article for hit in manager_page.items] == [secret]


def test_related_articles_respect_visibility(shared_world, articles):
    hits = related_articles(actor(shared_world.requester_a), "The printer needs a new toner")

    assert {hit.article.pk for hit in hits} == {articles["public"].pk, articles["org_a"].pk}


def test_language_filter(shared_world, articles):
    manager = actor(shared_world.manager)

    assert rank_articles(manager, "toner", language="ru").with_articles().total == 0
    assert rank_articles(manager, "toner", language="en").with_articles().total == 4


@pytest.mark.parametrize("q", ["", "   ", "!!!", "the"])
def test_empty_or_meaningless_queries_find_nothing(shared_world, articles, q):
    page = rank_articles(actor(shared_world.manager), q).with_articles()

    assert (page.items, page.total) == ([], 0)


def test_an_edit_reindexes_the_article(shared_world, articles):
    article = articles["public"]
    article.title = "Paper jam"
    article.body = "Pull the paper out gently."
    article.save()
    index_article(article)

    page = rank_articles(actor(shared_world.requester_a), "toner").with_articles()
    assert "public" not in found(page, articles)
    assert [
        hit.article
        for hit in rank_articles(actor(shared_world.requester_a), "jam").with_articles().items
    ] == [article]


def test_reindex_command_rebuilds_lost_documents(shared_world, articles):
    ArticleSearchDocument.objects.all().delete()
    assert rank_articles(actor(shared_world.manager), "toner").with_articles().total == 0

    call_command("reindex-search", "--batch-size", "2")

    assert rank_articles(actor(shared_world.manager), "toner").with_articles().total == 4


def test_query_count_does_not_grow_with_the_number_of_hits(
    shared_world, articles, django_assert_max_num_queries
):
    manager = actor(shared_world.manager)
    with django_assert_max_num_queries(3):
        page = rank_articles(manager, "toner", published_only=False).with_articles()
    assert len(page.items) == 6
