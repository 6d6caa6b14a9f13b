"""Build the benchmark installation in Linia's database (run by `python -m bench`).

Run as `python -m bench.linia_data --tickets N --now ISO` with DATABASE_URL or LINIA_VAR_DIR
pointing at an empty, migrated database. Small tables go through `bulk_create`; tickets,
messages and events through `bench.dbwrite` (executemany on SQLite, COPY on PostgreSQL).
The last line printed is a JSON description of what was built (users, ids, counts).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections.abc import Iterator
from datetime import datetime
from itertools import islice
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linia.config.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench import dbwrite, plan, textgen  # noqa: E402
from bench.progress import Progress  # noqa: E402
from linia.accounts.models import Team, User  # noqa: E402
from linia.directory.models import Contact, Organization  # noqa: E402
from linia.kb.models import Article, ArticleRevision  # noqa: E402
from linia.kb.search import reindex_articles  # noqa: E402
from linia.search.normalize import normalize_for_index  # noqa: E402
from linia.tickets.models import (  # noqa: E402
    Category,
    Message,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketSearchDocument,
    Worklog,
)
from linia.tickets.search import index_ticket  # noqa: E402

CHUNK = 5_000
TICKET_FIELDS = (
    "id", "number", "subject", "description", "type", "category_id", "impact", "urgency",
    "priority", "status", "tier", "team_id", "assignee_id", "organization_id", "requester_id",
    "created_by_id", "channel", "received_at", "created_at", "updated_at", "first_response_at",
    "resolved_at", "closed_at", "resolution", "training_recommended", "is_auto_closed",
    "pending_reason", "message_count",
)  # fmt: skip
MESSAGE_FIELDS = (
    "id", "ticket_id", "author_id", "author_name", "is_from_staff", "body", "is_internal",
    "channel", "created_at",
)  # fmt: skip
SEARCH_FIELDS = ("ticket_id", "public_terms", "internal_terms", "is_active", "indexed_at")
WORKLOG_FIELDS = (
    "ticket_id", "organization_id", "agent_id", "work_date", "minutes", "billable", "note",
    "created_at",
)  # fmt: skip
ARTICLE_FIELDS = (
    "id", "title", "body", "language", "visibility", "status", "owner_id", "created_at",
    "updated_at", "published_at", "revision_number", "view_count", "helpful_count",
    "unhelpful_count",
)  # fmt: skip
REVISION_FIELDS = ("article_id", "number", "title", "body", "author_id", "created_at", "note")
WORK_MINUTES = (5, 10, 15, 15, 20, 30, 30, 45, 60, 90, 120, 240)
EVENT_FIELDS = (
    "id", "ticket_id", "kind", "actor_id", "actor_name", "field", "old_value", "new_value",
    "payload", "is_internal", "created_at", "dispatched_at",
)  # fmt: skip


class Ids:
    """The database ids of the planned people, teams and categories."""

    def __init__(self) -> None:
        self.agent_users: list[int] = []
        self.agent_names: list[str] = []
        self.contact_ids: list[int] = []
        self.contact_users: list[int] = []
        self.contact_names: list[str] = []
        self.teams: list[int] = []
        self.organizations: list[int] = []
        self.categories: list[int] = []
        self.manager: int = 0


def build_reference(seed: int) -> tuple[Ids, list[plan.Organization]]:
    """Users, teams, organizations, contacts and categories (a few thousand rows, ORM)."""
    ids = Ids()
    password = make_password(plan.PASSWORD)
    orgs = plan.organizations(seed)
    contact_plans = plan.contacts(orgs, seed)
    agent_plans = plan.agents(seed)
    with transaction.atomic():
        manager = User.objects.create(
            username="bench-manager", first_name="Desk", last_name="Manager", role="manager",
            email="manager@desk.example.com", password=password,
        )  # fmt: skip
        ids.manager = manager.pk
        teams = []
        for index in range(plan.TEAMS):
            tier = plan.team_tier(index)
            name = {1: f"L1 Desk {index + 1}", 2: f"L2 Engineers {index - plan.L1_TEAMS + 1}",
                    3: "L3 Leads"}[tier]  # fmt: skip
            teams.append(Team(name=name, tier=tier, serves_all_organizations=tier == 3))
        ids.teams = [team.pk for team in Team.objects.bulk_create(teams)]
        agents = User.objects.bulk_create(
            User(username=agent.username, first_name=agent.first_name,
                 last_name=agent.last_name, email=agent.email, role="agent",
                 language=agent.language, password=password)
            for agent in agent_plans
        )  # fmt: skip
        ids.agent_users = [user.pk for user in agents]
        ids.agent_names = [f"{agent.first_name} {agent.last_name}" for agent in agent_plans]
        Team.members.through.objects.bulk_create(
            Team.members.through(
                team_id=ids.teams[agent.team], user_id=ids.agent_users[agent.index]
            )
            for agent in agent_plans
        )
        organizations = Organization.objects.bulk_create(
            Organization(name=org.name, legal_name=org.name) for org in orgs
        )
        ids.organizations = [org.pk for org in organizations]
        Organization.teams.through.objects.bulk_create(
            Organization.teams.through(organization_id=ids.organizations[org.index],
                                       team_id=ids.teams[team])
            for org in orgs
            for team in (org.l1_team, org.l2_team)
        )  # fmt: skip
        users = User.objects.bulk_create(
            (
                User(username=person.username, first_name=person.first_name,
                     last_name=person.last_name, email=person.email, language=person.language,
                     role="client_manager" if person.is_client_manager else "requester",
                     password=password)
                for person in contact_plans
            ),
            batch_size=1000,
        )  # fmt: skip
        ids.contact_users = [user.pk for user in users]
        contacts = Contact.objects.bulk_create(
            (
                Contact(organization_id=ids.organizations[person.organization],
                        full_name=f"{person.first_name} {person.last_name}", email=person.email,
                        position=person.position, language=person.language,
                        user_id=ids.contact_users[person.index])
                for person in contact_plans
            ),
            batch_size=1000,
        )  # fmt: skip
        ids.contact_ids = [contact.pk for contact in contacts]
        ids.contact_names = [contact.full_name for contact in contacts]
        position = 0
        for parent_name, children in plan.CATEGORY_TREE.items():
            parent = Category.objects.create(name=parent_name, position=position)
            position += 1
            for child in children:
                category = Category.objects.create(name=child, parent=parent, position=position)
                ids.categories.append(category.pk)
                position += 1
    return ids, orgs


def ticket_rows(
    tickets: list[plan.TicketPlan], ids: Ids, first_id: int, first_number: int
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows for one chunk of planned tickets: tickets, messages, events (ids not set for
    messages and events; the caller numbers them)."""
    rows: list[tuple[Any, ...]] = []
    messages: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for item in tickets:
        ticket_id = first_id + item.index
        number = first_number + item.index
        agent_user = ids.agent_users[item.agent] if item.agent is not None else None
        requester_user = ids.contact_users[item.contact]
        created_by = (
            requester_user if item.channel == "portal"
            else agent_user if item.channel == "phone" else None
        )  # fmt: skip
        rows.append((
            ticket_id, number, item.subject, item.description, item.type,
            ids.categories[item.category], item.impact, item.urgency, item.priority,
            item.status, item.tier, ids.teams[item.team], agent_user,
            ids.organizations[item.organization], ids.contact_ids[item.contact], created_by,
            item.channel, item.received_at, item.received_at, item.updated_at,
            item.first_response_at, item.resolved_at, item.closed_at, item.resolution,
            False, item.status == "closed" and item.index % 3 == 0,
            "Waiting for the requester" if item.status == "pending" else "",
            len(item.entries),
        ))  # fmt: skip
        requester_name = ids.contact_names[item.contact]
        events.append((
            ticket_id, "ticket.created", created_by, requester_name, "", "", str(number),
            json.dumps({"channel": item.channel, "priority": item.priority, "tier": item.tier}),
            False, item.received_at, item.received_at,
        ))  # fmt: skip
        if agent_user is not None:
            name = ids.agent_names[item.agent]  # type: ignore[index]
            events.append((
                ticket_id, "ticket.assigned", None, "Linia", "assignee", "", name,
                json.dumps({"assignee_id": agent_user}), False, item.received_at,
                item.received_at,
            ))  # fmt: skip
        append_entries(messages, events, ticket_id, item, item.entries, ids)
        if item.status != "new":
            at = item.closed_at or item.resolved_at or item.first_response_at
            events.append((
                ticket_id, "ticket.status_changed", agent_user, "", "status", "new",
                item.status, json.dumps({"action": "bench", "note": ""}), False, at, at,
            ))  # fmt: skip
    return rows, messages, events


