"""Help articles in the portal: the FAQ, an article, its files, votes, suggestions, deflection."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from linia.directory.tests.factories import actor
from linia.kb import services
from linia.kb.models import Article, ArticleVote, SuggestionOpen
from linia.tickets.services import IncomingFile


def _article(world, title: str, body: str = "", **kwargs) -> Article:
    kwargs.setdefault("visibility", "public")
    kwargs.setdefault("status", "published")
    return services.create_article(actor=actor(world.admin), title=title, body=body, **kwargs)


def _file(article: Article, world, name: str, content: bytes):
    return services.add_attachment(
        actor=actor(world.admin),
        article_id=article.pk,
        file=IncomingFile(name=name, content=ContentFile(content, name=name), size=len(content)),
    )


@pytest.fixture(name="kb")
def kb_fixture(world):
    """One readable article and every kind a requester of Acme must never see."""
    printers = services.create_category(actor=actor(world.admin), name="Printers")
    secret = services.create_category(actor=actor(world.admin), name="Secret runbooks")
    articles = {
        "public": _article(
            world,
            "The printer does not print",
            "Open the rear tray and remove the jammed sheet. ![jam](attachment:jam.png)",
            category_id=printers.pk,
        ),
        "acme": _article(
            world,
            "Acme printer: the VPN printer queue",
            "Acme's office printer is on the VPN queue.",
            visibility="organizations",
            organization_ids=[world.org_a.pk],
            category_id=printers.pk,
        ),
        "internal": _article(
            world,
            "Printer spooler reset runbook",
            "Internal printer steps for agents only.",
            visibility="internal",
            category_id=secret.pk,
        ),
        "globex": _article(
            world,
            "Globex printer does not print",
            "Globex printer secrets.",
            visibility="organizations",
            organization_ids=[world.org_b.pk],
            category_id=secret.pk,
        ),
        "draft": _article(world, "Draft printer note", "Unfinished printer text.", status="draft"),
    }
    archived = _article(world, "Archived printer note", "Old printer text.")
    services.set_article_status(actor=actor(world.admin), article_id=archived.pk, status="archived")
    articles["archived"] = archived
    files = {
        "public": _file(articles["public"], world, "jam.png", b"\x89PNG jam"),
        "internal": _file(articles["internal"], world, "runbook.txt", b"agents only"),
        "globex": _file(articles["globex"], world, "globex.txt", b"globex only"),
    }
    return {"articles": articles, "files": files, "printers": printers, "secret": secret}


HIDDEN = ("internal", "globex", "draft", "archived")
HIDDEN_TITLES = (
    "Printer spooler reset runbook",
    "Globex printer does not print",
    "Draft printer note",
    "Archived printer note",
)


def _url(name: str, *args) -> str:
    return reverse(f"portal:{name}", args=args)


# --- the FAQ ---------------------------------------------------------------------------------


def test_faq_lists_what_the_requester_may_read(client, world, kb):
    client.force_login(world.requester_a)
    response = client.get(_url("kb"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "The printer does not print" in body
    assert "Acme printer: the VPN printer queue" in body
    assert "Printers" in body
    for title in HIDDEN_TITLES:
        assert title not in body
    # A category holding only hidden articles is not shown, not even its name or count.
    assert "Secret runbooks" not in body
    nodes = response.context["nodes"]
    assert [(node.category.name, node.total) for node in nodes] == [("Printers", 2)]


def test_faq_of_another_organization(client, world, kb):
    client.force_login(world.requester_b)
    body = client.get(_url("kb")).content.decode()
    assert "The printer does not print" in body
    assert "Globex printer does not print" in body
    assert "Acme printer" not in body
    assert "Printer spooler reset runbook" not in body


def test_faq_shows_most_read(client, world, kb):
    public = kb["articles"]["public"]
    for _ in range(3):
        services.record_view(actor=actor(world.requester_a), article_id=public.pk)
    client.force_login(world.requester_a)
    response = client.get(_url("kb"))
    assert [a.pk for a in response.context["most_viewed"]] == [public.pk]


def test_faq_most_read_never_shows_hidden(client, world, kb):
    hidden = kb["articles"]["internal"]
    Article.objects.filter(pk=hidden.pk).update(view_count=1000)
    client.force_login(world.requester_a)
    response = client.get(_url("kb"))
    assert hidden.pk not in [a.pk for a in response.context["most_viewed"]]


def test_category_tree_counts_subcategories(client, world, kb):
    laser = services.create_category(
        actor=actor(world.admin), name="Laser printers", parent_id=kb["printers"].pk
    )
    _article(world, "Toner is low", "Replace the toner cartridge.", category_id=laser.pk)
    client.force_login(world.requester_a)
    nodes = client.get(_url("kb")).context["nodes"]
    assert [(n.category.name, n.depth, n.count, n.total) for n in nodes] == [
        ("Printers", 0, 2, 3),
        ("Laser printers", 1, 1, 1),
    ]
    page = client.get(_url("kb-category", laser.pk))
    assert page.status_code == 200
    assert [n.category.name for n in page.context["ancestors"]] == ["Printers"]
    parent = client.get(_url("kb-category", kb["printers"].pk))
    assert [n.category.name for n in parent.context["subcategories"]] == ["Laser printers"]
    assert [a.title for a in parent.context["page"].object_list] == [
        "Acme printer: the VPN printer queue",
        "The printer does not print",
    ]


def test_category_of_hidden_articles_only_is_404(client, world, kb):
    client.force_login(world.requester_a)
    assert client.get(_url("kb-category", kb["secret"].pk)).status_code == 404
    assert client.get(_url("kb-category", 999_999)).status_code == 404


def test_faq_caps_articles_per_category(client, world, kb):
    for number in range(7):
        _article(world, f"Printer tip {number}", category_id=kb["printers"].pk)
    client.force_login(world.requester_a)
    node = client.get(_url("kb")).context["nodes"][0]
    assert node.count == 9
    assert len(node.articles) == 5
    assert node.has_more


def test_faq_query_count_is_flat(client, world, kb, django_assert_max_num_queries):
    client.force_login(world.requester_a)
    client.get(_url("kb"))  # warm the session and the actor's queries
    with django_assert_max_num_queries(12) as small:
        client.get(_url("kb"))
    category = services.create_category(actor=actor(world.admin), name="Mail")
    for number in range(15):
        _article(world, f"Mail tip {number}", category_id=category.pk)
        _article(world, f"Loose tip {number}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url("kb"))


@pytest.mark.parametrize("who", ["manager", "agent_a"])
def test_staff_are_sent_to_the_desk(client, world, kb, who):
    client.force_login(getattr(world, who))
    response = client.get(_url("kb"))
    assert response.status_code == 302
    assert response["Location"] == "/desk/"


@pytest.mark.parametrize(
    "url",
    [
        lambda kb: _url("kb"),
        lambda kb: _url("kb-article", kb["articles"]["public"].pk),
        lambda kb: _url("kb-file", kb["articles"]["public"].pk, kb["files"]["public"].pk),
    ],
    ids=["faq", "article", "file"],
)
def test_anonymous_is_sent_to_log_in(client, world, kb, url):
    response = client.get(url(kb))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_nav_links_to_help_articles(client, world):
    client.force_login(world.requester_a)
    body = client.get(_url("home")).content.decode()
    assert f'href="{_url("kb")}"' in body


# --- one article -------------------------------------------------------------------------------


def test_article_page_renders_markdown_with_portal_file_urls(client, world, kb):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    response = client.get(_url("kb-article", public.pk))
    assert response.status_code == 200
    body = response.content.decode()
    file_url = _url("kb-file", public.pk, kb["files"]["public"].pk)
    assert f'<img src="{file_url}" alt="jam">' in body
    assert "remove the jammed sheet" in body
    assert "Was this helpful?" in body


def test_article_page_counts_each_view(client, world, kb):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    client.get(_url("kb-article", public.pk))
    client.get(_url("kb-article", public.pk))
    public.refresh_from_db()
    assert public.view_count == 2
    assert SuggestionOpen.objects.count() == 0  # not opened from a suggestion


def test_article_markdown_html_is_not_executed(client, world):
    article = _article(world, "Odd", "<script>alert(1)</script> [x](javascript:alert(2))")
    client.force_login(world.requester_a)
    body = client.get(_url("kb-article", article.pk)).content.decode()
    assert "<script>alert(1)" not in body
    assert 'href="javascript' not in body


@pytest.mark.parametrize("kind", HIDDEN)
@pytest.mark.parametrize("who", ["requester_a", "client_manager_a"])
def test_hidden_article_is_404_and_not_counted(client, world, kb, kind, who):
    hidden = kb["articles"][kind]
    client.force_login(getattr(world, who))
    assert client.get(_url("kb-article", hidden.pk)).status_code == 404
    assert client.get(_url("kb-article", hidden.pk) + "?from=suggest&q=x").status_code == 404
    assert client.post(_url("kb-vote", hidden.pk), {"helpful": "yes"}).status_code == 404
    hidden.refresh_from_db()
    assert (hidden.view_count, hidden.helpful_count) == (0, 0)
    assert not ArticleVote.objects.exists()
    assert not SuggestionOpen.objects.exists()


def test_missing_article_is_404(client, world):
    client.force_login(world.requester_a)
    assert client.get(_url("kb-article", 999_999)).status_code == 404


def test_org_limited_article_is_404_for_the_other_organization(client, world, kb):
    client.force_login(world.requester_b)
    assert client.get(_url("kb-article", kb["articles"]["acme"].pk)).status_code == 404
    client.force_login(world.requester_a)
    assert client.get(_url("kb-article", kb["articles"]["acme"].pk)).status_code == 200


def test_article_query_count_is_flat(client, world, kb, django_assert_max_num_queries):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    client.get(_url("kb-article", public.pk))
    with django_assert_max_num_queries(14) as small:
        client.get(_url("kb-article", public.pk))
    for number in range(5):
        _file(public, world, f"extra-{number}.txt", b"x")
    services.vote(actor=actor(world.colleague_a), article_id=public.pk, helpful=True)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url("kb-article", public.pk))


# --- files -----------------------------------------------------------------------------------


def test_reader_downloads_article_image(client, world, kb):
    public, image = kb["articles"]["public"], kb["files"]["public"]
    client.force_login(world.requester_a)
    response = client.get(_url("kb-file", public.pk, image.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG jam"
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("kind", ["internal", "globex"])
def test_file_of_hidden_article_is_404(client, world, kb, kind):
    client.force_login(world.requester_a)
    article, attachment = kb["articles"][kind], kb["files"][kind]
    assert client.get(_url("kb-file", article.pk, attachment.pk)).status_code == 404


def test_file_of_another_article_under_a_readable_one_is_404(client, world, kb):
    # The attachment must belong to the article in the URL, not just to any article.
    client.force_login(world.requester_a)
    public, internal_file = kb["articles"]["public"], kb["files"]["internal"]
    assert client.get(_url("kb-file", public.pk, internal_file.pk)).status_code == 404


# --- votes -----------------------------------------------------------------------------------


def test_vote_once_and_change_it(client, world, kb):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    url = _url("kb-vote", public.pk)
    response = client.post(url, {"helpful": "yes"})
    assert response.status_code == 302
    assert response["Location"] == _url("kb-article", public.pk) + "#vote"
    client.post(url, {"helpful": "yes"})
    public.refresh_from_db()
    assert (public.helpful_count, public.unhelpful_count) == (1, 0)
    client.post(url, {"helpful": "no"})
    public.refresh_from_db()
    assert (public.helpful_count, public.unhelpful_count) == (0, 1)
    assert ArticleVote.objects.get().helpful is False
    page = client.get(_url("kb-article", public.pk))
    assert page.context["my_vote"] is False


def test_two_people_vote(client, world, kb):
    public = kb["articles"]["public"]
    for user in (world.requester_a, world.colleague_a):
        client.force_login(user)
        client.post(_url("kb-vote", public.pk), {"helpful": "yes"})
    public.refresh_from_db()
    assert (public.helpful_count, public.unhelpful_count) == (2, 0)


def test_htmx_vote_returns_the_vote_partial(client, world, kb):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    response = client.post(_url("kb-vote", public.pk), {"helpful": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card kb-vote" id="vote"')
    assert 'value="yes" aria-pressed="true"' in body
    assert "Helpful: 1" in body
    assert "<html" not in body


@pytest.mark.parametrize("answer", ["", "maybe", "yes" * 100])
def test_bad_vote_is_refused_and_nothing_changes(client, world, kb, answer):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    response = client.post(_url("kb-vote", public.pk), {"helpful": answer}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Choose “Yes” or “No”." in response.content.decode()
    assert not ArticleVote.objects.exists()


def test_vote_needs_post(client, world, kb):
    client.force_login(world.requester_a)
    assert client.get(_url("kb-vote", kb["articles"]["public"].pk)).status_code == 405


def test_staff_get_files_only_of_articles_they_may_read(client, world, kb):
    globex, globex_file = kb["articles"]["globex"], kb["files"]["globex"]
    client.force_login(world.agent_a)  # serves Acme only
    assert client.get(_url("kb-file", globex.pk, globex_file.pk)).status_code == 404
    client.force_login(world.agent_b)  # serves Globex
    assert client.get(_url("kb-file", globex.pk, globex_file.pk)).status_code == 200
