"""Build the benchmark installation in django-helpdesk's database, from the same plan as Linia's.

Runs inside the peer's virtualenv (`helpdesk-venv/bin/python -m bench.helpdesk_data`), with
the generated project (`hdproject`) and the repository root on PYTHONPATH. Mapping: one
queue per organization, staff users for agents, a user per contact (tickets carry the
contact's e-mail as the submitter), and per ticket the follow-ups helpdesk itself writes:
"Ticket Opened", the 3 public messages and the internal note (private follow-up), with the
final status change recorded on the last one (plus its TicketChange row).
The last line printed is a JSON description of what was built.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import time
from datetime import datetime
from itertools import islice
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket, TicketChange, UserSettings  # noqa: E402

from bench import dbwrite, plan  # noqa: E402
from bench.progress import Progress  # noqa: E402

User: Any = get_user_model()  # typed loosely: mypy reads Linia's settings, not the peer's
CHUNK = 5_000
OPEN, REOPENED, RESOLVED, CLOSED = 1, 2, 3, 4
STATUS = {
    "new": OPEN, "open": OPEN, "in_progress": OPEN, "pending": OPEN,
    "resolved": RESOLVED, "closed": CLOSED, "cancelled": CLOSED,
}  # fmt: skip
STATUS_TITLE = {RESOLVED: "Resolved", CLOSED: "Closed"}
PRIORITY = {"P1": 1, "P2": 2, "P3": 3, "P4": 4}
TICKET_FIELDS = (
    "id", "title", "queue_id", "created", "modified", "submitter_email", "assigned_to_id",
    "status", "on_hold", "description", "resolution", "priority", "secret_key",
)  # fmt: skip
FOLLOWUP_FIELDS = ("id", "ticket_id", "date", "title", "comment", "public", "user_id", "new_status")
CHANGE_FIELDS = ("id", "followup_id", "field", "old_value", "new_value")


def build_reference(seed: int) -> tuple[list[int], list[int], list[int], list[str]]:
    password = make_password(plan.PASSWORD)
    orgs = plan.organizations(seed)
    people = plan.contacts(orgs, seed)
    staff = plan.agents(seed)
    with transaction.atomic():
        User.objects.create(
            username="bench-manager", email="manager@desk.example.com", password=password,
            is_staff=True, first_name="Desk", last_name="Manager",
        )  # fmt: skip
        agents = User.objects.bulk_create(
            User(username=a.username, first_name=a.first_name, last_name=a.last_name,
                 email=a.email, is_staff=True, password=password)
            for a in staff
        )  # fmt: skip
        contacts = User.objects.bulk_create(
            (
                User(username=p.username, first_name=p.first_name, last_name=p.last_name,
                     email=p.email, password=password)
                for p in people
            ),
            batch_size=1000,
        )  # fmt: skip
        UserSettings.objects.bulk_create(
            # helpdesk's post_save signal makes these, but bulk_create sends no signals.
            (
                UserSettings(user=user)
                for user in User.objects.filter(usersettings_helpdesk__isnull=True)
            ),
            batch_size=1000,
        )
        queues = Queue.objects.bulk_create(
            Queue(title=org.name, slug=f"org{org.index + 1:03d}",
                  email_address=f"support+org{org.index + 1:03d}@desk.example.com")
            for org in orgs
        )  # fmt: skip
    return (
        [user.pk for user in agents],
        [user.pk for user in contacts],
        [queue.pk for queue in queues],
        [p.email for p in people],
    )


def build(count: int, seed: int, now: datetime) -> dict[str, Any]:
    started = time.perf_counter()
    dbwrite.tune_for_bulk_load()
    agent_ids, contact_ids, queue_ids, emails = build_reference(seed)
    orgs = plan.organizations(seed)
    first_id = dbwrite.next_id(Ticket)
    followup_id = dbwrite.next_id(FollowUp)
    change_id = dbwrite.next_id(TicketChange)
    totals = {"tickets": 0, "followups": 0, "changes": 0}
    big: plan.TicketPlan | None = None
    items = plan.tickets(count, seed, now, orgs)
    with Progress("helpdesk: tickets", count, unit="tickets") as progress:
        while chunk := list(islice(items, CHUNK)):
            tickets: list[tuple[Any, ...]] = []
            followups: list[tuple[Any, ...]] = []
            changes: list[tuple[Any, ...]] = []
            for item in chunk:
                ticket_id = first_id + item.index
                status = STATUS[item.status]
                agent = agent_ids[item.agent] if item.agent is not None else None
                tickets.append((
                    ticket_id, item.subject, queue_ids[item.organization], item.received_at,
                    item.updated_at, emails[item.contact], agent, status,
                    item.status == "pending", item.description, item.resolution or None,
                    PRIORITY[item.priority], secrets.token_hex(18),
                ))  # fmt: skip
                followups.append((
                    followup_id, ticket_id, item.received_at, "Ticket Opened",
                    item.description, True, contact_ids[item.contact], None,
                ))  # fmt: skip
                followup_id += 1
                for position, entry in enumerate(item.entries):
                    last = position == len(item.entries) - 1 and status != OPEN
                    followups.append((
                        followup_id, ticket_id, entry.at,
                        STATUS_TITLE[status] if last else "Comment", entry.body,
                        entry.kind != "note",
                        contact_ids[item.contact] if entry.kind == "requester"
                        else agent_ids[entry.agent],
                        status if last else None,
                    ))  # fmt: skip
                    if last:
                        changes.append((change_id, followup_id, "Status", "Open",
                                        STATUS_TITLE[status]))  # fmt: skip
                        change_id += 1
                    followup_id += 1
                if (item.status in plan.ACTIVE and item.team == 0 and item.agent is not None
                        and (now - item.received_at).days >= 2):  # fmt: skip
                    big = item
            with transaction.atomic():
                totals["tickets"] += dbwrite.insert_rows(Ticket, TICKET_FIELDS, tickets)
                totals["followups"] += dbwrite.insert_rows(FollowUp, FOLLOWUP_FIELDS, followups)
                totals["changes"] += dbwrite.insert_rows(TicketChange, CHANGE_FIELDS, changes)
            progress.advance(len(chunk))
    big_id = None
    if big is not None:
        big_id = first_id + big.index
        rows: list[tuple[Any, ...]] = []
        for entry in plan.big_thread(big, seed):
            author = (
                contact_ids[big.contact] if entry.kind == "requester" else agent_ids[entry.agent]
            )
            rows.append((followup_id, big_id, entry.at, "Comment", entry.body,
                         entry.kind != "note", author, None))  # fmt: skip
            followup_id += 1
        with transaction.atomic():
            totals["followups"] += dbwrite.insert_rows(FollowUp, FOLLOWUP_FIELDS, rows)
    dbwrite.reset_sequences([Ticket, FollowUp, TicketChange])
    dbwrite.analyze()
    people = plan.contacts(orgs, seed)
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "vendor": connection.vendor,
        "rows": totals,
        "password": plan.PASSWORD,
        "agent": "agent01",
        "requester": people[1].username,
        "requester_email": people[1].email,
        "big_ticket": big_id,
        "create_queue_id": queue_ids[0],
        "open_tickets": Ticket.objects.filter(status__in=[OPEN, REOPENED]).count(),
        "first_id": first_id,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--now", required=True)
    args = parser.parse_args()
    result = build(args.tickets, args.seed, datetime.fromisoformat(args.now))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
