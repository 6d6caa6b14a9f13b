"""Knowledge-base writes: articles and revisions, status, tags, organizations, votes, views,
suggestion opens (deflection), links to tickets, drafts from tickets and attachments."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from linia.core.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from linia.directory.tests.factories import actor
from linia.kb import services
from linia.kb.models import (
    Article,
    ArticleAttachment,
    ArticleRevision,
    ArticleTicketLink,
    ArticleVote,
    LinkKind,
    SuggestionOpen,
    Tag,
)
from linia.tickets.services import IncomingFile
from linia.tickets.tests.factories import make_ticket, make_ticket_in


def make_article(author, **kwargs) -> Article:
    kwargs.setdefault("title", "The printer shows a paper jam")
    kwargs.setdefault("body", "1. Open the rear cover.\n2. Pull the paper out.")
    kwargs.setdefault("visibility", "public")
    kwargs.setdefault("status", "published")
    return services.create_article(actor=actor(author), **kwargs)


def revisions(article: Article) -> list[tuple[int, str, str, int | None]]:
    return [
        (revision.number, revision.title, revision.note, revision.restored_from)
        for revision in ArticleRevision.objects.filter(article=article).order_by("number")
    ]


def incoming(name: str = "spooler.png", data: bytes = b"\x89PNG image", **kwargs) -> IncomingFile:
    return IncomingFile(name=name, content=ContentFile(data), size=len(data), **kwargs)


def stored_files() -> list[str]:
    root = settings.MEDIA_ROOT / "kb"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- create and update ------------------------------------------------------------------------


def test_create_article_saves_revision_one_with_tags(shared_world):
    article = make_article(
        shared_world.agent_a,
        title="  VPN   error 809 ",
        tags=["VPN", " vpn ", "Windows  11"],
        note="First version",
        language="pl",
    )

    article.refresh_from_db()
    assert (article.title, article.language, article.revision_number) == (
        "VPN error 809",
        "pl",
        1,
    )
    assert article.owner_id == shared_world.agent_a.pk
    assert article.published_at is not None
    assert sorted(article.tags.values_list("name", flat=True)) == ["vpn", "windows 11"]
    assert revisions(article) == [(1, "VPN error 809", "First version", None)]
    assert article.search_document.title_terms


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "   "}, "title_required"),
        ({"title": "x" * 251}, "title_too_long"),
        ({"language": "de"}, "language_unknown"),
        ({"visibility": "everyone"}, "visibility_unknown"),
        ({"status": "gone"}, "status_unknown"),
        ({"category_id": 999_999}, "category_unknown"),
        ({"visibility": "organizations"}, "organizations_required"),
        ({"tags": [f"tag{n}" for n in range(21)]}, "too_many_tags"),
    ],
)
def test_create_article_refuses_bad_input_and_writes_nothing(shared_world, changes, code):
    with pytest.raises(Invalid) as error:
        make_article(shared_world.agent_a, **changes)

    assert error.value.code == code
    assert Article.objects.count() == 0
    assert ArticleRevision.objects.count() == 0


@pytest.mark.parametrize("who", ["requester_a", "client_manager_a"])
def test_clients_cannot_write_articles(shared_world, who):
    with pytest.raises(Forbidden):
        make_article(getattr(shared_world, who))

    assert Article.objects.count() == 0


def test_update_makes_a_revision_only_when_title_or_text_change(shared_world):
    agent = actor(shared_world.agent_a)
    article = make_article(shared_world.agent_a)

    services.update_article(actor=agent, article_id=article.pk, tags=["printing"], language="ru")
    services.update_article(actor=agent, article_id=article.pk, title=article.title)
    assert revisions(article) == [(1, "The printer shows a paper jam", "", None)]

    services.update_article(
        actor=agent, article_id=article.pk, body="Open the front cover.", note="Front, not rear"
    )
    services.update_article(actor=agent, article_id=article.pk, title="Paper jam")

    article.refresh_from_db()
    assert article.revision_number == 3
    assert (article.language, article.body) == ("ru", "Open the front cover.")
    assert list(article.tags.values_list("name", flat=True)) == ["printing"]
    assert revisions(article) == [
        (1, "The printer shows a paper jam", "", None),
        (2, "The printer shows a paper jam", "Front, not rear", None),
        (3, "Paper jam", "", None),
    ]
    assert ArticleRevision.objects.get(article=article, number=2).author_id == agent.user_id


def test_update_with_a_stale_revision_is_refused_and_writes_nothing(shared_world):
    agent = actor(shared_world.agent_a)
    article = make_article(shared_world.agent_a)
    services.update_article(actor=agent, article_id=article.pk, body="Second text")

    with pytest.raises(Conflict) as error:
        services.update_article(
            actor=actor(shared_world.engineer_a),
            article_id=article.pk,
            expected_revision=1,
            title="Overwritten",
            body="Overwritten",
            tags=["lost"],
        )

    assert error.value.code == "stale_revision"
    article.refresh_from_db()
    assert (article.title, article.body, article.revision_number) == (
        "The printer shows a paper jam",
        "Second text",
        2,
    )
    assert ArticleRevision.objects.filter(article=article).count() == 2
    assert not Tag.objects.filter(name="lost").exists()

    services.update_article(
        actor=agent, article_id=article.pk, expected_revision=2, body="Third text"
    )
    article.refresh_from_db()
    assert article.revision_number == 3


def test_update_of_a_hidden_article_is_not_found(shared_world):
    article = make_article(
        shared_world.agent_a, visibility="organizations", organization_ids=[shared_world.org_a.pk]
    )

    with pytest.raises(NotFound):
        services.update_article(
            actor=actor(shared_world.agent_b), article_id=article.pk, title="Mine now"
        )

    article.refresh_from_db()
    assert article.title == "The printer shows a paper jam"


# --- restore ------------------------------------------------------------------------------------


def test_restore_makes_a_new_revision_from_the_old_one(shared_world):
    agent = actor(shared_world.agent_a)
    article = make_article(shared_world.agent_a, body="Original")
    services.update_article(actor=agent, article_id=article.pk, title="Changed", body="Changed")

    restored = services.restore_revision(actor=agent, article_id=article.pk, number=1)

    assert (restored.title, restored.body, restored.revision_number) == (
        "The printer shows a paper jam",
        "Original",
        3,
    )
    assert revisions(article)[-1] == (3, "The printer shows a paper jam", "Restored revision 1", 1)

    with pytest.raises(Conflict):
        services.restore_revision(actor=agent, article_id=article.pk, number=3)
    with pytest.raises(NotFound):
        services.restore_revision(actor=agent, article_id=article.pk, number=9)
    assert ArticleRevision.objects.filter(article=article).count() == 3


# --- status -------------------------------------------------------------------------------------


def test_only_the_owner_or_a_manager_archives(shared_world):
    article = make_article(shared_world.agent_a)

    with pytest.raises(Forbidden):
        services.set_article_status(
            actor=actor(shared_world.engineer_a), article_id=article.pk, status="archived"
        )
    article.refresh_from_db()
    assert article.status == "published"

    services.set_article_status(
        actor=actor(shared_world.agent_a), article_id=article.pk, status="archived"
    )
    article.refresh_from_db()
    assert article.status == "archived"

    other = make_article(shared_world.agent_a)
    services.set_article_status(
        actor=actor(shared_world.manager), article_id=other.pk, status="archived"
    )
    other.refresh_from_db()
    assert other.status == "archived"


def test_publishing_a_draft_sets_published_at_once(shared_world):
    agent = actor(shared_world.agent_a)
    article = make_article(shared_world.agent_a, status="draft")
    assert Article.objects.get(pk=article.pk).published_at is None

    services.set_article_status(actor=agent, article_id=article.pk, status="published")
    article.refresh_from_db()
    first = article.published_at
    assert first is not None

    services.set_article_status(actor=agent, article_id=article.pk, status="draft")
    services.set_article_status(actor=agent, article_id=article.pk, status="published")
    article.refresh_from_db()
    assert article.published_at == first
    assert article.revision_number == 1


def test_mark_reviewed_and_change_owner_belong_to_owner_or_manager(shared_world):
    article = make_article(shared_world.agent_a)

    with pytest.raises(Forbidden):
        services.mark_reviewed(actor=actor(shared_world.engineer_a), article_id=article.pk)
    services.mark_reviewed(actor=actor(shared_world.agent_a), article_id=article.pk)
    article.refresh_from_db()
    assert article.reviewed_at is not None

    with pytest.raises(Invalid):
        services.change_owner(
            actor=actor(shared_world.agent_a),
            article_id=article.pk,
            owner_id=shared_world.requester_a.pk,
        )
    services.change_owner(
        actor=actor(shared_world.manager), article_id=article.pk, owner_id=shared_world.lead.pk
    )
    article.refresh_from_db()
    assert article.owner_id == shared_world.lead.pk


# --- organizations -----------------------------------------------------------------------------


def test_an_agent_limits_an_article_only_to_organizations_they_serve(shared_world):
    with pytest.raises(Invalid) as error:
        make_article(
            shared_world.agent_a,
            visibility="organizations",
            organization_ids=[shared_world.org_b.pk],
        )
    assert error.value.code == "organization_not_served"
    assert Article.objects.count() == 0

    article = make_article(
        shared_world.agent_a, visibility="organizations", organization_ids=[shared_world.org_a.pk]
    )
    assert list(article.organizations.values_list("name", flat=True)) == ["Acme"]

    with pytest.raises(Invalid):
        services.update_article(
            actor=actor(shared_world.agent_a),
            article_id=article.pk,
            organization_ids=[shared_world.org_a.pk, shared_world.org_b.pk],
        )
    assert list(article.organizations.values_list("name", flat=True)) == ["Acme"]

    both = make_article(
        shared_world.manager,
        visibility="organizations",
        organization_ids=[shared_world.org_a.pk, shared_world.org_b.pk],
    )
    assert both.organizations.count() == 2


def test_an_agent_editing_organizations_keeps_those_they_do_not_serve(shared_world):
    both = make_article(
        shared_world.manager,
        visibility="organizations",
        organization_ids=[shared_world.org_a.pk, shared_world.org_b.pk],
    )
    # agent_a serves only Acme: sending just Acme must not drop Globex, which they cannot see.
    services.update_article(
        actor=actor(shared_world.agent_a),
        article_id=both.pk,
        organization_ids=[shared_world.org_a.pk],
    )
    assert sorted(both.organizations.values_list("name", flat=True)) == ["Acme", "Globex"]
    # Sending back what the API showed them (both ids) is no attempt to add Globex either.
    services.update_article(
        actor=actor(shared_world.agent_a),
        article_id=both.pk,
        organization_ids=[shared_world.org_a.pk, shared_world.org_b.pk],
    )
    assert both.organizations.count() == 2


def test_unknown_organization_is_refused(shared_world):
    with pytest.raises(Invalid):
        make_article(shared_world.manager, visibility="organizations", organization_ids=[999_999])
    assert Article.objects.count() == 0


# --- votes and views ---------------------------------------------------------------------------


def test_one_vote_per_person_and_a_changed_vote_moves_the_counts(shared_world):
    article = make_article(shared_world.agent_a)
    anna = actor(shared_world.requester_a)
    boris = actor(shared_world.colleague_a)

    services.vote(actor=anna, article_id=article.pk, helpful=True)
    services.vote(actor=anna, article_id=article.pk, helpful=True)
    services.vote(actor=boris, article_id=article.pk, helpful=True)
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (2, 0)

    services.vote(actor=anna, article_id=article.pk, helpful=False)
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 1)
    assert ArticleVote.objects.filter(article=article).count() == 2


def test_drafts_refuse_votes_and_hidden_articles_are_not_found(shared_world):
    draft = make_article(shared_world.agent_a, status="draft")
    with pytest.raises(Conflict):
        services.vote(actor=actor(shared_world.agent_a), article_id=draft.pk, helpful=True)
    with pytest.raises(NotFound):
        services.vote(actor=actor(shared_world.requester_a), article_id=draft.pk, helpful=True)
    assert ArticleVote.objects.count() == 0


def test_record_view_counts_visible_articles_only(shared_world):
    article = make_article(shared_world.agent_a)
    internal = make_article(shared_world.agent_a, visibility="internal")

    services.record_view(actor=actor(shared_world.requester_a), article_id=article.pk)
    services.record_view(actor=actor(shared_world.agent_b), article_id=article.pk)
    with pytest.raises(NotFound):
        services.record_view(actor=actor(shared_world.requester_a), article_id=internal.pk)

    article.refresh_from_db()
    internal.refresh_from_db()
    assert (article.view_count, internal.view_count) == (2, 0)


# --- suggestions (deflection) --------------------------------------------------------------


def test_suggestion_opens_are_recorded_for_clients_only(shared_world):
    article = make_article(shared_world.agent_a)

    opened = services.record_suggestion_open(
        actor=actor(shared_world.requester_a), article_id=article.pk, query="printer jam" * 40
    )
    assert (opened.user_id, len(opened.query), opened.ticket_id) == (
        shared_world.requester_a.pk,
        250,
        None,
    )
    with pytest.raises(Forbidden):
        services.record_suggestion_open(actor=actor(shared_world.agent_a), article_id=article.pk)
    assert SuggestionOpen.objects.count() == 1


def test_a_submitted_request_claims_the_requesters_recent_opens(
    shared_world, django_capture_on_commit_callbacks
):
    world = shared_world
    article = make_article(world.agent_a)
    anna = actor(world.requester_a)
    services.record_suggestion_open(actor=anna, article_id=article.pk, query="printer")
    services.record_suggestion_open(
        actor=actor(world.requester_b), article_id=article.pk, query="printer"
    )

    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(anna)

    assert sorted(SuggestionOpen.objects.values_list("user__username", "ticket_id")) == [
        ("anna", ticket.pk),
        ("bob", None),
    ]


# --- articles and tickets ----------------------------------------------------------------------


def test_link_article_to_ticket_is_idempotent(shared_world):
    article = make_article(shared_world.agent_a)
    ticket = make_ticket(actor(shared_world.requester_a))
    agent = actor(shared_world.agent_a)

    first = services.link_article_to_ticket(
        actor=agent, article_id=article.pk, number=ticket.number, kind=LinkKind.USED_IN_REPLY
    )
    second = services.link_article_to_ticket(
        actor=agent, article_id=article.pk, number=ticket.number
    )

    assert first.pk == second.pk
    assert second.kind == LinkKind.USED_IN_REPLY
    assert ArticleTicketLink.objects.count() == 1


def test_link_checks_tenancy_and_role(shared_world):
    article = make_article(shared_world.agent_a)
    ticket = make_ticket(actor(shared_world.requester_a))

    with pytest.raises(NotFound):
        services.link_article_to_ticket(
            actor=actor(shared_world.agent_b), article_id=article.pk, number=ticket.number
        )
    with pytest.raises(Forbidden):
        services.link_article_to_ticket(
            actor=actor(shared_world.requester_a), article_id=article.pk, number=ticket.number
        )
    with pytest.raises(Invalid):
        services.link_article_to_ticket(
            actor=actor(shared_world.agent_a),
            article_id=article.pk,
            number=ticket.number,
            kind="owns",
        )
    assert ArticleTicketLink.objects.count() == 0


def test_draft_from_a_resolved_ticket_and_the_article_documenting_it(shared_world):
    ticket = make_ticket_in(
        "resolved",
        requester=actor(shared_world.requester_a),
        manager=actor(shared_world.manager),
        subject="Printer offline",
        description="The printer says offline.",
    )
    agent = actor(shared_world.agent_a)

    draft = services.draft_from_ticket(actor=agent, number=ticket.number)

    assert draft == {
        "title": "Printer offline",
        "body": ("## Problem\n\nThe printer says offline.\n\n## Solution\n\nReplaced the toner"),
        "language": "en",
        "tags": [],
        "source_ticket_number": ticket.number,
    }
    article = services.create_article(actor=agent, **draft)
    assert article.source_ticket_id == ticket.pk
    assert list(ArticleTicketLink.objects.values_list("ticket_id", "kind")) == [
        (ticket.pk, "documents")
    ]


def test_draft_only_from_resolved_or_closed_tickets_the_agent_serves(shared_world):
    open_ticket = make_ticket(actor(shared_world.requester_a))
    with pytest.raises(Conflict):
        services.draft_from_ticket(actor=actor(shared_world.agent_a), number=open_ticket.number)
    closed = make_ticket_in(
        "closed", requester=actor(shared_world.requester_a), manager=actor(shared_world.manager)
    )
    assert services.draft_from_ticket(actor=actor(shared_world.agent_a), number=closed.number)
    with pytest.raises(NotFound):
        services.draft_from_ticket(actor=actor(shared_world.agent_b), number=closed.number)


# --- attachments --------------------------------------------------------------------------------


def test_add_attachment_stores_the_file(shared_world):
    article = make_article(shared_world.agent_a)

    attachment = services.add_attachment(
        actor=actor(shared_world.agent_a), article_id=article.pk, file=incoming("../spooler.png")
    )

    assert (attachment.name, attachment.content_type, attachment.size) == (
        "spooler.png",
        "image/png",
        10,
    )
    assert attachment.file.read() == b"\x89PNG image"


@pytest.mark.parametrize(
    ("file", "error", "code"),
    [
        (incoming("big.png", b"x" * 11), TooLarge, "attachment_too_large"),
        (incoming("setup.exe", b"MZ"), Invalid, "attachment_type_blocked"),
        (incoming("empty.png", b""), Invalid, "attachment_empty"),
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(
    shared_world, settings, file, error, code
):
    settings.LINIA_MAX_ATTACHMENT_BYTES = 10
    article = make_article(shared_world.agent_a)
    before = stored_files()

    with pytest.raises(error) as raised:
        services.add_attachment(actor=actor(shared_world.agent_a), article_id=article.pk, file=file)

    assert raised.value.code == code
    assert raised.value.message
    assert ArticleAttachment.objects.count() == 0
    assert stored_files() == before


# --- imported history ----------------------------------------------------------------------------


def test_a_manager_keeps_an_imported_articles_dates_and_views(shared_world):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article(shared_world.agent_a)
    long_ago = timezone.now() - timedelta(days=300)

    services.set_article_history(
        actor=actor(shared_world.manager),
        article_id=article.pk,
        published_at=long_ago,
        reviewed_at=long_ago,
        view_count=42,
    )

    article.refresh_from_db()
    assert (article.published_at, article.reviewed_at, article.view_count) == (
        long_ago,
        long_ago,
        42,
    )


@pytest.mark.parametrize(
    ("who", "changes", "error"),
    [
        ("agent_a", {"view_count": 5}, Forbidden),
        ("requester_a", {"view_count": 5}, Forbidden),
        ("manager", {"view_count": -1}, Invalid),
        ("manager", {"reviewed_days": -3}, Invalid),
    ],
)
def test_set_article_history_refuses_and_changes_nothing(shared_world, who, changes, error):
    from datetime import timedelta

    from django.utils import timezone

    article = make_article(shared_world.agent_a)
    if "reviewed_days" in changes:
        changes = {"reviewed_at": timezone.now() - timedelta(days=changes["reviewed_days"])}

    with pytest.raises(error):
        services.set_article_history(
            actor=actor(getattr(shared_world, who)), article_id=article.pk, **changes
        )

    article.refresh_from_db()
    assert (article.reviewed_at, article.view_count) == (None, 0)


def test_the_system_actor_writes_no_articles(shared_world):
    from linia.core.access import SYSTEM_ACTOR

    with pytest.raises(Invalid) as error:
        services.create_article(actor=SYSTEM_ACTOR, title="Ownerless")

    assert error.value.code == "owner_required"
    assert Article.objects.count() == 0
