"""Search latency at scale: knowledge-base search over N articles, ticket search over M messages.

    python -m bench.kb_search --database-url postgres://postgres@127.0.0.1:5432/x \
        --articles 100000 --messages 1000000 [--queries 200]

Without --database-url it uses a SQLite file under bench/work/kb-search. The database
(`linia_bench_search` on the given server) is recreated and migrated; tickets and messages come
from the main harness's builder (bench.linia_data, about four messages a ticket), articles are
generated from bench.textgen and bulk-inserted; both indexes are then built by the product's
own `reindex_articles` / `reindex_tickets`. Each scenario runs the same queries (1-3 words
from the generated texts, one in five with a typo) through the product's query functions and
reports p50/p95/max in milliseconds; the last line printed is JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DATABASE_NAME = "linia_bench_search"
WORK = Path(__file__).resolve().parent / "work" / "kb-search"


def _prepare_database(database_url: str) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "linia.config.settings"
    os.environ["LINIA_VAR_DIR"] = str(WORK)
    if database_url:
        from bench.databases import _recreate_postgres

        parts = urlsplit(database_url)
        url = urlunsplit((parts.scheme, parts.netloc, f"/{DATABASE_NAME}", "", ""))
        _recreate_postgres(url)
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = ""
        for name in ("linia.sqlite3", "linia.sqlite3-wal", "linia.sqlite3-shm"):
            (WORK / name).unlink(missing_ok=True)


def _timed(label: str, func: Any, *args: Any, **kwargs: Any) -> Any:
    started = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label}: {time.perf_counter() - started:.1f}s", file=sys.stderr, flush=True)
    return result


def _insert_articles(count: int, seed: int, owner_id: int, organization_ids: list[int]) -> None:
    from django.db import transaction

    from bench import dbwrite, textgen
    from linia.kb.models import Article

    rng = random.Random(seed)
    now = datetime.now(UTC)
    first = dbwrite.next_id(Article)
    fields = (
        "id", "title", "body", "language", "visibility", "status", "owner_id", "created_at",
        "updated_at", "published_at", "revision_number", "view_count", "helpful_count",
        "unhelpful_count",
    )  # fmt: skip
    rows = []
    links = []
    for index in range(count):
        language = textgen.pick_language(rng)
        body = "\n\n".join(
            [
                textgen.description(rng, language),
                textgen.agent_reply(rng, language),
                textgen.resolution(rng, language),
                textgen.description(rng, language),
            ]
        )
        roll = rng.random()
        visibility = "public" if roll < 0.6 else "internal" if roll < 0.85 else "organizations"
        status = "published" if rng.random() < 0.9 else "draft"
        pk = first + index
        rows.append(
            (pk, textgen.subject(rng, language), body, language, visibility, status, owner_id,
             now, now, now, 1, 0, 0, 0)
        )  # fmt: skip
        if visibility == "organizations":
            links.append((pk, rng.choice(organization_ids)))
    through = Article.organizations.through
    with transaction.atomic():
        dbwrite.insert_rows(Article, fields, rows)
        dbwrite.insert_rows(through, ("article_id", "organization_id"), links)
        dbwrite.reset_sequences([Article, through])


def _queries(count: int, seed: int) -> list[str]:
    from bench import textgen
    from linia.search.normalize import tokens

    rng = random.Random(seed + 1)
    queries: list[str] = []
    while len(queries) < count:
        language = textgen.pick_language(rng)
        words = [
            token.text
            for token in tokens(
                textgen.subject(rng, language) + " " + textgen.description(rng, language)
            )
            if not token.is_stop_word and len(token.text) > 3
        ]
        if not words:
            continue
        chosen = rng.sample(words, min(len(words), rng.randint(1, 3)))
        if rng.random() < 0.2:  # a typo: two neighbouring letters swapped
            word = chosen[0]
            at = rng.randrange(1, len(word) - 2)
            chosen[0] = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        queries.append(" ".join(chosen))
    return queries


def _measure(label: str, queries: list[str], search: Any) -> dict[str, Any]:
    from bench.measure import percentile

    timings = []
    hits = 0
    for q in queries:
        started = time.perf_counter()
        page = search(q)
        timings.append((time.perf_counter() - started) * 1000)
        hits += 1 if page.total else 0
    timings.sort()
    result = {
        "label": label,
        "queries": len(queries),
        "with_results": hits,
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
        "max_ms": round(max(timings), 1),
    }
    print(json.dumps(result), file=sys.stderr, flush=True)
    return result


def _explain(sql_label: str, actor: Any, q: str) -> list[str]:
    """The plan of the article query for `actor`, captured from the real call."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from linia.kb.search import rank_articles

    with CaptureQueriesContext(connection) as captured:
        rank_articles(actor, q).with_articles()
    statement = next(q["sql"] for q in captured.captured_queries if "count(*) OVER" in q["sql"])
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + statement)
        plan = [" | ".join(str(part) for part in row) for row in cursor.fetchall()]
    print(f"-- plan ({sql_label}):\n" + "\n".join(plan), file=sys.stderr, flush=True)
    return plan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    _prepare_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command

    _timed("migrate", call_command, "migrate", verbosity=0)

    from bench import dbwrite, linia_data
    from linia.accounts.models import User
    from linia.directory.access import actor_for_user
    from linia.directory.models import Organization
    from linia.kb.search import rank_articles, reindex_articles
    from linia.tickets.models import Message
    from linia.tickets.search import reindex_tickets, search_tickets

    # About four messages a ticket in the harness's plan.
    tickets = max(1, args.messages // 4)
    built = _timed("tickets and messages", linia_data.build, tickets, args.seed, datetime.now(UTC))
    manager = User.objects.get(username=built["manager"])
    organizations = list(Organization.objects.values_list("pk", flat=True))
    _timed("articles", _insert_articles, args.articles, args.seed, manager.pk, organizations)
    _timed("index articles", reindex_articles, 2000)
    _timed("index tickets", reindex_tickets, 2000)
    dbwrite.analyze()

    requester = actor_for_user(User.objects.get(username=built["requester"]))
    agent = actor_for_user(User.objects.get(username=built["agent"]))
    manager_actor = actor_for_user(manager)
    queries = _queries(args.queries, args.seed)
    for q in queries[:20]:  # warm the caches once
        rank_articles(manager_actor, q).with_articles()
    results = {
        "vendor": built["vendor"],
        "articles": args.articles,
        "tickets": tickets,
        "messages": Message.objects.count(),
        "scenarios": [
            _measure(
                "kb search, requester",
                queries,
                lambda q: rank_articles(requester, q).with_articles(),
            ),
            _measure(
                "kb search, agent", queries, lambda q: rank_articles(agent, q).with_articles()
            ),
            _measure(
                "kb search, manager",
                queries,
                lambda q: rank_articles(manager_actor, q).with_articles(),
            ),
            _measure("ticket search, requester", queries, lambda q: search_tickets(requester, q)),
            _measure("ticket search, agent", queries, lambda q: search_tickets(agent, q)),
            _measure("ticket search, manager", queries, lambda q: search_tickets(manager_actor, q)),
        ],
        "plan_requester": _explain("kb search, requester", requester, queries[0]),
    }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
