"""Knowledge-base reads: visibility for every role, the upkeep lists, the weekly review reminder,
Markdown rendering safety and the revision diff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from linia.core.errors import NotFound
from linia.directory.tests.factories import actor
from linia.kb import queries, services
from linia.kb.diff import diff_texts
from linia.kb.markdown import markdown_to_text, render_markdown
from linia.kb.models import Article
from linia.kb.tasks import send_review_reminders
from linia.tickets.tests.factories import make_ticket

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def make_article(author, **kwargs) -> Article:
    kwargs.setdefault("title", "The printer shows a paper jam")
    kwargs.setdefault("body", "Open the rear cover.")
    kwargs.setdefault("visibility", "public")
    kwargs.setdefault("status", "published")
    return services.create_article(actor=actor(author), **kwargs)


# --- visibility ---------------------------------------------------------------------------------


@pytest.fixture
def articles(shared_world) -> dict[str, Article]:
    """One article of each kind, by the manager (who may limit to any organization)."""
    w = shared_world
    made = {
        "public": make_article(w.manager, title="public"),
        "internal": make_article(w.manager, title="internal", visibility="internal"),
        "only_a": make_article(
            w.manager, title="only_a", visibility="organizations", organization_ids=[w.org_a.pk]
        ),
        "only_b": make_article(
            w.manager, title="only_b", visibility="organizations", organization_ids=[w.org_b.pk]
        ),
        "draft": make_article(w.manager, title="draft", status="draft"),
        "archived": make_article(w.manager, title="archived"),
    }
    services.set_article_status(
        actor=actor(w.manager), article_id=made["archived"].pk, status="archived"
    )
    return made


# Published articles each role reads; staff also open drafts and archived ones by id.
VISIBLE = {
    "requester_a": {"public", "only_a"},
    "client_manager_a": {"public", "only_a"},
    "requester_b": {"public", "only_b"},
    "client_manager_b": {"public", "only_b"},
    "agent_a": {"public", "internal", "only_a"},
    "agent_b": {"public", "internal", "only_b"},
    "lead": {"public", "internal", "only_a", "only_b"},
    "manager": {"public", "internal", "only_a", "only_b"},
}
STAFF = {"agent_a", "agent_b", "lead", "manager"}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_visible_articles_for_every_role(shared_world, articles, who):
    reader = actor(getattr(shared_world, who))

    published = set(queries.visible_articles(reader).values_list("title", flat=True))
    everything = set(
        queries.visible_articles(reader, include_unpublished=True).values_list("title", flat=True)
    )

    assert published == VISIBLE[who]
    expected_all = VISIBLE[who] | {"draft", "archived"} if who in STAFF else VISIBLE[who]
    assert everything == expected_all
    assert set(queries.list_articles_for(reader).values_list("title", flat=True)) == expected_all


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_get_article_for_is_not_found_for_hidden_articles(shared_world, articles, who):
    reader = actor(getattr(shared_world, who))
    readable = VISIBLE[who] | ({"draft", "archived"} if who in STAFF else set())

    for key, article in articles.items():
        if key in readable:
            assert queries.get_article_for(reader, article.pk).pk == article.pk
        else:
            with pytest.raises(NotFound):
                queries.get_article_for(reader, article.pk)
    with pytest.raises(NotFound):
        queries.get_article_for(reader, "not-a-number")


def test_links_show_only_visible_articles_and_tickets(shared_world, articles):
    w = shared_world
    ticket = make_ticket(actor(w.requester_a))
    manager = actor(w.manager)
    for key in ("public", "internal", "only_a"):
        services.link_article_to_ticket(
            actor=manager, article_id=articles[key].pk, number=ticket.number
        )

    def titles(who):
        return {link.article.title for link in queries.articles_linked_to_ticket(who, ticket.pk)}

    assert titles(actor(w.agent_a)) == {"public", "internal", "only_a"}
    assert titles(actor(w.requester_a)) == {"public", "only_a"}
    assert [
        link.ticket_id
        for link in queries.tickets_linked_to_article(actor(w.agent_a), articles["public"])
    ] == [ticket.pk]
    assert list(queries.tickets_linked_to_article(actor(w.agent_b), articles["public"])) == []


def test_list_filters(shared_world):
    agent = actor(shared_world.agent_a)
    category = services.create_category(actor=agent, name="Printing")
    make_article(
        shared_world.agent_a, title="Jam", category_id=category.pk, tags=["paper"], language="pl"
    )
    make_article(shared_world.engineer_a, title="VPN", status="draft")

    def titles(**filters):
        return [a.title for a in queries.list_articles_for(agent, **filters)]

    assert titles(category_id=category.pk) == ["Jam"]
    assert titles(tag="paper") == ["Jam"]
    assert titles(language="pl") == ["Jam"]
    assert titles(status="draft") == ["VPN"]
    assert titles(owner_id=shared_world.engineer_a.pk) == ["VPN"]


# --- upkeep lists -------------------------------------------------------------------------------


def test_stale_articles_are_those_not_reviewed_for_the_set_months(shared_world, settings):
    settings.LINIA_KB_REVIEW_MONTHS = 6
    agent = shared_world.agent_a
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        never_reviewed = make_article(agent, title="never reviewed")
        reviewed_long_ago = make_article(agent, title="reviewed long ago")
        reviewed_lately = make_article(agent, title="reviewed lately")
        old_draft = make_article(agent, title="old draft", status="draft")
        engineers = make_article(shared_world.engineer_a, title="engineer's")
    with time_machine.travel(NOW - timedelta(days=200), tick=False):
        services.mark_reviewed(actor=actor(agent), article_id=reviewed_long_ago.pk)
    with time_machine.travel(NOW - timedelta(days=10), tick=False):
        services.mark_reviewed(actor=actor(agent), article_id=reviewed_lately.pk)
        make_article(agent, title="new")

    assert [a.title for a in queries.stale_articles(now=NOW)] == [
        "never reviewed",
        "engineer's",
        "reviewed long ago",
    ]
    assert [a.pk for a in queries.stale_articles(owner_id=agent.pk, now=NOW)] == [
        never_reviewed.pk,
        reviewed_long_ago.pk,
    ]
    assert old_draft.pk not in {a.pk for a in queries.stale_articles(now=NOW)}
    assert engineers.owner_id == shared_world.engineer_a.pk


def test_most_used_by_views_then_links(shared_world):
    agent = shared_world.agent_a
    first, second, third = (make_article(agent, title=t) for t in ("first", "second", "third"))
    make_article(agent, title="draft", status="draft")
    reader = actor(shared_world.requester_a)
    for _ in range(3):
        services.record_view(actor=reader, article_id=second.pk)
    services.record_view(actor=reader, article_id=third.pk)
    services.link_article_to_ticket(
        actor=actor(agent), article_id=first.pk, number=make_ticket(reader).number
    )

    most_used = queries.most_used_articles(limit=3)
    assert [(a.title, a.view_count, a.links) for a in most_used] == [  # type: ignore[attr-defined]
        ("second", 3, 0),
        ("third", 1, 0),
        ("first", 0, 1),
    ]


def test_least_helpful_needs_enough_votes_and_sorts_by_share(shared_world):
    agent = shared_world.agent_a
    mixed = make_article(agent, title="mixed")
    bad = make_article(agent, title="bad")
    good = make_article(agent, title="good")
    few = make_article(agent, title="few votes")
    voters = [
        actor(u)
        for u in (
            shared_world.requester_a,
            shared_world.colleague_a,
            shared_world.client_manager_a,
            shared_world.agent_a,
        )
    ]

    def votes(article: Article, pattern: str) -> None:
        for voter, mark in zip(voters, pattern, strict=False):
            services.vote(actor=voter, article_id=article.pk, helpful=mark == "+")

    votes(mixed, "+--+")
    votes(bad, "--+")
    votes(good, "+++")
    votes(few, "--")

    assert [
        (a.title, a.helpful_count, a.unhelpful_count)
        for a in queries.least_helpful_articles(min_votes=3)
    ] == [("bad", 1, 2), ("mixed", 2, 2), ("good", 3, 0)]
    assert [a.title for a in queries.least_helpful_articles(limit=1)] == ["bad"]


def test_deflection_summary_counts_opens_without_a_ticket(
    shared_world, django_capture_on_commit_callbacks
):
    article = make_article(shared_world.agent_a)
    anna = actor(shared_world.requester_a)
    bob = actor(shared_world.requester_b)
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        services.record_suggestion_open(actor=bob, article_id=article.pk)
    services.record_suggestion_open(actor=anna, article_id=article.pk, query="printer")
    services.record_suggestion_open(actor=anna, article_id=article.pk, query="printer jam")
    services.record_suggestion_open(actor=bob, article_id=article.pk, query="printer")
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(anna)

    assert queries.deflection_summary() == {"opened": 4, "submitted": 2, "deflected": 2}
    assert queries.deflection_summary(since=NOW - timedelta(days=30)) == {
        "opened": 3,
        "submitted": 2,
        "deflected": 1,
    }


def test_an_open_older_than_the_window_stays_a_deflection(
    shared_world, django_capture_on_commit_callbacks
):
    article = make_article(shared_world.agent_a)
    anna = actor(shared_world.requester_a)
    with time_machine.travel(datetime.now(UTC) - timedelta(hours=3), tick=False):
        services.record_suggestion_open(actor=anna, article_id=article.pk)

    with django_capture_on_commit_callbacks(execute=True):
        make_ticket(anna)

    assert queries.deflection_summary() == {"opened": 1, "submitted": 0, "deflected": 1}


# --- the weekly review reminder ---------------------------------------------------------------


def test_review_reminder_mails_each_owner_once_a_week(shared_world, settings):
    settings.LINIA_KB_REVIEW_MONTHS = 6
    w = shared_world
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        make_article(w.agent_a, title="Printer offline")
        make_article(w.agent_a, title="VPN error 809")
        make_article(w.engineer_a, title="Spooler on the terminal server", visibility="internal")
    make_article(w.agent_a, title="Fresh")
    mail.outbox.clear()

    assert send_review_reminders(now=NOW) == 2

    sent = sorted(mail.outbox, key=lambda m: m.to[0])
    assert [(m.to, m.subject) for m in sent] == [
        ([w.agent_a.email], "2 knowledge base articles need your review"),
        ([w.engineer_a.email], "1 knowledge base article needs your review"),
    ]
    assert "Printer offline" in sent[0].body
    assert "VPN error 809" in sent[0].body
    assert "Fresh" not in sent[0].body
    assert "/desk/kb/" in sent[0].body

    mail.outbox.clear()
    assert send_review_reminders(now=NOW + timedelta(days=6)) == 0
    assert mail.outbox == []
    assert send_review_reminders(now=NOW + timedelta(days=7, minutes=1)) == 2
    assert len(mail.outbox) == 2


def test_a_reviewed_article_is_not_reminded(shared_world):
    with time_machine.travel(NOW - timedelta(days=400), tick=False):
        article = make_article(shared_world.agent_a)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        services.mark_reviewed(actor=actor(shared_world.agent_a), article_id=article.pk)
    mail.outbox.clear()

    assert send_review_reminders(now=NOW) == 0
    assert mail.outbox == []


# --- Markdown -----------------------------------------------------------------------------------


def test_markdown_renders_headings_lists_tables_and_code():
    html = render_markdown(
        "## Steps\n\n1. Open **Settings**\n2. Run `ipconfig`\n\n"
        "| Code | Meaning |\n|---|---|\n| 809 | blocked |\n\n```\nnet stop spooler\n```"
    )

    assert "<h2>Steps</h2>" in html
    assert "<ol>" in html
    assert "<strong>Settings</strong>" in html
    assert "<code>ipconfig</code>" in html
    assert "<td>809</td>" in html
    assert "<pre><code>net stop spooler\n</code></pre>" in html


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src=x onerror="alert(1)">', "<img"),
        ("[click](javascript:alert(1))", "<a"),
        ("[click](JAVASCRIPT:alert(1))", "<a"),
        ("![pixel](http://tracker.example/p.gif)", "tracker.example"),
        ("![inline](data:image/png;base64,iVBORw0KGgo=)", "data:"),
        ('<a href="https://evil.example">x</a>', "<a "),
    ],
)
def test_markdown_drops_unsafe_content(markdown, forbidden):
    assert forbidden not in render_markdown(markdown)


def test_markdown_keeps_safe_links_and_https_images():
    html = render_markdown("[Docs](https://docs.example/a) ![Logo](https://cdn.example/l.png)")

    assert '<a href="https://docs.example/a" rel="noopener noreferrer nofollow">Docs</a>' in html
    assert '<img src="https://cdn.example/l.png" alt="Logo">' in html


def test_markdown_resolves_attachment_references():
    urls = {"spooler 1.png": "/desk/kb/7/files/3/", "guide.pdf": "/desk/kb/7/files/4/"}

    html = render_markdown(
        "![Spooler](attachment:spooler%201.png) [Guide](attachment:guide.pdf) "
        "![Gone](attachment:missing.png)",
        attachment_url=urls.get,
    )

    assert '<img src="/desk/kb/7/files/3/" alt="Spooler">' in html
    assert '<a href="/desk/kb/7/files/4/" rel="noopener noreferrer nofollow">Guide</a>' in html
    assert "missing.png" not in html
    assert "attachment:" not in render_markdown("![x](attachment:a.png)")


def test_markdown_to_text():
    assert markdown_to_text("## Title\n\n1. **Open** the [cover](https://x.example)\n") == (
        "Title\nOpen the cover"
    )


# --- diff ---------------------------------------------------------------------------------------


def test_diff_marks_changed_words_added_and_removed_lines():
    lines = diff_texts("one\ntwo printers\nthree\nfour", "one\ntwo scanners\nthree\nfive\nsix")

    assert [(line.kind, line.old_number, line.new_number) for line in lines] == [
        ("same", 1, 1),
        ("changed", 2, 2),
        ("same", 3, 3),
        ("changed", 4, 4),
        ("added", None, 5),
    ]
    changed = lines[1]
    assert [(s.text, s.changed) for s in changed.old] == [("two ", False), ("printers", True)]
    assert [(s.text, s.changed) for s in changed.new] == [("two ", False), ("scanners", True)]


def test_diff_skips_far_unchanged_lines():
    old = "\n".join(f"line {n}" for n in range(20))
    new = old.replace("line 2\n", "line two\n").replace("line 17", "line seventeen")

    kinds = [line.kind for line in diff_texts(old, new, context=1)]

    assert kinds == ["same", "changed", "same", "skipped", "same", "changed", "same"]
    assert diff_texts("same", "same") == []
    assert [line.kind for line in diff_texts("", "new")] == ["added"]
    assert [line.kind for line in diff_texts("old", "")] == ["removed"]
