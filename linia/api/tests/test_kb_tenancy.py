"""Knowledge-base visibility through the API: a client reads published public articles and
those limited to its own organization, an agent those of the organizations its teams serve.
Anything else is 404 and missing from lists, counts and search totals."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from linia.directory.tests.factories import actor
from linia.kb import services
from linia.kb.models import (
    Article,
    ArticleAttachment,
    ArticleRevision,
    ArticleTicketLink,
    ArticleVote,
)
from linia.tickets.services import IncomingFile
from linia.tickets.tests.factories import make_ticket

from .conftest import API, client_for

JSON = "application/json"
ARTICLES = ["public", "org_a", "org_b", "internal", "draft"]


@pytest.fixture
def articles(shared_world) -> dict[str, Article]:
    world = shared_world
    manager = actor(world.manager)

    def make(name: str, **fields) -> Article:
        fields = {"visibility": "public", "status": "published", **fields}
        return services.create_article(
            actor=manager,
            title=f"Printer setup ({name})",
            body=f"Install the printer driver for {name}.",
            **fields,
        )

    made = {
        "public": make("public"),
        "org_a": make("org_a", visibility="organizations", organization_ids=[world.org_a.pk]),
        "org_b": make("org_b", visibility="organizations", organization_ids=[world.org_b.pk]),
        "internal": make("internal", visibility="internal"),
        "draft": make("draft", status="draft"),
    }
    for article in made.values():
        services.update_article(actor=manager, article_id=article.pk, body="Second revision")
        services.add_attachment(
            actor=manager,
            article_id=article.pk,
            file=IncomingFile(name="guide.txt", content=ContentFile(b"Second revision"), size=15),
        )
    return made


# Who sees which article (drafts: staff only).
VISIBLE = {
    "requester_a": {"public", "org_a"},
    "client_manager_a": {"public", "org_a"},
    "requester_b": {"public", "org_b"},
    "client_manager_b": {"public", "org_b"},
    "agent_a": {"public", "org_a", "internal", "draft"},
    "agent_b": {"public", "org_b", "internal", "draft"},
    "lead": set(ARTICLES),
    "manager": set(ARTICLES),
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_caller_reads_exactly_what_it_may(shared_world, articles, who):
    client = client_for(getattr(shared_world, who))
    expected = {articles[name].pk for name in VISIBLE[who]}
    published = {articles[name].pk for name in VISIBLE[who] - {"draft"}}

    listed = client.get(f"{API}/kb/articles").json()
    found = client.get(f"{API}/kb/search", {"q": "printer"}).json()
    with_drafts = client.get(
        f"{API}/kb/search", {"q": "printer", "include_unpublished": "true"}
    ).json()
    statuses = {
        name: client.get(f"{API}/kb/articles/{article.pk}").status_code
        for name, article in articles.items()
    }

    assert {item["id"] for item in listed["items"]} == expected
    assert listed["count"] == len(expected)
    assert {item["id"] for item in found["items"]} == published
    assert found["total"] == len(published)
    assert {item["id"] for item in with_drafts["items"]} == expected
    assert with_drafts["total"] == len(expected)
    assert statuses == {name: 200 if name in VISIBLE[who] else 404 for name in ARTICLES}


# (label, method, path, body, is a write): {a} is the article id, {f} its file's.
ENDPOINTS = [
    ("article", "get", "/kb/articles/{a}", None, False),
    ("patch", "patch", "/kb/articles/{a}", {"title": "Stolen"}, True),
    ("revisions", "get", "/kb/articles/{a}/revisions", None, False),
    ("revision", "get", "/kb/articles/{a}/revisions/1", None, False),
    ("restore", "post", "/kb/articles/{a}/revisions/1/restore", None, True),
    ("vote", "post", "/kb/articles/{a}/vote", {"helpful": False}, False),
    ("links", "get", "/kb/articles/{a}/links", None, False),
    ("link", "post", "/kb/articles/{a}/links", {"ticket": 0}, True),
    ("files", "get", "/kb/articles/{a}/attachments", None, False),
    ("upload", "post", "/kb/articles/{a}/attachments", "multipart", True),
    ("download", "get", "/kb/articles/{a}/attachments/{f}", None, False),
]
# A caller and an article it may not read.
HIDDEN = [
    (who, name)
    for who in ("requester_a", "client_manager_a")
    for name in ("org_b", "internal", "draft")
] + [("agent_a", "org_b"), ("agent_b", "org_a"), ("requester_b", "org_a")]


def _file(article: Article) -> int:
    return article.attachments.get().pk


def _state() -> tuple:
    return (
        list(Article.objects.order_by("pk").values_list("title", "revision_number")),
        ArticleRevision.objects.count(),
        ArticleVote.objects.count(),
        ArticleTicketLink.objects.count(),
        ArticleAttachment.objects.count(),
    )


def _call(client: Client, method: str, url: str, body):
    if body == "multipart":
        upload = SimpleUploadedFile("log.txt", b"log", content_type="text/plain")
        return client.post(url, {"file": upload})
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, body, content_type=JSON)


@pytest.mark.parametrize(("who", "hidden"), HIDDEN)
def test_hidden_articles_answer_404_on_every_endpoint(shared_world, articles, who, hidden):
    user = getattr(shared_world, who)
    ticket = make_ticket(actor(shared_world.requester_a))
    client = client_for(user)
    before = _state()

    statuses = {}
    for label, method, path, body, _write in ENDPOINTS:
        url = API + path.format(a=articles[hidden].pk, f=_file(articles[hidden]))
        payload = {"ticket": ticket.number} if label == "link" else body
        response = _call(client, method, url, payload)
        statuses[label] = response.status_code
        assert "Second revision" not in response.content.decode()

    # Writes are refused to clients before anything is looked up (so 403 says nothing).
    is_client = who.startswith(("requester", "client_manager"))
    assert statuses == {
        label: 403 if write and is_client else 404 for label, _m, _p, _b, write in ENDPOINTS
    }
    assert _state() == before


@pytest.mark.parametrize(("_case", "method", "path", "body", "_write"), ENDPOINTS)
def test_anonymous_callers_are_401(shared_world, articles, _case, method, path, body, _write):
    before = _state()

    article = articles["public"]
    response = _call(Client(), method, API + path.format(a=article.pk, f=_file(article)), body)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert _state() == before


@pytest.mark.parametrize("path", ["/kb/articles", "/kb/categories", "/kb/search?q=printer"])
def test_anonymous_lists_are_401(db, path):
    assert Client().get(API + path).status_code == 401


def test_an_agent_cannot_limit_an_article_to_an_organization_it_does_not_serve(
    shared_world, articles
):
    client = client_for(shared_world.agent_a)

    created = client.post(
        f"{API}/kb/articles",
        {
            "title": "Globex only",
            "visibility": "organizations",
            "organizations": [shared_world.org_b.pk],
        },
        content_type=JSON,
    )
    moved = client.patch(
        f"{API}/kb/articles/{articles['org_a'].pk}",
        {"organizations": [shared_world.org_a.pk, shared_world.org_b.pk]},
        content_type=JSON,
    )

    assert (created.status_code, moved.status_code) == (422, 422)
    assert created.json()["code"] == moved.json()["code"] == "organization_not_served"
    assert Article.objects.filter(title="Globex only").count() == 0
    assert list(articles["org_a"].organizations.values_list("pk", flat=True)) == [
        shared_world.org_a.pk
    ]


READS = [(label, method, path) for label, method, path, body, write in ENDPOINTS if method == "get"]


@pytest.mark.parametrize(
    ("who", "name", "history"),
    [
        ("requester_a", "org_a", 403),
        ("client_manager_a", "public", 403),
        ("agent_a", "org_a", 200),
        ("agent_b", "draft", 200),
    ],
)
def test_readers_reach_every_read_endpoint(shared_world, articles, who, name, history):
    client = client_for(getattr(shared_world, who))
    article = articles[name]

    statuses = {
        label: client.get(API + path.format(a=article.pk, f=_file(article))).status_code
        for label, _method, path in READS
    }

    assert statuses == {
        "article": 200,
        "revisions": history,
        "revision": history,
        "links": 200,
        "files": 200,
        "download": 200,
    }
