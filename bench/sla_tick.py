"""Time one escalation scheduler tick over many open tickets.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/slabench \
        .venv/bin/python -m bench.sla_tick --tickets 100000

Builds, in a scratch database (its name must contain "bench"; the tickets in it are replaced),
N open tickets with SLA due instants spread over the last 30 days and the next 10, in the
steady state a running scheduler leaves behind: every condition that came due before the last
minute has already fired (its EscalationFiring row exists). The shipped default rules are
active. Then it times:

- the first tick, which fires the rules for the conditions that came due in the last minute
  (`--due` tickets breach their resolution time then, plus what the random spread puts there);
- idle ticks (nothing new), the scheduler's cost every minute of a normal day.

Rows are written with bench.dbwrite (COPY on PostgreSQL, executemany on SQLite). Without
DATABASE_URL the database is a SQLite file under bench/work/sla_tick/. With REDIS_URL the tasks
that firings enqueue (e-mails, event handlers) go to Redis, as in production (a queue named
bench-sla-tick, emptied at the end); without it, to the embedded SQLite queue.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / "work" / "sla_tick"
WORK.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linia.config.settings")
os.environ.setdefault("LINIA_VAR_DIR", str(WORK))
os.environ.setdefault("LINIA_LOG_LEVEL", "WARNING")
# With REDIS_URL set (as in production), the tasks a firing enqueues go to a queue of their
# own, emptied at the end; without it, to the embedded SQLite queue under bench/work/.
os.environ.setdefault("LINIA_HUEY_NAME", "bench-sla-tick")

import django  # noqa: E402

django.setup()

import importlib  # noqa: E402

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from bench import dbwrite  # noqa: E402
from linia.accounts.models import Team, User  # noqa: E402
from linia.directory.models import Contact, Organization  # noqa: E402
from linia.escalation import queries  # noqa: E402
from linia.escalation.models import EscalationFiring, EscalationRule  # noqa: E402
from linia.escalation.services import fire_escalations  # noqa: E402
from linia.tickets.models import Ticket, TicketCounter  # noqa: E402

CHUNK = 10_000
TICKET_FIELDS = (
    "id", "number", "subject", "type", "impact", "urgency", "priority", "status", "tier",
    "team_id", "organization_id", "requester_id", "channel", "received_at", "created_at",
    "updated_at", "first_response_at", "tier_entered_at", "first_response_due",
    "first_response_warning_at", "resolution_due", "resolution_warning_at", "next_update_due",
    "sla_paused_at", "description", "resolution", "pending_reason",
)  # fmt: skip
FIRING_FIELDS = ("id", "rule_id", "ticket_id", "condition_at", "due_at", "fired_at", "actions")
STATUSES = ["new", "open", "in_progress", "in_progress", "in_progress", "pending"]
PRIORITIES = ["P1", "P2", "P2", "P3", "P3", "P3", "P4", "P4"]


def scratch_guard() -> None:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and Path(name).resolve().is_relative_to(WORK.resolve()):
        return
    if "bench" not in Path(name).name:
        raise SystemExit(f"refusing to replace the tickets of {name!r}: use a *bench* database")


def reset(args: argparse.Namespace) -> dict[str, int]:
    """Migrate, empty the ticket tables, and create the reference rows and default rules."""
    call_command("migrate", verbosity=0, interactive=False)
    tables = [
        "escalation_escalationfiring", "tickets_eventhandling", "tickets_ticketevent",
        "tickets_attachment", "tickets_message", "notifications_outboundemail", "tickets_ticket",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    defaults = importlib.import_module("linia.escalation.migrations.0002_default_rules")
    with transaction.atomic():
        EscalationRule.objects.all().delete()
        defaults.create_defaults(apps, None)
        teams = {}
        for tier in (1, 2, 3):
            teams[tier], _ = Team.objects.get_or_create(
                name=f"Bench L{tier}", defaults={"tier": tier, "serves_all_organizations": True}
            )
        for n in (1, 2):
            User.objects.get_or_create(
                username=f"bench-sla-manager{n}",
                defaults={"role": "manager", "email": f"manager{n}@bench.test"},
            )
        organizations = []
        for n in range(args.organizations):
            organization, _ = Organization.objects.get_or_create(name=f"SLA bench client {n}")
            organizations.append(organization)
        contacts = []
        for organization in organizations:
            contact, _ = Contact.objects.get_or_create(
                organization=organization, email=f"user@{organization.pk}.bench.test",
                defaults={"full_name": f"User of {organization.name}"},
            )  # fmt: skip
            contacts.append((organization.pk, contact.pk))
    return {
        "team1": teams[1].pk,
        "team2": teams[2].pk,
        "team3": teams[3].pk,
        **{f"contact{i}": pk for i, (_, pk) in enumerate(contacts)},
        **{f"org{i}": pk for i, (pk, _) in enumerate(contacts)},
    }


def ticket_rows(count: int, due: int, now: datetime, ids: dict[str, int], seed: int):
    """Ticket rows, and (rule condition, ticket id, condition instant) for what already fired."""
    rng = random.Random(seed)
    first_number = settings.LINIA_FIRST_TICKET_NUMBER
    organizations = len([key for key in ids if key.startswith("org")])
    fired_before = now - timedelta(minutes=1)
    for index in range(count):
        pk = index + 1
        org = rng.randrange(organizations)
        # Ticket numbers grow with registration: create them oldest first.
        created = now - timedelta(days=30) + timedelta(days=30) * (index / count)
        created += timedelta(seconds=rng.uniform(0, 20))
        created = min(created, now - timedelta(seconds=30))
        priority = rng.choice(PRIORITIES)
        status = rng.choice(STATUSES)
        tier = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
        tier_entered = created + timedelta(minutes=rng.uniform(0, 60)) if tier > 1 else created
        tier_entered = min(tier_entered, now)
        response_target = timedelta(minutes=rng.choice([30, 60, 240]))
        resolution_target = timedelta(hours=rng.choice([4, 8, 24, 72, 240]))
        if index >= count - due:  # these breach their resolution time in the last minute
            resolution_target = now - timedelta(seconds=rng.uniform(1, 59)) - created
        first_response_due = created + response_target
        first_response_at = (
            created + response_target * rng.uniform(0.1, 1.2)
            if first_response_due < now or rng.random() < 0.5
            else None
        )
        if first_response_at is not None and first_response_at > now:
            first_response_at = None
        resolution_due = created + resolution_target
        warning = created + resolution_target * 0.75
        next_update = max(first_response_at or created, now - timedelta(hours=4)) + timedelta(
            hours=rng.choice([1, 2, 4])
        )
        paused = created + (now - created) / 2 if status == "pending" else None
        row = {
            "id": pk,
            "number": first_number + index,
            "subject": f"SLA bench ticket {pk}",
            "type": "incident",
            "impact": "medium",
            "urgency": "medium",
            "priority": priority,
            "status": status,
            "tier": tier,
            "team_id": ids[f"team{tier}"],
            "organization_id": ids[f"org{org}"],
            "requester_id": ids[f"contact{org}"],
            "channel": "portal",
            "received_at": created,
            "created_at": created,
            "updated_at": created,
            "first_response_at": first_response_at,
            "tier_entered_at": tier_entered,
            "first_response_due": first_response_due,
            "first_response_warning_at": created + response_target * 0.75,
            "resolution_due": resolution_due,
            "resolution_warning_at": warning,
            "next_update_due": next_update,
            "sla_paused_at": paused,
            "description": "",
            "resolution": "",
            "pending_reason": "",
        }
        yield tuple(row[name] for name in TICKET_FIELDS), _already_fired(row, now, fired_before)


def _already_fired(
    row: dict[str, Any], now: datetime, before: datetime
) -> list[tuple[str, int, datetime, datetime, bool]]:
    """What a scheduler running every minute has fired (True) or scheduled (False) for this
    ticket by `before`: (condition, ticket id, condition instant, due, fired)."""
    if row["sla_paused_at"] is not None:
        return []
    pk = row["id"]
    fired = []
    entered = row["tier_entered_at"]
    if row["tier"] == 1:
        deadline = entered + timedelta(minutes=20)
        fired.append(("time_at_tier", pk, entered, deadline, deadline <= before))
    warning, due = row["first_response_warning_at"], row["first_response_due"]
    if row["first_response_at"] is None and warning <= before < due:
        fired.append(("first_response_warning", pk, warning, warning, True))
    warning, due = row["resolution_warning_at"], row["resolution_due"]
    if warning <= before < due:
        fired.append(("resolution_warning", pk, warning, warning, True))
    if due <= before:
        fired.append(("resolution_breach", pk, due, due, True))
    created = row["created_at"]
    if row["priority"] == "P1" and now - timedelta(days=1) <= created <= before:
        fired.append(("priority_created", pk, created, created, True))
    return fired


def build(args: argparse.Namespace, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    dbwrite.tune_for_bulk_load()
    ids = reset(args)
    rules = dict(EscalationRule.objects.values_list("condition", "id"))
    counts: dict[str, float] = {"tickets": 0, "firings": 0}
    rows_iter = ticket_rows(args.tickets, args.due, now, ids, args.seed)
    firing_id = 1
    while True:
        chunk = [item for _, item in zip(range(CHUNK), rows_iter, strict=False)]
        if not chunk:
            break
        firings = []
        for _, fired in chunk:
            for condition, ticket_id, instant, due, done in fired:
                fired_at = due + timedelta(seconds=30) if done else None
                firings.append(
                    (firing_id, rules[condition], ticket_id, instant, due, fired_at, "[]")
                )
                firing_id += 1
        with transaction.atomic():
            counts["tickets"] += dbwrite.insert_rows(Ticket, TICKET_FIELDS, [t for t, _ in chunk])
            counts["firings"] += dbwrite.insert_rows(EscalationFiring, FIRING_FIELDS, firings)
    with transaction.atomic():
        TicketCounter.objects.update_or_create(
            name="ticket", defaults={"value": settings.LINIA_FIRST_TICKET_NUMBER + args.tickets}
        )
        dbwrite.reset_sequences([Ticket, EscalationFiring])
        # The scheduler ran a minute ago.
        EscalationRule.objects.update(checked_until=now - timedelta(minutes=1))
    dbwrite.analyze()
    connection.close()  # measure on a fresh connection, without the bulk-load settings
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                 context: Any) -> Any:  # fmt: skip
        self.count += 1
        return execute(sql, params, many, context)


def timed_tick(now: datetime) -> tuple[float, float, int, int]:
    """Wall-clock and this process's CPU milliseconds of one tick, firings, queries."""
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started, cpu = time.perf_counter(), time.process_time()
        results = fire_escalations(now=now)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed * 1000, cpu * 1000, len([r for r in results if not r.error]), counter.count


