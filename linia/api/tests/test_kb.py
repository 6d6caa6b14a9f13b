"""The knowledge-base API: articles, revisions, votes, links, categories and their errors."""

from typing import get_args

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from linia.api.schemas.kb import Language
from linia.directory.tests.factories import actor
from linia.kb import services
from linia.kb.models import Article, ArticleRevision, ArticleTicketLink, ArticleVote, KbCategory
from linia.tickets import services as ticket_services
from linia.tickets.tests.factories import make_ticket

from .conftest import API

JSON = "application/json"


def make_article(user, **fields):
    defaults = {
        "title": "Printer does not print",
        "body": "Turn the **printer** off and on.",
        "visibility": "public",
        "status": "published",
    }
    return services.create_article(actor=actor(user), **{**defaults, **fields})


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --- create, read, update --------------------------------------------------------------------


def test_an_agent_creates_an_article(world, api_as):
    category = services.create_category(actor=actor(world.agent_a), name="Printing")

    response = api_as(world.agent_a).post(
        f"{API}/kb/articles",
        {
            "title": "  VPN   drops every hour ",
            "body": "Renew the **certificate**.\n\n<script>alert(1)</script>",
            "language": "ru",
            "visibility": "organizations",
            "status": "published",
            "category": category.pk,
            "tags": ["VPN", "network"],
            "organizations": [world.org_a.pk],
        },
        content_type=JSON,
    )

    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get()
    assert body == {
        "id": article.pk,
        "title": "VPN drops every hour",
        "language": "ru",
        "visibility": "organizations",
        "status": "published",
        "category": {"id": category.pk, "name": "Printing"},
        "tags": ["network", "vpn"],
        "organizations": [{"id": world.org_a.pk, "name": "Acme"}],
        "owner": {"id": world.agent_a.pk, "name": world.agent_a.display_name},
        "revision": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "published_at": body["published_at"],
        "helpful_count": 0,
        "unhelpful_count": 0,
        "view_count": 0,
        "url": f"{API}/kb/articles/{article.pk}",
        "body": "Renew the **certificate**.\n\n<script>alert(1)</script>",
        "body_html": body["body_html"],
        "source_ticket": None,
        "reviewed_at": None,
    }
    assert "<strong>certificate</strong>" in body["body_html"]
    assert "<script>" not in body["body_html"]
    assert body["published_at"] is not None
    assert list(article.revisions.values_list("number", flat=True)) == [1]


