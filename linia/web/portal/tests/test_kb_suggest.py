"""Help articles found by the requester: the FAQ search and the suggestions of a new request,
and the deflection record when a suggested article is opened."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linia.directory.tests.factories import actor
from linia.kb import queries, services
from linia.kb.models import SuggestionOpen
from linia.tickets.models import Ticket

from .test_kb import HIDDEN_TITLES, kb_fixture  # noqa: F401  (the `kb` fixture)

SUGGEST = reverse("portal:kb-suggest")
FAQ = reverse("portal:kb")


def _titles(response) -> list[str]:
    return [hit.article.title for hit in response.context["items"]]


def test_suggestions_offer_readable_articles_only(client, world, kb):
    client.force_login(world.requester_a)
    response = client.get(SUGGEST, {"q": "printer does not print"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    titles = _titles(response)
    assert titles[0] == "The printer does not print"
    assert set(titles) <= {"The printer does not print", "Acme printer: the VPN printer queue"}
    body = response.content.decode()
    for title in HIDDEN_TITLES:
        assert title not in body
    assert "<html" not in body


def test_suggestions_read_subject_and_description(client, world, kb):
    client.force_login(world.requester_a)
    response = client.get(SUGGEST, {"subject": "printer", "description": "jammed sheet"})
    assert _titles(response)[0] == "The printer does not print"


def test_suggestions_are_ranked_title_first(client, world, kb):
    services.create_article(
        actor=actor(world.admin),
        title="Scanner settings",
        body="Mentions a printer once.",
        visibility="public",
        status="published",
    )
    client.force_login(world.requester_a)
    titles = _titles(client.get(SUGGEST, {"q": "printer"}))
    assert titles.index("The printer does not print") < titles.index("Scanner settings")


def test_suggestions_are_at_most_five(client, world, kb):
    for number in range(8):
        services.create_article(
            actor=actor(world.admin),
            title=f"Printer tip {number}",
            visibility="public",
            status="published",
        )
    client.force_login(world.requester_a)
    assert len(_titles(client.get(SUGGEST, {"q": "printer"}))) == 5


@pytest.mark.parametrize("q", ["", "  ", "pr", "a ", "\t\n"])
def test_short_or_empty_query_suggests_nothing(client, world, kb, q):
    client.force_login(world.requester_a)
    response = client.get(SUGGEST, {"q": q})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""


@pytest.mark.parametrize(
    "q",
    [
        "printer " * 500,
        "'; DROP TABLE kb_article; --",
        '"printer" OR * NEAR(a b) ^title: -x +y',
        "принтер \x00 \u202e evil",
        "%_%_%\\",
        "🖨️🖨️🖨️",
        "<script>alert(1)</script>",
    ],
    ids=["long", "sql", "fts-syntax", "control", "like", "emoji", "html"],
)
def test_odd_queries_never_crash(client, world, kb, q):
    client.force_login(world.requester_a)
    suggest = client.get(SUGGEST, {"q": q})
    assert suggest.status_code == 200
    assert "<script>alert" not in suggest.content.decode()
    search = client.get(FAQ, {"q": q})
    assert search.status_code == 200
    assert "<script>alert" not in search.content.decode()


def test_suggestions_are_empty_for_anonymous_and_staff(client, world, kb):
    response = client.get(SUGGEST, {"q": "printer"})
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    client.force_login(world.manager)
    assert client.get(SUGGEST, {"q": "printer"}).content.decode().strip() == ""


def test_suggestion_links_record_the_opening(client, world, kb):
    client.force_login(world.requester_a)
    body = client.get(SUGGEST, {"q": "printer does not print"}).content.decode()
    public = kb["articles"]["public"]
    link = f"{reverse('portal:kb-article', args=[public.pk])}?from=suggest&amp;q=printer+does+not+print"
    assert f'href="{link}"' in body
    assert 'target="_blank"' in body


def test_opening_a_suggestion_records_deflection(client, world, kb):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    url = reverse("portal:kb-article", args=[public.pk])
    response = client.get(url, {"from": "suggest", "q": "printer does not print"})
    assert response.status_code == 200
    opened = SuggestionOpen.objects.get()
    assert (opened.article_id, opened.user_id, opened.query, opened.ticket_id) == (
        public.pk,
        world.requester_a.pk,
        "printer does not print",
        None,
    )
    assert queries.deflection_summary() == {"opened": 1, "submitted": 0, "deflected": 1}


def test_submitting_after_a_suggestion_is_not_a_deflection(
    client, world, kb, django_capture_on_commit_callbacks
):
    public = kb["articles"]["public"]
    client.force_login(world.requester_a)
    client.get(reverse("portal:kb-article", args=[public.pk]), {"from": "suggest", "q": "print"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:request-create"),
            {
                "subject": "The printer still does not print",
                "description": "The article did not help.",
                "type": "incident",
                "category": "",
                "urgency": "medium",
            },
        )
    ticket = Ticket.objects.get()
    assert SuggestionOpen.objects.get().ticket_id == ticket.pk
    assert queries.deflection_summary() == {"opened": 1, "submitted": 1, "deflected": 0}


def test_long_suggestion_query_is_cut(client, world, kb):
    client.force_login(world.requester_a)
    public = kb["articles"]["public"]
    client.get(reverse("portal:kb-article", args=[public.pk]), {"from": "suggest", "q": "x" * 5000})
    assert len(SuggestionOpen.objects.get().query) == 200


def test_new_request_form_has_the_suggestion_panel(client, world):
    client.force_login(world.requester_a)
    body = client.get(reverse("portal:request-create")).content.decode()
    assert f'hx-get="{SUGGEST}"' in body
    assert 'hx-trigger="keyup changed delay:400ms' in body
    assert (
        '<section id="kb-suggestions" class="kb-suggestions" aria-live="polite"></section>' in body
    )


# --- the FAQ search ----------------------------------------------------------------------------


def test_faq_search_highlights_and_hides(client, world, kb):
    client.force_login(world.requester_a)
    response = client.get(FAQ, {"q": "printer"})
    assert response.status_code == 200
    titles = [hit.article.title for hit in response.context["results"]]
    assert "The printer does not print" in titles
    assert response.context["total"] == len(titles) == 2
    body = response.content.decode()
    assert "<mark>" in body
    for title in HIDDEN_TITLES:
        assert title not in body


def test_faq_search_of_another_organization(client, world, kb):
    client.force_login(world.requester_b)
    response = client.get(FAQ, {"q": "printer"})
    titles = {hit.article.title for hit in response.context["results"]}
    assert titles == {"The printer does not print", "Globex printer does not print"}
    assert response.context["total"] == 2


def test_faq_search_pages(client, world, kb):
    for number in range(25):
        services.create_article(
            actor=actor(world.admin),
            title=f"Printer tip {number}",
            visibility="public",
            status="published",
        )
    client.force_login(world.requester_a)
    first = client.get(FAQ, {"q": "printer"})
    assert first.context["total"] == 27
    assert len(first.context["results"]) == 20
    assert first.context["next_url"] == f"{FAQ}?q=printer&page=2"
    second = client.get(FAQ, {"q": "printer", "page": "2"})
    assert len(second.context["results"]) == 7
    assert second.context["next_url"] == ""
    assert client.get(FAQ, {"q": "printer", "page": "nonsense"}).status_code == 200


def test_faq_search_without_results_offers_a_request(client, world, kb):
    client.force_login(world.requester_a)
    body = client.get(FAQ, {"q": "zzzqqq"}).content.decode()
    assert "No article matches your search." in body
    assert reverse("portal:request-create") in body


def test_search_and_suggestion_query_counts_are_flat(
    client, world, kb, django_assert_max_num_queries
):
    client.force_login(world.requester_a)
    client.get(FAQ, {"q": "printer"})
    with django_assert_max_num_queries(14) as search_small:
        client.get(FAQ, {"q": "printer"})
    with django_assert_max_num_queries(10) as suggest_small:
        client.get(SUGGEST, {"q": "printer"})
    for number in range(12):
        services.create_article(
            actor=actor(world.admin),
            title=f"Printer tip {number}",
            visibility="public",
            status="published",
        )
    with django_assert_max_num_queries(len(search_small.captured_queries)):
        client.get(FAQ, {"q": "printer"})
    with django_assert_max_num_queries(len(suggest_small.captured_queries)):
        client.get(SUGGEST, {"q": "printer"})