def explain(now: datetime) -> Iterator[str]:
    for rule in queries.list_active_rules():
        since = queries.watch_since(rule, now)
        for source in queries.sources(rule):
            changed = queries.changed_ticket_ids(rule, since)[:200]
            candidates = queries.candidate_tickets(
                rule, now, since=since, source=source, ticket_ids=changed
            )
            candidates = candidates.order_by(queries.condition_field(rule), "pk")[:200]
            yield f"--- {rule.name} ({source})"
            if connection.vendor == "postgresql":
                yield candidates.explain(analyze=True)
            else:
                yield candidates.explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument(
        "--due", type=int, default=50, help="resolution breaches in the last minute"
    )
    parser.add_argument("--organizations", type=int, default=50)
    parser.add_argument("--idle-ticks", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--explain", action="store_true", help="print the candidate query plans")
    parser.add_argument(
        "--json", action="store_true", help="end with one JSON line of the figures (bench/run.py)"
    )
    args = parser.parse_args()
    scratch_guard()
    now = datetime.now(UTC).replace(microsecond=0)
    built = build(args, now)
    open_tickets = Ticket.objects.count()
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {open_tickets} open tickets, "
        f"{built['firings']} earlier firings, built in {built['seconds']} s"
    )
    first_ms, first_cpu, fired, first_queries = timed_tick(now)
    print(
        f"first tick: {first_ms:.1f} ms ({first_cpu:.1f} ms CPU in Python), {fired} firings, "
        f"{first_queries} queries"
    )
    idle = [timed_tick(now) for _ in range(args.idle_ticks)]
    idle_ms = [ms for ms, _, _, _ in idle]
    print(
        f"idle tick:  median {statistics.median(idle_ms):.1f} ms "
        f"(min {min(idle_ms):.1f}, max {max(idle_ms):.1f}; "
        f"median {statistics.median(cpu for _, cpu, _, _ in idle):.1f} ms CPU in Python) "
        f"over {len(idle)} ticks, {idle[0][2]} firings, {idle[0][3]} queries"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    queue = settings.HUEY.get("huey_class", "")
    print(f"task queue: {queue}")
    HUEY.flush()  # the handlers' tasks enqueued by the ticks are not run here
    if args.explain:
        for line in explain(now):
            print(line)
    if args.json:
        print(
            json.dumps(
                {
                    "open_tickets": open_tickets,
                    "build_seconds": built["seconds"],
                    "first_ms": round(first_ms, 1),
                    "first_firings": fired,
                    "first_queries": first_queries,
                    "idle_ms": [round(ms, 1) for ms in idle_ms],
                    "idle_queries": idle[0][3],
                }
            )
        )


if __name__ == "__main__":
    main()