def test_an_article_documents_a_ticket(world, api_as):
    ticket = make_ticket(actor(world.requester_a))

    response = api_as(world.agent_a).post(
        f"{API}/kb/articles",
        {"title": "Paper jam", "source_ticket": ticket.number},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert response.json()["source_ticket"] == ticket.number
    assert response.json()["status"] == "draft"
    assert response.json()["visibility"] == "internal"
    link = ArticleTicketLink.objects.get()
    assert (link.ticket_id, link.kind) == (ticket.pk, "documents")


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a"])
def test_clients_may_not_write(world, api_as, who):
    article = make_article(world.agent_a)
    client = api_as(getattr(world, who))

    created = client.post(f"{API}/kb/articles", {"title": "Mine"}, content_type=JSON)
    patched = client.patch(
        f"{API}/kb/articles/{article.pk}", {"title": "Changed"}, content_type=JSON
    )
    category = client.post(f"{API}/kb/categories", {"name": "Mine"}, content_type=JSON)

    assert (created.status_code, patched.status_code, category.status_code) == (403, 403, 403)
    assert created.json()["code"] == "staff_only"
    assert created.json()["message"] == "Only staff can change the knowledge base."
    assert Article.objects.count() == 1
    assert Article.objects.get().title == "Printer does not print"
    assert KbCategory.objects.count() == 0


def test_client_view_hides_staff_fields(world, api_as):
    ticket = make_ticket(actor(world.requester_a))
    article = make_article(
        world.manager,
        visibility="organizations",
        organization_ids=[world.org_a.pk, world.org_b.pk],
        source_ticket_number=ticket.number,
    )

    body = api_as(world.requester_a).get(f"{API}/kb/articles/{article.pk}").json()

    assert body["organizations"] == [{"id": world.org_a.pk, "name": "Acme"}]
    assert (body["owner"], body["source_ticket"], body["reviewed_at"]) == (None, None, None)
    staff = api_as(world.manager).get(f"{API}/kb/articles/{article.pk}").json()
    assert {o["name"] for o in staff["organizations"]} == {"Acme", "Globex"}
    assert staff["source_ticket"] == ticket.number


def test_patch_changes_fields_and_makes_a_revision(world, api_as):
    article = make_article(world.agent_a, status="draft")
    client = api_as(world.agent_a)

    response = client.patch(
        f"{API}/kb/articles/{article.pk}",
        {
            "expected_revision": 1,
            "body": "Check the cable.",
            "status": "published",
            "tags": ["hardware"],
            "note": "Simpler",
        },
        content_type=JSON,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["revision"], body["status"], body["tags"]) == (2, "published", ["hardware"])
    assert body["body_html"] == "<p>Check the cable.</p>\n"
    assert body["title"] == "Printer does not print"
    revision = ArticleRevision.objects.get(article=article, number=2)
    assert (revision.body, revision.note, revision.author_id) == (
        "Check the cable.",
        "Simpler",
        world.agent_a.pk,
    )


def test_patch_without_text_changes_keeps_the_revision(world, api_as):
    category = services.create_category(actor=actor(world.agent_a), name="Mail")
    article = make_article(world.agent_a, category_id=category.pk)

    response = api_as(world.agent_a).patch(
        f"{API}/kb/articles/{article.pk}", {"category": None, "language": "pl"}, content_type=JSON
    )

    assert response.status_code == 200
    assert (response.json()["category"], response.json()["language"]) == (None, "pl")
    assert response.json()["revision"] == 1
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_a_stale_edit_is_refused(world, api_as):
    article = make_article(world.agent_a)
    services.update_article(actor=actor(world.engineer_a), article_id=article.pk, body="New")

    response = api_as(world.agent_a).patch(
        f"{API}/kb/articles/{article.pk}",
        {"expected_revision": 1, "body": "Mine"},
        content_type=JSON,
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale_revision"
    assert "revision 2" in response.json()["message"]
    article.refresh_from_db()
    assert (article.body, article.revision_number) == ("New", 2)


def test_archive_through_patch(world, api_as):
    article = make_article(world.agent_a)

    by_other = api_as(world.engineer_a).patch(
        f"{API}/kb/articles/{article.pk}", {"status": "archived"}, content_type=JSON
    )
    by_owner = api_as(world.agent_a).patch(
        f"{API}/kb/articles/{article.pk}", {"status": "archived"}, content_type=JSON
    )

    assert by_other.status_code == 403
    assert by_other.json()["code"] == "archive_forbidden"
    assert by_owner.status_code == 200
    assert by_owner.json()["status"] == "archived"
    assert api_as(world.requester_a).get(f"{API}/kb/articles/{article.pk}").status_code == 404
    assert api_as(world.client_manager_a).get(f"{API}/kb/articles").json()["count"] == 0
    assert api_as(world.agent_a).delete(f"{API}/kb/articles/{article.pk}").status_code == 405


# --- invalid input ---------------------------------------------------------------------------


VALID = {"title": "A title", "body": "Text", "language": "en", "visibility": "public"}


@pytest.mark.parametrize(
    ("_case", "changes", "code", "in_message"),
    [
        ("missing title", {"title": None}, "invalid", "title"),
        ("empty title", {"title": "   "}, "title_required", "needs a title"),
        ("title too long", {"title": "x" * 251}, "invalid", "title"),
        ("unknown language", {"language": "de"}, "invalid", "language"),
        ("unknown visibility", {"visibility": "secret"}, "invalid", "visibility"),
        ("unknown status", {"status": "gone"}, "invalid", "status"),
        ("archived on create", {"status": "archived"}, "invalid", "status"),
        (
            "orgs without orgs",
            {"visibility": "organizations"},
            "organizations_required",
            "organization",
        ),
        (
            "org not served",
            {"visibility": "organizations", "organizations": ["B"]},
            "organization_not_served",
            "serve",
        ),
        ("body too long", {"body": "x" * 200_001}, "invalid", "body"),
        ("title not a string", {"title": 5}, "invalid", "title"),
        ("tags not a list", {"tags": "vpn"}, "invalid", "tags"),
        ("tag too long", {"tags": ["x" * 61]}, "invalid", "tags"),
        ("too many tags", {"tags": [f"t{i}" for i in range(21)]}, "invalid", "tags"),
        ("organizations not ids", {"organizations": ["acme"]}, "invalid", "organizations"),
        ("unknown category", {"category": 999_999}, "category_unknown", "category"),
        ("unknown field", {"colour": "red"}, "invalid", "colour"),
        ("NUL in body", {"body": "a\x00b"}, "invalid", "NUL"),
        ("NUL in a tag", {"tags": ["a\x00b"]}, "invalid", "NUL"),
    ],
)
def test_invalid_articles_are_refused(world, api_as, _case, changes, code, in_message):
    payload = {**VALID, **changes}
    if payload.get("title") is None:
        payload.pop("title")
    if payload.get("organizations") == ["B"]:
        payload["organizations"] = [world.org_b.pk]

    response = api_as(world.agent_a).post(f"{API}/kb/articles", payload, content_type=JSON)

    assert response.status_code == 422
    assert response.json()["code"] == code
    assert in_message in response.json()["message"]
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "payload", "code"),
    [
        ("empty title", {"title": ""}, "title_required"),
        ("unknown status", {"status": "deleted"}, "invalid"),
        ("stale revision not a number", {"expected_revision": "one"}, "invalid"),
        ("orgs without orgs", {"visibility": "organizations"}, "organizations_required"),
    ],
)
def test_invalid_patches_change_nothing(world, api_as, _case, payload, code):
    article = make_article(world.agent_a)

    response = api_as(world.agent_a).patch(
        f"{API}/kb/articles/{article.pk}", payload, content_type=JSON
    )

    assert response.status_code == 422
    assert response.json()["code"] == code
    article.refresh_from_db()
    assert (article.title, article.visibility, article.status) == (
        "Printer does not print",
        "public",
        "published",
    )


