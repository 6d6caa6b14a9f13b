"""The knowledge base in the desk: list and search, article page, editor, files, revisions,
upkeep, and the panel beside a ticket (tenancy, bad input, query counts)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linia.directory.tests.factories import actor
from linia.kb import services as kb_services
from linia.kb.models import (
    Article,
    ArticleAttachment,
    ArticleRevision,
    ArticleTicketLink,
    KbCategory,
    LinkKind,
)
from linia.tickets.search import index_ticket
from linia.tickets.tests.factories import make_ticket, make_ticket_in

from .conftest import HTMX, incoming, upload


def make_article(user, **kwargs) -> Article:
    kwargs.setdefault("title", "Printer shows a paper jam")
    kwargs.setdefault("body", "## Steps\n\nOpen the tray.\nRemove the paper.\n")
    kwargs.setdefault("status", "published")
    return kb_services.create_article(actor=actor(user), **kwargs)


def limited_to_b(world) -> Article:
    """An article limited to Globex (served by agent_b, not by agent_a)."""
    return make_article(
        world.agent_b,
        title="Globex VPN profile",
        visibility="organizations",
        organization_ids=[world.org_b.pk],
    )


def count_queries(client, path: str, **extra) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, **extra)
    assert response.status_code == 200
    return len(context.captured_queries)


# --- tenancy ------------------------------------------------------------------------------


def _article_paths(article: Article) -> list[str]:
    return [
        f"/desk/kb/{article.pk}/",
        f"/desk/kb/{article.pk}/edit/",
        f"/desk/kb/{article.pk}/revisions/",
        f"/desk/kb/{article.pk}/revisions/1/",
    ]


def test_anonymous_is_sent_to_login(client, world):
    article = make_article(world.agent_a)
    for path in ["/desk/kb/", "/desk/kb/new/", "/desk/kb/upkeep/", *_article_paths(article)]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login/" in response["Location"], path


@pytest.mark.parametrize("_case", ["requester", "client_manager"])
def test_clients_never_reach_desk_kb_pages(client, world, _case):
    user = world.requester_a if _case == "requester" else world.client_manager_a
    article = make_article(world.agent_a, visibility="public")
    client.force_login(user)
    for path in ["/desk/kb/", "/desk/kb/upkeep/", *_article_paths(article)]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/", path
        assert article.title not in response.content.decode()
    response = client.post(f"/desk/kb/{article.pk}/edit/", {"title": "Hacked"})
    assert response.status_code == 403
    response = client.post(f"/desk/kb/{article.pk}/revisions/1/restore/")
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "Printer shows a paper jam"
    assert article.revision_number == 1


def test_agent_not_serving_the_organization_gets_404(agent_client, world):
    article = limited_to_b(world)
    attachment = kb_services.add_attachment(
        actor=actor(world.agent_b), article_id=article.pk, file=incoming()
    )
    for path in [*_article_paths(article), f"/desk/kb/{article.pk}/files/{attachment.pk}/"]:
        assert agent_client.get(path).status_code == 404, path
    response = agent_client.post(
        f"/desk/kb/{article.pk}/edit/",
        {"title": "Mine now", "language": "en", "visibility": "internal", "status": "draft"},
    )
    assert response.status_code == 404
    assert (
        agent_client.post(f"/desk/kb/{article.pk}/status/", {"status": "archived"}).status_code
        == 404
    )
    assert agent_client.post(f"/desk/kb/{article.pk}/files/", {"file": upload()}).status_code == 404
    article.refresh_from_db()
    assert (article.title, article.status, article.attachments.count()) == (
        "Globex VPN profile",
        "published",
        1,
    )
    # Nor does it show up in the list or in a search.
    listing = agent_client.get("/desk/kb/").content.decode()
    assert "Globex VPN profile" not in listing
    assert "Globex VPN profile" not in agent_client.get("/desk/kb/?q=globex").content.decode()


def test_agent_serving_the_organization_sees_the_limited_article(client, world):
    article = limited_to_b(world)
    client.force_login(world.agent_b)
    response = client.get(f"/desk/kb/{article.pk}/")
    assert response.status_code == 200
    assert "Globex" in response.content.decode()


# --- list, search, filters, categories ----------------------------------------------------


def test_list_shows_badges_counts_and_drafts(agent_client, world):
    make_article(world.agent_a, title="Reset a password", tags=["accounts"])
    make_article(world.engineer_a, title="Half-written idea", status="draft", language="ru")
    response = agent_client.get("/desk/kb/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reset a password" in html
    assert "Half-written idea" in html
    assert 'class="badge kb-status-draft"' in html
    assert 'class="badge kb-visibility-internal"' in html
    assert ">RU</span>" in html
    assert "2 articles" in html


def test_list_filters(agent_client, world):
    category = kb_services.create_category(actor=actor(world.agent_a), name="Printing")
    make_article(world.agent_a, title="Mine in printing", category_id=category.pk, tags=["toner"])
    make_article(world.engineer_a, title="Theirs draft", status="draft", language="pl")

    def titles(query: str) -> set[str]:
        html = agent_client.get(f"/desk/kb/?{query}").content.decode()
        return {title for title in ("Mine in printing", "Theirs draft") if title in html}

    assert titles("owner=mine") == {"Mine in printing"}
    assert titles("status=draft") == {"Theirs draft"}
    assert titles("language=pl") == {"Theirs draft"}
    assert titles("tag=toner") == {"Mine in printing"}
    assert titles(f"category={category.pk}") == {"Mine in printing"}
    assert titles("status=nonsense&category=x") == {"Mine in printing", "Theirs draft"}


def test_search_ranks_and_highlights_including_drafts(agent_client, world):
    make_article(world.agent_a, title="Printer shows a paper jam", body="Open the printer tray.")
    make_article(world.agent_a, title="VPN does not connect", body="Check the VPN client.")
    make_article(world.agent_a, title="Printer driver draft", status="draft", body="Driver.")
    response = agent_client.get("/desk/kb/?q=printer")
    html = response.content.decode()
    assert "<mark>" in html
    assert "paper jam" in html
    assert "driver draft" in html
    assert "VPN does not connect" not in html
    # The htmx refresh answers with the results only.
    partial = agent_client.get("/desk/kb/?q=printer", **HTMX).content.decode()
    assert 'id="kb-results"' in partial
    assert "<html" not in partial
    # A search combines with the other filters.
    drafts = agent_client.get("/desk/kb/?q=printer&status=draft").content.decode()
    assert "driver draft" in drafts
    assert "paper jam" not in drafts


@pytest.mark.slow  # builds 32 articles through the services, each indexed for search
def test_list_queries_do_not_grow_with_articles(agent_client, world):
    def add(count: int) -> None:
        for number in range(count):
            make_article(
                world.agent_a if number % 2 else world.engineer_a,
                title=f"Printer case {number}",
                tags=[f"tag{number}", "printer"],
                category_id=KbCategory.objects.get_or_create(name=f"Cat {number % 3}")[0].pk,
            )

    add(2)
    few = count_queries(agent_client, "/desk/kb/")
    few_search = count_queries(agent_client, "/desk/kb/?q=printer")
    add(30)
    assert count_queries(agent_client, "/desk/kb/") == few
    assert count_queries(agent_client, "/desk/kb/?q=printer") == few_search
    assert few <= 12


def test_create_category(agent_client, world):
    response = agent_client.post("/desk/kb/categories/", {"name": "  Printers  "})
    assert response.status_code == 302
    parent = KbCategory.objects.get(name="Printers")
    agent_client.post("/desk/kb/categories/", {"name": "Laser", "parent": parent.pk})
    assert KbCategory.objects.get(name="Laser").parent == parent
    assert "Printers › Laser" in agent_client.get("/desk/kb/").content.decode()


@pytest.mark.parametrize(
    ("_case", "name", "message"),
    [
        ("empty", "   ", "A category needs a name."),
        ("duplicate", "printers", "This category already exists."),
    ],
)
def test_create_category_refused(agent_client, world, _case, name, message):
    kb_services.create_category(actor=actor(world.agent_a), name="Printers")
    response = agent_client.post("/desk/kb/categories/", {"name": name})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert KbCategory.objects.count() == 1


# --- article page, status, review ---------------------------------------------------------


def test_article_page_shows_everything(agent_client, world):
    ticket = make_ticket(actor(world.requester_a))
    article = make_article(
        world.agent_a, tags=["printer"], body="Look at ![jam](attachment:log.txt)"
    )
    attachment = kb_services.add_attachment(
        actor=actor(world.agent_a), article_id=article.pk, file=incoming()
    )
    kb_services.link_article_to_ticket(
        actor=actor(world.agent_a), article_id=article.pk, number=ticket.number
    )
    html = agent_client.get(f"/desk/kb/{article.pk}/").content.decode()
    download = f"/desk/kb/{article.pk}/files/{attachment.pk}/"
    assert f'src="{download}"' in html
    assert f"#{ticket.number}" in html
    assert "printer" in html
    assert "r1" in html
    assert "Mark reviewed" in html
    assert f"http://testserver/kb/{article.pk}/" not in html  # internal: no portal link
    response = agent_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"line 1\n"


def test_linked_tickets_only_those_the_agent_sees(client, world):
    article = make_article(world.lead, visibility="public")
    ticket_a = make_ticket(actor(world.requester_a), subject="Acme thing")
    ticket_b = make_ticket(actor(world.requester_b), subject="Globex thing")
    for ticket in (ticket_a, ticket_b):
        kb_services.link_article_to_ticket(
            actor=actor(world.lead), article_id=article.pk, number=ticket.number
        )
    client.force_login(world.agent_a)
    html = client.get(f"/desk/kb/{article.pk}/").content.decode()
    assert "Acme thing" in html
    assert "Globex thing" not in html
    assert f"http://testserver/kb/{article.pk}/" in html  # public: the portal link to copy


def test_publish_unpublish_and_archive(agent_client, world):
    article = make_article(world.agent_a, status="draft")
    agent_client.post(f"/desk/kb/{article.pk}/status/", {"status": "published"})
    article.refresh_from_db()
    assert article.status == "published"
    assert article.published_at is not None
    agent_client.post(f"/desk/kb/{article.pk}/status/", {"status": "archived"})
    article.refresh_from_db()
    assert article.status == "archived"


def test_archiving_someone_elses_article_is_refused(agent_client, world):
    article = make_article(world.engineer_a)
    response = agent_client.post(
        f"/desk/kb/{article.pk}/status/", {"status": "archived"}, follow=True
    )
    assert "Only the article&#x27;s owner or a manager can archive it." in response.content.decode()
    article.refresh_from_db()
    assert article.status == "published"


def test_mark_reviewed(agent_client, world):
    article = make_article(world.agent_a)
    response = agent_client.post(f"/desk/kb/{article.pk}/review/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.reviewed_at is not None
    other = make_article(world.engineer_a)
    response = agent_client.post(f"/desk/kb/{other.pk}/review/", follow=True)
    assert "can mark it reviewed" in response.content.decode()
    other.refresh_from_db()
    assert other.reviewed_at is None


# --- editor -------------------------------------------------------------------------------


def _form(**overrides):
    data = {
        "title": "Printer offline",
        "body": "Turn it **off** and on.",
        "language": "en",
        "category": "",
        "tags": "printer, Network ",
        "visibility": "internal",
        "status": "draft",
        "note": "first",
    }
    data.update(overrides)
    return data


def test_create_article(agent_client, world):
    assert agent_client.get("/desk/kb/new/").status_code == 200
    response = agent_client.post("/desk/kb/new/", _form())
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/desk/kb/{article.pk}/"
    assert article.owner == world.agent_a
    assert sorted(tag.name for tag in article.tags.all()) == ["network", "printer"]
    assert article.revisions.get().note == "first"


def test_create_limited_to_a_served_organization(agent_client, world):
    response = agent_client.post(
        "/desk/kb/new/", _form(visibility="organizations", organizations=[world.org_a.pk])
    )
    assert response.status_code == 302
    assert list(Article.objects.get().organizations.all()) == [world.org_a]


@pytest.mark.parametrize(
    ("_case", "overrides", "message"),
    [
        ("empty title", {"title": "  "}, "An article needs a title."),
        (
            "unserved organization",
            {"visibility": "organizations", "organizations": ["ORG_B"]},
            "is not one of the available choices",
        ),
        ("no organization", {"visibility": "organizations"}, "Choose at least one organization"),
    ],
)
def test_create_refused_keeps_the_text(agent_client, world, _case, overrides, message):
    if overrides.get("organizations") == ["ORG_B"]:
        overrides = {**overrides, "organizations": [world.org_b.pk]}
    body = "My long text that must not be lost"
    response = agent_client.post("/desk/kb/new/", _form(body=body, **overrides))
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert body in html
    assert Article.objects.count() == 0


def test_edit_makes_a_new_revision(agent_client, world):
    article = make_article(world.agent_a)
    page = agent_client.get(f"/desk/kb/{article.pk}/edit/").content.decode()
    assert 'name="expected_revision" value="1"' in page
    response = agent_client.post(
        f"/desk/kb/{article.pk}/edit/",
        _form(
            title="Printer shows a paper jam",
            body="New steps",
            expected_revision=1,
            status="published",
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.revision_number, article.body) == (2, "New steps")
    assert article.revisions.get(number=2).author == world.agent_a


def test_stale_revision_conflict_keeps_the_typed_text(agent_client, world):
    article = make_article(world.agent_a)
    kb_services.update_article(
        actor=actor(world.engineer_a), article_id=article.pk, body="Engineer's newer text"
    )
    typed = "My careful rewrite\nwith two lines"
    response = agent_client.post(
        f"/desk/kb/{article.pk}/edit/", _form(body=typed, expected_revision=1)
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Someone saved this article while you were editing it (revision 2)" in html
    assert typed in html
    assert 'name="expected_revision" value="2"' in html
    article.refresh_from_db()
    assert (article.revision_number, article.body) == (2, "Engineer's newer text")
    # Saving again, knowingly, replaces the newer revision.
    response = agent_client.post(
        f"/desk/kb/{article.pk}/edit/", _form(body=typed, expected_revision=2)
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.revision_number, article.body) == (3, typed)


def test_edit_keeps_organizations_the_agent_does_not_serve(client, world):
    article = make_article(
        world.lead, visibility="organizations", organization_ids=[world.org_a.pk, world.org_b.pk]
    )
    client.force_login(world.agent_a)
    response = client.post(
        f"/desk/kb/{article.pk}/edit/",
        _form(
            title=article.title,
            visibility="organizations",
            organizations=[world.org_a.pk],
            expected_revision=1,
        ),
    )
    assert response.status_code == 302
    assert set(article.organizations.values_list("pk", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }


def test_preview_renders_markdown_safely(agent_client, world):
    article = make_article(world.agent_a)
    attachment = kb_services.add_attachment(
        actor=actor(world.agent_a),
        article_id=article.pk,
        file=incoming("shot.png", kind="image/png"),
    )
    response = agent_client.post(
        f"/desk/kb/preview/?article={article.pk}",
        {"body": "**bold** <script>alert(1)</script> ![s](attachment:shot.png)"},
        **HTMX,
    )
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html
    assert f'src="/desk/kb/{article.pk}/files/{attachment.pk}/"' in html


# --- files --------------------------------------------------------------------------------


def test_upload_attachment(agent_client, world):
    article = make_article(world.agent_a)
    response = agent_client.post(f"/desk/kb/{article.pk}/files/", {"file": upload("screen.png")})
    assert response.status_code == 302
    attachment = ArticleAttachment.objects.get()
    assert (attachment.name, attachment.article_id) == ("screen.png", article.pk)
    download = agent_client.get(f"/desk/kb/{article.pk}/files/{attachment.pk}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("_case", "file", "message"),
    [
        ("blocked", ("run.exe", b"MZ"), "Files of type .exe are not accepted."),
        ("too large", ("big.txt", b"x" * 64), "big.txt"),
        ("none", None, "Choose a file to upload."),
    ],
)
def test_upload_refused(agent_client, world, settings, _case, file, message):
    settings.LINIA_MAX_ATTACHMENT_BYTES = 32
    article = make_article(world.agent_a)
    data = {"file": upload(file[0], file[1], "application/octet-stream")} if file else {}
    response = agent_client.post(f"/desk/kb/{article.pk}/files/", data)
    assert response.status_code in {413, 422}
    assert 'class="alert error"' in response.content.decode()
    assert message in response.content.decode()
    assert ArticleAttachment.objects.count() == 0


def test_download_of_another_articles_file_is_404(agent_client, world):
    first = make_article(world.agent_a)
    second = make_article(world.agent_a, title="Second")
    attachment = kb_services.add_attachment(
        actor=actor(world.agent_a), article_id=first.pk, file=incoming()
    )
    assert agent_client.get(f"/desk/kb/{second.pk}/files/{attachment.pk}/").status_code == 404


# --- revisions ----------------------------------------------------------------------------


def _three_revisions(world) -> Article:
    article = make_article(world.agent_a, body="alpha\nbeta gamma\ndelta\n")
    agent = actor(world.agent_a)
    kb_services.update_article(
        actor=agent, article_id=article.pk, body="alpha\nbeta GAMMA\ndelta\nepsilon\n", note="caps"
    )
    kb_services.update_article(actor=agent, article_id=article.pk, title="Renamed", body="alpha\n")
    return article


def test_revisions_list(agent_client, world):
    article = _three_revisions(world)
    html = agent_client.get(f"/desk/kb/{article.pk}/revisions/").content.decode()
    assert html.count('id="revision-') == 3
    assert "caps" in html
    assert "current" in html


def test_diff_previous_to_selected(agent_client, world):
    article = _three_revisions(world)
    html = agent_client.get(f"/desk/kb/{article.pk}/revisions/2/").content.decode()
    assert "<del>gamma</del>" in html
    assert "<ins>GAMMA</ins>" in html
    assert "<ins>epsilon</ins>" in html
    assert "Restore r2" in html


def test_diff_between_any_two(agent_client, world):
    article = _three_revisions(world)
    html = agent_client.get(f"/desk/kb/{article.pk}/revisions/3/?from=1").content.decode()
    assert "r1 → r3" in html
    assert "<del>beta gamma</del>" in html
    assert "<ins>Renamed</ins>" in html
    assert "Restore r3" not in html  # the current one
    assert agent_client.get(f"/desk/kb/{article.pk}/revisions/9/").status_code == 404
    assert agent_client.get(f"/desk/kb/{article.pk}/revisions/3/?from=7").status_code == 404


def test_restore_revision(agent_client, world):
    article = _three_revisions(world)
    response = agent_client.post(f"/desk/kb/{article.pk}/revisions/1/restore/")
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.revision_number, article.title, article.body) == (
        4,
        "Printer shows a paper jam",
        "alpha\nbeta gamma\ndelta\n",
    )
    newest = ArticleRevision.objects.get(article=article, number=4)
    assert (newest.restored_from, newest.author) == (1, world.agent_a)
    html = agent_client.get(f"/desk/kb/{article.pk}/revisions/").content.decode()
    assert "restored from r1" in html


def test_restore_the_current_revision_is_refused(agent_client, world):
    article = make_article(world.agent_a)
    response = agent_client.post(f"/desk/kb/{article.pk}/revisions/1/restore/", follow=True)
    assert "already the current one" in response.content.decode()
    assert ArticleRevision.objects.filter(article=article).count() == 1


# --- from a ticket ------------------------------------------------------------------------


def test_document_this_solution(agent_client, world):
    ticket = make_ticket_in(
        "resolved",
        requester=actor(world.requester_a),
        manager=actor(world.manager),
        subject="Printer eats paper",
    )
    page = agent_client.get(f"/desk/kb/new/?ticket={ticket.number}").content.decode()
    assert 'value="Printer eats paper"' in page
    assert "Replaced the toner" in page
    assert f'name="source_ticket_number" value="{ticket.number}"' in page
    response = agent_client.post(
        "/desk/kb/new/", _form(title="Printer eats paper", source_ticket_number=ticket.number)
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.source_ticket == ticket
    link = ArticleTicketLink.objects.get()
    assert (link.ticket, link.kind) == (ticket, LinkKind.DOCUMENTS)


def test_document_an_open_ticket_is_refused(agent_client, world):
    ticket = make_ticket(actor(world.requester_a))
    response = agent_client.get(f"/desk/kb/new/?ticket={ticket.number}", follow=True)
    assert "Only a resolved or closed ticket can be documented" in response.content.decode()
    assert Article.objects.count() == 0


def test_document_a_ticket_reopened_meanwhile_is_refused(agent_client, world):
    ticket = make_ticket(actor(world.requester_a))
    body = "The solution I wrote"
    response = agent_client.post(
        "/desk/kb/new/", _form(body=body, source_ticket_number=ticket.number)
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Only a resolved or closed ticket can be documented" in html
    assert body in html
    assert Article.objects.count() == 0
    assert ArticleTicketLink.objects.count() == 0


def test_mark_reviewed_goes_back_only_to_this_site(agent_client, world):
    article = make_article(world.agent_a)
    path = f"/desk/kb/{article.pk}/review/"
    response = agent_client.post(path, {"next": "/desk/kb/upkeep/"})
    assert response["Location"] == "/desk/kb/upkeep/"
    response = agent_client.post(path, {"next": "https://evil.example/"})
    assert response["Location"] == f"/desk/kb/{article.pk}/"


def test_document_a_ticket_of_another_organization_is_404(agent_client, world):
    ticket = make_ticket_in(
        "resolved", requester=actor(world.requester_b), manager=actor(world.manager)
    )
    assert agent_client.get(f"/desk/kb/new/?ticket={ticket.number}").status_code == 404
    response = agent_client.post("/desk/kb/new/", _form(source_ticket_number=ticket.number))
    assert response.status_code == 404
    assert Article.objects.count() == 0


def test_ticket_page_loads_the_panel_lazily(agent_client, world, ticket_a):
    html = agent_client.get(f"/desk/tickets/{ticket_a.number}/").content.decode()
    assert f'hx-get="/desk/tickets/{ticket_a.number}/kb-panel/"' in html


def test_panel_shows_linked_related_and_similar(agent_client, world):
    agent = actor(world.agent_a)
    manager = actor(world.manager)
    ticket = make_ticket(actor(world.requester_a), subject="Printer paper jam again")
    solved_a = make_ticket_in(
        "resolved",
        requester=actor(world.requester_a),
        manager=manager,
        subject="Printer jam in room 5",
    )
    solved_b = make_ticket_in(
        "resolved",
        requester=actor(world.requester_b),
        manager=manager,
        subject="Printer jam at Globex",
    )
    for item in (ticket, solved_a, solved_b):
        index_ticket(item.pk)
    related = make_article(
        world.engineer_a, title="Clearing a printer paper jam", visibility="public"
    )
    linked = make_article(world.agent_a, title="Toner replacement", status="draft")
    hidden = limited_to_b(world)
    kb_services.update_article(
        actor=actor(world.agent_b), article_id=hidden.pk, title="Globex printer jam"
    )
    kb_services.link_article_to_ticket(actor=agent, article_id=linked.pk, number=ticket.number)
    response = agent_client.get(f"/desk/tickets/{ticket.number}/kb-panel/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Toner replacement" in html
    assert "Clearing a printer paper jam" in html
    assert f"http://testserver/kb/{related.pk}/" in html  # public: its portal link
    assert "Globex printer jam" not in html
    assert f"#{solved_a.number}" in html
    assert f"#{solved_b.number}" not in html
    assert "Document this solution" not in html


def test_panel_queries_do_not_grow_with_articles(agent_client, world, ticket_a):
    def add(count: int) -> None:
        for number in range(count):
            article = make_article(world.agent_a, title=f"Printer jam {number}", tags=["printer"])
            kb_services.link_article_to_ticket(
                actor=actor(world.agent_a), article_id=article.pk, number=ticket_a.number
            )
            make_article(world.engineer_a, title=f"Paper jam light {number}", visibility="public")

    path = f"/desk/tickets/{ticket_a.number}/kb-panel/"
    add(1)
    few = count_queries(agent_client, path, **HTMX)
    add(6)
    assert count_queries(agent_client, path, **HTMX) == few


def test_panel_offers_document_this_solution_on_a_solved_ticket(agent_client, world):
    ticket = make_ticket_in(
        "closed", requester=actor(world.requester_a), manager=actor(world.manager)
    )
    html = agent_client.get(f"/desk/tickets/{ticket.number}/kb-panel/").content.decode()
    assert f'href="/desk/kb/new/?ticket={ticket.number}"' in html


def test_panel_search(agent_client, world):
    ticket = make_ticket(actor(world.requester_a))
    make_article(world.agent_a, title="VPN client settings", body="Install the VPN client.")
    make_article(world.agent_a, title="VPN draft", status="draft")
    html = agent_client.get(
        f"/desk/tickets/{ticket.number}/kb-panel/?q=vpn", **HTMX
    ).content.decode()
    assert 'id="kb-panel-found"' in html
    assert "VPN client settings" in html
    assert "VPN draft" not in html  # a reply only gets published articles
    assert "Insert text" in html
    cleared = agent_client.get(
        f"/desk/tickets/{ticket.number}/kb-panel/?q=", **HTMX
    ).content.decode()
    assert 'id="kb-panel-found"' in cleared
    assert "Related articles" not in cleared


def test_panel_of_another_organizations_ticket_is_404(agent_client, world, ticket_b):
    assert agent_client.get(f"/desk/tickets/{ticket_b.number}/kb-panel/").status_code == 404
    article = make_article(world.agent_a)
    response = agent_client.post(
        f"/desk/tickets/{ticket_b.number}/kb-panel/use/", {"article": article.pk}
    )
    assert response.status_code == 404
    assert ArticleTicketLink.objects.count() == 0


def test_inserting_an_article_links_it(agent_client, world, ticket_a):
    article = make_article(world.agent_a)
    path = f"/desk/tickets/{ticket_a.number}/kb-panel/use/"
    assert agent_client.post(path, {"article": article.pk}).status_code == 204
    assert agent_client.post(path, {"article": article.pk}).status_code == 204
    link = ArticleTicketLink.objects.get()
    assert (link.kind, link.created_by) == (LinkKind.USED_IN_REPLY, world.agent_a)
    hidden = limited_to_b(world)
    assert agent_client.post(path, {"article": hidden.pk}).status_code == 404
    assert agent_client.post(path, {"article": "x"}).status_code == 422
    assert ArticleTicketLink.objects.count() == 1


def test_panel_insert_text_is_plain_text(agent_client, world, ticket_a):
    make_article(
        world.agent_a,
        title="Printer shows a paper jam",
        body="**Open** the tray.",
        visibility="public",
    )
    html = agent_client.get(f"/desk/tickets/{ticket_a.number}/kb-panel/").content.decode()
    match = re.search(r'data-kb-insert="(Printer shows a paper jam[^"]*)"', html)
    assert match is not None
    assert "Open the tray." in match.group(1)
    assert "**" not in match.group(1)


# --- upkeep -------------------------------------------------------------------------------


def _stale(article: Article) -> None:
    old = timezone.now() - timedelta(days=400)
    Article.objects.filter(pk=article.pk).update(published_at=old, reviewed_at=None)


def test_upkeep_for_an_agent_lists_own_stale_articles_only(agent_client, world):
    mine = make_article(world.agent_a, title="My old article")
    theirs = make_article(world.engineer_a, title="Their old article")
    _stale(mine)
    _stale(theirs)
    html = agent_client.get("/desk/kb/upkeep/").content.decode()
    assert "My old article" in html
    assert "Their old article" not in html
    assert "Most used" not in html
    assert "Deflection" not in html


def test_upkeep_for_a_manager(client, world):
    old = make_article(world.engineer_a, title="Their old article")
    _stale(old)
    make_article(world.agent_a, title="Popular one")
    client.force_login(world.manager)
    html = client.get("/desk/kb/upkeep/").content.decode()
    assert "Their old article" in html
    assert "Most used" in html
    assert "Popular one" in html
    assert "Least helpful" in html
    assert "Requests avoided" in html


def test_topbar_links_the_knowledge_base(agent_client, world):
    html = agent_client.get("/desk/kb/").content.decode()
    assert 'href="/desk/kb/" accesskey="k" class="active"' in html
