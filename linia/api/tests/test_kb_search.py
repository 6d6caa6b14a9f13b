"""GET /kb/search: ranked, highlighted, paged, and within the caller's visibility (the
visibility matrix itself is in test_kb_tenancy.py)."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from linia.directory.tests.factories import actor
from linia.kb import services

from .conftest import API


def make_article(user, title, body, **fields):
    fields = {"visibility": "public", "status": "published", **fields}
    return services.create_article(actor=actor(user), title=title, body=body, **fields)


def test_a_hit_has_the_documented_shape(world, api_as):
    article = make_article(
        world.agent_a,
        "Printer <b>offline</b>",
        "When the **printer** shows offline, restart the spooler & try again.",
    )

    response = api_as(world.requester_a).get(f"{API}/kb/search", {"q": "printer"})

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    [hit] = body["items"]
    assert hit == {
        "id": article.pk,
        "title": "Printer <b>offline</b>",
        "title_html": "<mark>Printer</mark> &lt;b&gt;offline&lt;/b&gt;",
        "snippet": "When the printer shows offline, restart the spooler & try again.",
        "snippet_html": (
            "When the <mark>printer</mark> shows offline, restart the spooler &amp; try again."
        ),
        "language": "en",
        "visibility": "public",
        "status": "published",
        "rank": hit["rank"],
        "url": f"{API}/kb/articles/{article.pk}",
    }
    assert hit["rank"] > 0
    assert api_as(world.requester_a).get(hit["url"]).status_code == 200


def test_inflected_forms_and_ranking(world, api_as):
    in_body = make_article(
        world.agent_a,
        "Network drives",
        "Если принтера нет в списке, переподключите диск.",
        language="ru",
    )
    in_title = make_article(
        world.agent_a, "Принтер не печатает", "Проверьте кабель и бумагу.", language="ru"
    )
    make_article(world.agent_a, "Почта", "Проверьте пароль.", language="ru")

    found = api_as(world.requester_a).get(f"{API}/kb/search", {"q": "принтеры"}).json()

    assert [hit["id"] for hit in found["items"]] == [in_title.pk, in_body.pk]
    assert found["items"][0]["rank"] >= found["items"][1]["rank"]
    assert found["total"] == 2


def test_language_filter_and_pages(world, api_as):
    english = [
        make_article(world.agent_a, f"VPN guide {n}", "Connect the vpn client.") for n in range(3)
    ]
    polish = make_article(world.agent_a, "VPN po polsku", "Połącz klienta vpn.", language="pl")
    client = api_as(world.agent_a)

    only_polish = client.get(f"{API}/kb/search", {"q": "vpn", "language": "pl"}).json()
    first = client.get(f"{API}/kb/search", {"q": "vpn", "limit": 2}).json()
    second = client.get(f"{API}/kb/search", {"q": "vpn", "limit": 2, "offset": 2}).json()

    assert [hit["id"] for hit in only_polish["items"]] == [polish.pk]
    assert only_polish["total"] == 1
    assert (len(first["items"]), len(second["items"])) == (2, 2)
    assert first["total"] == second["total"] == 4
    assert {hit["id"] for hit in first["items"] + second["items"]} == {
        polish.pk,
        *(article.pk for article in english),
    }


@override_settings(LINIA_API_MAX_PAGE_SIZE=2)
def test_the_page_size_is_capped(world, api_as):
    for n in range(3):
        make_article(world.agent_a, f"Mail {n}", "Outlook mail setup.")

    found = api_as(world.agent_a).get(f"{API}/kb/search", {"q": "mail", "limit": 50}).json()

    assert (len(found["items"]), found["total"]) == (2, 3)


def test_nothing_found(world, api_as):
    make_article(world.agent_a, "Mail", "Outlook mail setup.")

    found = api_as(world.requester_a).get(f"{API}/kb/search", {"q": "zebra"}).json()

    assert found == {"items": [], "total": 0}


@pytest.mark.parametrize(
    ("_case", "params"),
    [
        ("no query", {}),
        ("empty query", {"q": ""}),
        ("query too long", {"q": "x" * 201}),
        ("unknown language", {"q": "mail", "language": "de"}),
        ("limit zero", {"q": "mail", "limit": 0}),
        ("negative offset", {"q": "mail", "offset": -1}),
        ("limit not a number", {"q": "mail", "limit": "ten"}),
    ],
)
def test_bad_search_parameters_are_422(world, api_as, _case, params):
    response = api_as(world.requester_a).get(f"{API}/kb/search", params)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert response.json()["message"].startswith("Invalid input:")


@pytest.mark.parametrize(
    "q", ["   ", "!!!", '"', "a* OR b", "NEAR(x y)", "' OR 1=1 --", "принтер*"]
)
def test_odd_queries_answer_200(world, api_as, q):
    make_article(world.agent_a, "Mail", "Outlook mail setup.")

    response = api_as(world.requester_a).get(f"{API}/kb/search", {"q": q})

    assert response.status_code == 200
    assert response.json()["total"] == len(response.json()["items"])


def test_search_query_count_does_not_grow_with_hits(world, api_as):
    client = api_as(world.requester_a)

    def make(count: int) -> None:
        for n in range(count):
            make_article(world.agent_a, f"Scanner {n}", "Scanner driver setup.")

    make(2)
    client.get(f"{API}/kb/search", {"q": "scanner"})  # the token's first use writes last_used_at
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{API}/kb/search", {"q": "scanner"}).json()["total"] == 2
    make(8)
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"{API}/kb/search", {"q": "scanner"}).json()["total"] == 10

    assert len(small.captured_queries) == len(large.captured_queries)