def test_malformed_json_is_400(world, api_as):
    response = api_as(world.agent_a).post(f"{API}/kb/articles", "{", content_type=JSON)

    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_api_languages_are_the_services():
    assert get_args(Language) == services.LANGUAGES


# --- revisions -------------------------------------------------------------------------------


def test_revisions_and_restore_round_trip(world, api_as):
    article = make_article(world.agent_a, body="First text")
    services.update_article(actor=actor(world.agent_a), article_id=article.pk, body="Second")
    services.update_article(
        actor=actor(world.engineer_a), article_id=article.pk, title="Renamed", body="Third"
    )
    client = api_as(world.agent_a)

    listed = client.get(f"{API}/kb/articles/{article.pk}/revisions")
    first = client.get(f"{API}/kb/articles/{article.pk}/revisions/1")
    restored = client.post(f"{API}/kb/articles/{article.pk}/revisions/1/restore")
    again = client.post(f"{API}/kb/articles/{article.pk}/revisions/4/restore")
    missing = client.get(f"{API}/kb/articles/{article.pk}/revisions/99")

    assert listed.status_code == 200
    assert listed.json()["count"] == 3
    assert [(r["number"], r["title"], r["author"]["id"]) for r in listed.json()["items"]] == [
        (3, "Renamed", world.engineer_a.pk),
        (2, "Printer does not print", world.agent_a.pk),
        (1, "Printer does not print", world.agent_a.pk),
    ]
    assert first.json()["body"] == "First text"
    assert first.json()["body_html"] == "<p>First text</p>\n"
    assert restored.status_code == 200
    assert (restored.json()["title"], restored.json()["body"], restored.json()["revision"]) == (
        "Printer does not print",
        "First text",
        4,
    )
    latest = client.get(f"{API}/kb/articles/{article.pk}/revisions").json()["items"][0]
    assert (latest["number"], latest["restored_from"], latest["note"]) == (
        4,
        1,
        "Restored revision 1",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_current"
    assert missing.status_code == 404


def test_clients_do_not_read_the_history(world, api_as):
    article = make_article(world.agent_a)
    services.update_article(actor=actor(world.agent_a), article_id=article.pk, body="Second")
    client = api_as(world.requester_a)

    listed = client.get(f"{API}/kb/articles/{article.pk}/revisions")
    one = client.get(f"{API}/kb/articles/{article.pk}/revisions/1")
    restored = client.post(f"{API}/kb/articles/{article.pk}/revisions/1/restore")

    assert (listed.status_code, one.status_code, restored.status_code) == (403, 403, 403)
    assert "Turn the" not in one.content.decode()
    assert Article.objects.get().revision_number == 2


# --- files ------------------------------------------------------------------------------------


def test_files_upload_list_download_and_show_in_the_body(world, api_as):
    article = make_article(world.agent_a, body="![Cable](attachment:cable.png)")
    agent = api_as(world.agent_a)

    uploaded = agent.post(
        f"{API}/kb/articles/{article.pk}/attachments",
        {"file": SimpleUploadedFile("cable.png", b"png-bytes", content_type="image/png")},
    )
    by_client = api_as(world.requester_a).post(
        f"{API}/kb/articles/{article.pk}/attachments",
        {"file": SimpleUploadedFile("evil.png", b"x", content_type="image/png")},
    )

    assert uploaded.status_code == 201
    file = uploaded.json()
    url = f"{API}/kb/articles/{article.pk}/attachments/{file['id']}"
    assert file == {
        "id": file["id"],
        "name": "cable.png",
        "content_type": "image/png",
        "size": 9,
        "created_at": file["created_at"],
        "download_url": url,
    }
    assert by_client.status_code == 403
    reader = api_as(world.requester_a)
    assert [
        f["name"] for f in reader.get(f"{API}/kb/articles/{article.pk}/attachments").json()
    ] == ["cable.png"]
    body_html = reader.get(f"{API}/kb/articles/{article.pk}").json()["body_html"]
    assert f'<img src="{url}" alt="Cable">' in body_html
    download = reader.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"png-bytes"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert reader.get(f"{API}/kb/articles/{article.pk}/attachments/999999").status_code == 404


@override_settings(LINIA_MAX_ATTACHMENT_BYTES=4)
def test_a_file_over_the_limit_is_413(world, api_as):
    article = make_article(world.agent_a)

    response = api_as(world.agent_a).post(
        f"{API}/kb/articles/{article.pk}/attachments",
        {"file": SimpleUploadedFile("big.txt", b"12345", content_type="text/plain")},
    )

    assert response.status_code == 413
    assert article.attachments.count() == 0


# --- votes, links, categories ---------------------------------------------------------------


def test_votes_count_once_per_person(world, api_as):
    article = make_article(world.agent_a)

    api_as(world.requester_a).post(
        f"{API}/kb/articles/{article.pk}/vote", {"helpful": True}, content_type=JSON
    )
    changed = api_as(world.requester_a).post(
        f"{API}/kb/articles/{article.pk}/vote", {"helpful": False}, content_type=JSON
    )
    other = api_as(world.client_manager_a).post(
        f"{API}/kb/articles/{article.pk}/vote", {"helpful": False}, content_type=JSON
    )
    bad = api_as(world.requester_a).post(
        f"{API}/kb/articles/{article.pk}/vote", {"helpful": "perhaps"}, content_type=JSON
    )

    assert changed.json() == {
        "id": article.pk,
        "helpful": False,
        "helpful_count": 0,
        "unhelpful_count": 1,
    }
    assert other.json()["unhelpful_count"] == 2
    assert bad.status_code == 422
    assert ArticleVote.objects.count() == 2


def test_a_draft_takes_no_votes(world, api_as):
    article = make_article(world.agent_a, status="draft")

    response = api_as(world.engineer_a).post(
        f"{API}/kb/articles/{article.pk}/vote", {"helpful": True}, content_type=JSON
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_published"
    assert ArticleVote.objects.count() == 0


def test_links_to_tickets(world, api_as):
    article = make_article(world.agent_a)
    ticket = make_ticket(actor(world.requester_a))
    other = make_ticket(actor(world.requester_b))
    ticket_services.change_status(
        actor=actor(world.agent_a), number=ticket.number, to="in_progress"
    )
    client = api_as(world.agent_a)

    created = client.post(
        f"{API}/kb/articles/{article.pk}/links",
        {"ticket": ticket.number, "kind": "used_in_reply"},
        content_type=JSON,
    )
    again = client.post(
        f"{API}/kb/articles/{article.pk}/links", {"ticket": ticket.number}, content_type=JSON
    )
    foreign = client.post(
        f"{API}/kb/articles/{article.pk}/links", {"ticket": other.number}, content_type=JSON
    )
    bad_kind = client.post(
        f"{API}/kb/articles/{article.pk}/links",
        {"ticket": ticket.number, "kind": "loves"},
        content_type=JSON,
    )
    by_client = api_as(world.requester_a).post(
        f"{API}/kb/articles/{article.pk}/links", {"ticket": ticket.number}, content_type=JSON
    )

    assert created.status_code == 201
    assert created.json() == {
        "article": article.pk,
        "ticket": ticket.number,
        "kind": "used_in_reply",
        "created_at": created.json()["created_at"],
    }
    assert again.json()["kind"] == "used_in_reply"
    assert foreign.status_code == 404
    assert bad_kind.status_code == 422
    assert by_client.status_code == 403
    assert ArticleTicketLink.objects.count() == 1
    listed = client.get(f"{API}/kb/articles/{article.pk}/links").json()
    assert [link["ticket"] for link in listed["items"]] == [ticket.number]
    # Another organization's requester reads the public article but not the ticket.
    assert api_as(world.requester_b).get(f"{API}/kb/articles/{article.pk}/links").json() == {
        "items": [],
        "count": 0,
    }


def test_categories(world, api_as):
    client = api_as(world.agent_a)

    parent = client.post(f"{API}/kb/categories", {"name": "Hardware"}, content_type=JSON)
    child = client.post(
        f"{API}/kb/categories",
        {"name": "Printers", "parent": parent.json()["id"], "position": 1},
        content_type=JSON,
    )
    twice = client.post(f"{API}/kb/categories", {"name": "hardware"}, content_type=JSON)
    unknown_parent = client.post(
        f"{API}/kb/categories", {"name": "X", "parent": 999_999}, content_type=JSON
    )

    assert parent.status_code == 201
    assert child.json() == {
        "id": child.json()["id"],
        "name": "Printers",
        "parent": parent.json()["id"],
        "position": 1,
    }
    assert twice.status_code == 422
    assert twice.json()["code"] == "name_taken"
    assert unknown_parent.json()["code"] == "category_unknown"
    listed = api_as(world.requester_a).get(f"{API}/kb/categories")
    assert [c["name"] for c in listed.json()] == ["Hardware", "Printers"]


# --- lists -----------------------------------------------------------------------------------


def test_list_filters(world, api_as):
    category = services.create_category(actor=actor(world.agent_a), name="Mail")
    mail = make_article(world.agent_a, title="Mail", category_id=category.pk, tags=["outlook"])
    draft = make_article(world.agent_a, title="Draft", status="draft", language="pl")
    internal = make_article(world.engineer_a, title="Internal", visibility="internal")
    client = api_as(world.agent_a)

    def listed(**params):
        return ids(client.get(f"{API}/kb/articles", params))

    assert listed() == [internal.pk, draft.pk, mail.pk]
    assert listed(status="draft") == [draft.pk]
    assert listed(language="pl") == [draft.pk]
    assert listed(category=category.pk) == [mail.pk]
    assert listed(tag="Outlook") == [mail.pk]
    assert listed(visibility="internal") == [internal.pk]
    assert listed(owner=world.engineer_a.pk) == [internal.pk]
    assert listed(limit=1, offset=1) == [draft.pk]
    bad = client.get(f"{API}/kb/articles", {"status": "gone"})
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid"


def test_list_query_count_does_not_grow(world, api_as):
    def make(count: int) -> None:
        for index in range(count):
            make_article(
                world.manager,
                title=f"Article {index}",
                tags=[f"tag{index}", "common"],
                visibility="organizations" if index % 2 else "public",
                organization_ids=[world.org_a.pk] if index % 2 else [],
                category_id=services.create_category(
                    actor=actor(world.manager), name=f"C{count}-{index}"
                ).pk,
            )

    clients = {"agent": api_as(world.agent_a), "requester": api_as(world.requester_a)}
    make(2)
    sizes = {}
    for name, client in clients.items():
        client.get(f"{API}/kb/articles")  # the token's first use writes last_used_at
        with CaptureQueriesContext(connection) as small:
            assert client.get(f"{API}/kb/articles").json()["count"] == 2
        sizes[name] = len(small.captured_queries)
    make(10)
    for name, client in clients.items():
        with CaptureQueriesContext(connection) as large:
            assert client.get(f"{API}/kb/articles").json()["count"] == 12
        assert len(large.captured_queries) == sizes[name], name


# --- the schema ------------------------------------------------------------------------------


@pytest.mark.slow  # builds the whole OpenAPI schema once (about half a second)
def test_openapi_lists_the_knowledge_base(db):
    paths = Client().get(f"{API}/openapi.json").json()["paths"]

    assert {
        "/api/v1/kb/articles": {"get", "post"},
        "/api/v1/kb/articles/{article_id}": {"get", "patch"},
        "/api/v1/kb/articles/{article_id}/revisions": {"get"},
        "/api/v1/kb/articles/{article_id}/revisions/{number}": {"get"},
        "/api/v1/kb/articles/{article_id}/revisions/{number}/restore": {"post"},
        "/api/v1/kb/articles/{article_id}/vote": {"post"},
        "/api/v1/kb/articles/{article_id}/links": {"get", "post"},
        "/api/v1/kb/articles/{article_id}/attachments": {"get", "post"},
        "/api/v1/kb/articles/{article_id}/attachments/{attachment_id}": {"get"},
        "/api/v1/kb/categories": {"get", "post"},
        "/api/v1/kb/search": {"get"},
    } == {path: set(paths[path]) for path in paths if path.startswith("/api/v1/kb/")}