def append_entries(
    messages: list[tuple[Any, ...]],
    events: list[tuple[Any, ...]],
    ticket_id: int,
    item: plan.TicketPlan,
    entries: tuple[plan.Entry, ...] | list[plan.Entry],
    ids: Ids,
) -> None:
    for entry in entries:
        from_staff = entry.kind != "requester"
        author = ids.agent_users[entry.agent] if from_staff else ids.contact_users[item.contact]
        name = ids.agent_names[entry.agent] if from_staff else ids.contact_names[item.contact]
        internal = entry.kind == "note"
        messages.append((
            ticket_id, author, name, from_staff, entry.body, internal,
            "desk" if from_staff else item.channel, entry.at,
        ))  # fmt: skip
        events.append((
            ticket_id, "ticket.message_added", author, name, "", "", "",
            json.dumps({"internal": internal, "from_staff": from_staff}), internal, entry.at,
            entry.at,
        ))  # fmt: skip


class Terms:
    """normalize_for_index with a memory: textgen writes few distinct texts (a subject, a few
    joined details, one reply), so a million tickets normalise a few thousand strings. The
    product indexes without a language too (tickets.search._document)."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        found = self.cache.get(text)
        if found is None:
            found = self.cache[text] = normalize_for_index(text)
        return found

    def join(self, texts: Iterator[str]) -> str:
        return " ".join(terms for terms in map(self, texts) if terms)


def search_rows(
    tickets: list[plan.TicketPlan], first_id: int, terms: Terms
) -> list[tuple[Any, ...]]:
    """The search documents of a chunk, as tickets.search._document would write them."""
    rows = []
    for item in tickets:
        public = terms.join(
            iter([item.subject, item.description, item.resolution]
                 + [entry.body for entry in item.entries if entry.kind != "note"])
        )  # fmt: skip
        internal = terms.join(entry.body for entry in item.entries if entry.kind == "note")
        active = item.status in plan.ACTIVE
        rows.append((first_id + item.index, public, internal, active, item.updated_at))
    return rows


def worklog_rows(
    tickets: list[plan.TicketPlan], ids: Ids, first_id: int, rng: random.Random
) -> list[tuple[Any, ...]]:
    """0–2 entries (one on average) per resolved or closed ticket, by the agents who worked
    on it, dated between the first response and the resolution."""
    rows = []
    for item in tickets:
        if item.resolved_at is None:
            continue
        workers = [entry.agent for entry in item.entries if entry.kind != "requester"]
        if item.agent is not None:
            workers.append(item.agent)
        if not workers:
            continue
        for _ in range(rng.choice((0, 1, 1, 2))):
            at = item.first_response_at + (item.resolved_at - item.first_response_at) * rng.random()
            rows.append((
                first_id + item.index, ids.organizations[item.organization],
                ids.agent_users[rng.choice(workers)], at.date(), rng.choice(WORK_MINUTES),
                rng.random() < 0.7, "", at,
            ))  # fmt: skip
    return rows


def build_articles(count: int, seed: int, ids: Ids) -> int:
    """`count` KB articles in the four languages (60 % public, 25 % internal, 15 % for one
    organization; 90 % published), each with one to three revisions, then their search
    documents and vocabulary through the product's own reindex."""
    rng = random.Random(seed + 7)
    first = dbwrite.next_id(Article)
    rows, links, revisions = [], [], []
    now = datetime.now().astimezone()
    with Progress("linia: kb articles", count, unit="articles") as progress:
        for index in range(count):
            language = textgen.pick_language(rng)
            title = textgen.subject(rng, language)
            body = "\n\n".join([
                textgen.description(rng, language), textgen.agent_reply(rng, language),
                textgen.resolution(rng, language), textgen.description(rng, language),
            ])  # fmt: skip
            roll = rng.random()
            visibility = "public" if roll < 0.6 else "internal" if roll < 0.85 else "organizations"
            status = "published" if rng.random() < 0.9 else "draft"
            pk = first + index
            revision_count = rng.randint(1, 3)
            rows.append((
                pk, title, body, language, visibility, status, ids.manager, now, now,
                now if status == "published" else None, revision_count, rng.randint(0, 500),
                rng.randint(0, 40), rng.randint(0, 8),
            ))  # fmt: skip
            for number in range(1, revision_count + 1):
                author = ids.agent_users[rng.randrange(len(ids.agent_users))]
                text = body if number == revision_count else body.split("\n\n", 1)[0]
                revisions.append((pk, number, title, text, author, now, ""))
            if visibility == "organizations":
                links.append((pk, rng.choice(ids.organizations)))
        through = Article.organizations.through
        with transaction.atomic():
            dbwrite.insert_rows(Article, ARTICLE_FIELDS, rows)
            dbwrite.insert_rows(through, ("article_id", "organization_id"), links)
            dbwrite.insert_rows(ArticleRevision, REVISION_FIELDS, revisions)
            dbwrite.reset_sequences([Article, through, ArticleRevision])
        progress.advance(count // 2)
        with transaction.atomic():
            reindex_articles(2000)
        progress.advance(count - count // 2)
    return count


def numbered(rows: list[tuple[Any, ...]], first_id: int) -> Iterator[tuple[Any, ...]]:
    for offset, row in enumerate(rows):
        yield (first_id + offset, *row)


def chunks(items: Iterator[plan.TicketPlan], size: int) -> Iterator[list[plan.TicketPlan]]:
    while True:
        chunk = list(islice(items, size))
        if not chunk:
            return
        yield chunk


def build(count: int, seed: int, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    dbwrite.tune_for_bulk_load()
    ids, orgs = build_reference(seed)
    first_id = dbwrite.next_id(Ticket)
    message_id = dbwrite.next_id(Message)
    event_id = dbwrite.next_id(TicketEvent)
    first_number = settings.LINIA_FIRST_TICKET_NUMBER
    totals = {"tickets": 0, "messages": 0, "events": 0, "search_documents": 0, "worklogs": 0}
    terms = Terms()
    work_rng = random.Random(seed + 5)
    big: plan.TicketPlan | None = None
    big_agent_team = 0  # the measured agent (agent01) is in L1 team 1
    with Progress("linia: tickets", count, unit="tickets") as progress:
        for chunk in chunks(plan.tickets(count, seed, now, orgs), CHUNK):
            rows, messages, events = ticket_rows(chunk, ids, first_id, first_number)
            with transaction.atomic():
                totals["tickets"] += dbwrite.insert_rows(Ticket, TICKET_FIELDS, rows)
                totals["messages"] += dbwrite.insert_rows(
                    Message, MESSAGE_FIELDS, numbered(messages, message_id)
                )
                totals["events"] += dbwrite.insert_rows(
                    TicketEvent, EVENT_FIELDS, numbered(events, event_id)
                )
                totals["search_documents"] += dbwrite.insert_rows(
                    TicketSearchDocument, SEARCH_FIELDS, search_rows(chunk, first_id, terms)
                )
                totals["worklogs"] += dbwrite.insert_rows(
                    Worklog, WORKLOG_FIELDS, worklog_rows(chunk, ids, first_id, work_rng)
                )
            message_id += len(messages)
            event_id += len(events)
            for item in chunk:
                age = now - item.received_at
                if (item.status in plan.ACTIVE and item.team == big_agent_team
                        and item.agent is not None and age.days >= 2):  # fmt: skip
                    big = item
            progress.advance(len(chunk))
    big_number = None
    if big is not None:
        extra = plan.big_thread(big, seed)
        messages, events = [], []
        append_entries(messages, events, first_id + big.index, big, extra, ids)
        with transaction.atomic():
            totals["messages"] += dbwrite.insert_rows(
                Message, MESSAGE_FIELDS, numbered(messages, message_id)
            )
            totals["events"] += dbwrite.insert_rows(
                TicketEvent, EVENT_FIELDS, numbered(events, event_id)
            )
            Ticket.objects.filter(pk=first_id + big.index).update(
                message_count=len(big.entries) + len(extra)
            )
        big_number = first_number + big.index
        index_ticket(first_id + big.index)
    totals["kb_articles"] = build_articles(max(1000, count // 100), seed, ids)
    with transaction.atomic():
        last_number = first_number + count - 1
        # The next ticket created through the product gets the next free number.
        TicketCounter.objects.update_or_create(name="ticket", defaults={"value": last_number})
        dbwrite.reset_sequences([Ticket, Message, TicketEvent, Worklog])
    analyze_started = time.perf_counter()
    dbwrite.analyze()
    agent_orgs = [ids.organizations[org.index] for org in orgs if org.l1_team == 0]
    agent_tickets = Ticket.objects.filter(organization_id__in=agent_orgs)
    people = plan.contacts(orgs, seed)
    client_manager, requester = people[0], people[1]  # both of organization 0
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "analyze_seconds": round(time.perf_counter() - analyze_started, 1),
        "vendor": connection.vendor,
        "rows": totals,
        "password": plan.PASSWORD,
        "agent": "agent01",
        "agent_team_id": ids.teams[0],
        "manager": "bench-manager",
        "requester": requester.username,
        "requester_tickets": Ticket.objects.filter(
            requester_id=ids.contact_ids[requester.index]
        ).count(),
        "client_manager": client_manager.username,
        "organization_tickets": Ticket.objects.filter(organization_id=ids.organizations[0]).count(),
        "agent_visible": agent_tickets.count(),
        "agent_visible_active": agent_tickets.filter(status__in=sorted(plan.ACTIVE)).count(),
        "all_active": Ticket.objects.filter(status__in=sorted(plan.ACTIVE)).count(),
        "big_ticket": big_number,
        "create_requester_id": ids.contact_ids[requester.index],
        "create_organization_id": ids.organizations[orgs[0].index],
        "category_id": ids.categories[0],
        "first_number": first_number,
        "last_number": first_number + count - 1,
    }


def trim(last_number: int) -> dict[str, Any]:
    """Delete the tickets numbered after `last_number`: what an earlier run's create and
    e-mail measures added to a reused database. Left there, they skewed the next run: each run
    filed ~30,000 active "VPN" tickets for one requester, whose "my requests", the agent's
    queue and every text filter then read them too. The ORM deletes what hangs off them."""
    started = time.monotonic()
    deleted, by_model = Ticket.objects.filter(number__gt=last_number).delete()
    if deleted and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("tickets_ticket", "tickets_ticketsearchdocument",
                          "tickets_message", "tickets_ticketevent"):  # fmt: skip
                cursor.execute(f"VACUUM ANALYZE {table}")
    return {"deleted": by_model.get("tickets.Ticket", 0),
            "seconds": round(time.monotonic() - started, 1)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--now", help="ISO time the three years end at")
    parser.add_argument("--trim-after", type=int, help="only delete tickets numbered after this")
    args = parser.parse_args()
    if args.trim_after is not None:
        print(json.dumps(trim(args.trim_after)))
        return
    if args.tickets is None or args.now is None:
        parser.error("--tickets and --now are required to build")
    result = build(args.tickets, args.seed, datetime.fromisoformat(args.now))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
