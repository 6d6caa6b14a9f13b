"""The installation both systems are loaded with, as plain data (stdlib only).

One plan, two builders: `linia_data` maps it onto Linia's schema and `helpdesk_data` onto
django-helpdesk's, so the two databases hold the same organizations, people, tickets,
conversations and timestamps. Everything is drawn from a seeded `random.Random`.

Shape: 300 organizations, 3,000 contacts (10 per organization, each with a portal account),
60 agents in 10 teams (6 L1 teams that each serve 50 organizations, 3 L2 teams that each
serve 100, one L3 team that serves all), 32 categories, and N tickets received over three
years, each with 3 public messages and 1 internal note.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench import textgen

ORGANIZATIONS = 300
CONTACTS_PER_ORGANIZATION = 10
L1_TEAMS = 6
L2_TEAMS = 3
AGENTS_PER_TEAM = 6
TEAMS = L1_TEAMS + L2_TEAMS + 1  # the last one is L3 and serves every organization
AGENTS = TEAMS * AGENTS_PER_TEAM  # 60
SPAN = timedelta(days=3 * 365)
BIG_THREAD_MESSAGES = 50
PASSWORD = "bench-Password-2024"  # noqa: S105 (a throwaway benchmark installation)

CATEGORY_TREE = {
    "Hardware": ("Printers", "Laptops", "Monitors", "Phones"),
    "Network": ("VPN", "Wi-Fi", "Internet access", "Firewall"),
    "Accounts": ("New account", "Password", "Access rights", "Mailbox"),
    "Software": ("Installation", "Updates", "Licences", "Accounting system"),
    "E-mail": ("Outlook", "Spam", "Shared mailbox", "Quota"),
    "Servers": ("Backup", "Storage", "Virtual machines", "Monitoring"),
    "Telephony": ("Desk phones", "Mobile", "Call routing", "Voicemail"),
    "Other": ("Question", "Complaint", "Consultation", "Purchase"),
}
LEAF_CATEGORIES = sum(len(children) for children in CATEGORY_TREE.values())

TYPES = ("incident", "service_request", "question", "change", "problem", "complaint")
TYPE_WEIGHTS = (0.55, 0.30, 0.08, 0.04, 0.02, 0.01)
CHANNELS = ("portal", "email", "phone", "telegram", "api")
CHANNEL_WEIGHTS = (0.40, 0.35, 0.15, 0.05, 0.05)
LEVELS = ("high", "medium", "low")
LEVEL_WEIGHTS = (0.15, 0.6, 0.25)
MATRIX = {
    ("high", "high"): "P1", ("high", "medium"): "P2", ("high", "low"): "P3",
    ("medium", "high"): "P2", ("medium", "medium"): "P3", ("medium", "low"): "P4",
    ("low", "high"): "P3", ("low", "medium"): "P4", ("low", "low"): "P4",
}  # fmt: skip
ACTIVE = frozenset({"new", "open", "in_progress", "pending"})


@dataclass(frozen=True, slots=True)
class Organization:
    index: int
    name: str
    language: str
    l1_team: int
    l2_team: int


@dataclass(frozen=True, slots=True)
class Person:
    index: int
    username: str
    first_name: str
    last_name: str
    email: str
    language: str
    position: str = ""
    organization: int = -1  # contacts only
    team: int = -1  # agents only
    is_client_manager: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of a thread: who wrote it ("agent", "requester" or "note") and when."""

    kind: str
    body: str
    at: datetime
    agent: int


@dataclass(frozen=True, slots=True)
class TicketPlan:
    index: int  # 0-based; Linia's number is FIRST_NUMBER + index
    organization: int
    contact: int
    language: str
    subject: str
    description: str
    type: str
    impact: str
    urgency: str
    priority: str
    status: str
    tier: int
    team: int
    agent: int | None
    channel: str
    category: int  # leaf category index
    received_at: datetime
    first_response_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str
    entries: tuple[Entry, ...]
    updated_at: datetime


def team_tier(team: int) -> int:
    if team < L1_TEAMS:
        return 1
    if team < L1_TEAMS + L2_TEAMS:
        return 2
    return 3


def team_members(team: int) -> range:
    return range(team * AGENTS_PER_TEAM, (team + 1) * AGENTS_PER_TEAM)


def organizations(seed: int) -> list[Organization]:
    rng = random.Random(seed)
    result = []
    for index in range(ORGANIZATIONS):
        language = textgen.pick_language(rng)
        result.append(
            Organization(
                index=index,
                name=textgen.organization_name(rng, language, index + 1),
                language=language,
                l1_team=index % L1_TEAMS,
                l2_team=L1_TEAMS + index % L2_TEAMS,
            )
        )
    return result


def contacts(orgs: list[Organization], seed: int) -> list[Person]:
    rng = random.Random(seed + 1)
    result: list[Person] = []
    for org in orgs:
        for slot in range(CONTACTS_PER_ORGANIZATION):
            index = len(result)
            first, last = textgen.person(rng, org.language)
            result.append(
                Person(
                    index=index,
                    username=f"user{index + 1:04d}",
                    first_name=first,
                    last_name=last,
                    email=f"user{index + 1:04d}@org{org.index + 1:03d}.example.com",
                    language=org.language,
                    position=textgen.position(rng, org.language),
                    organization=org.index,
                    is_client_manager=slot == 0,
                )
            )
    return result


def agents(seed: int) -> list[Person]:
    rng = random.Random(seed + 2)
    result = []
    for index in range(AGENTS):
        language = rng.choice(("en", "ru", "uk", "pl"))
        first, last = textgen.person(rng, language)
        result.append(
            Person(
                index=index,
                username=f"agent{index + 1:02d}",
                first_name=first,
                last_name=last,
                email=f"agent{index + 1:02d}@desk.example.com",
                language=language,
                team=index // AGENTS_PER_TEAM,
            )
        )
    return result


def _status_for(rng: random.Random, age_days: float) -> str:
    roll = rng.random()
    table: tuple[tuple[str, float], ...]
    if age_days < 7:
        table = (("new", 0.15), ("open", 0.15), ("in_progress", 0.3), ("pending", 0.1),
                 ("resolved", 0.2), ("closed", 0.1))  # fmt: skip
    elif age_days < 30:
        table = (("in_progress", 0.1), ("pending", 0.05), ("resolved", 0.05),
                 ("cancelled", 0.05), ("closed", 0.75))  # fmt: skip
    else:
        # A real backlog: a few old tickets stay open for months.
        table = (("pending", 0.01), ("in_progress", 0.01), ("cancelled", 0.06),
                 ("closed", 0.92))  # fmt: skip
    for status, share in table:
        roll -= share
        if roll < 0:
            return status
    return table[-1][0]


def tickets(count: int, seed: int, now: datetime, orgs: list[Organization]) -> Iterator[TicketPlan]:
    """`count` tickets in the order they were received, spread evenly over three years."""
    rng = random.Random(seed + 3)
    start = now - SPAN
    step = SPAN.total_seconds() / max(count, 1)
    # Some organizations file far more tickets than others.
    weights = [1.0 / (1.0 + index / 25.0) for index in range(len(orgs))]
    shuffled = list(range(len(orgs)))
    rng.shuffle(shuffled)
    org_weights = [weights[shuffled[index]] for index in range(len(orgs))]
    org_picks = rng.choices(range(len(orgs)), weights=org_weights, k=count)
    for index in range(count):
        received = start + timedelta(seconds=index * step + rng.random() * step * 0.9)
        age = now - received
        age_days = age.total_seconds() / 86400
        org = orgs[org_picks[index]]
        language = org.language
        contact = org.index * CONTACTS_PER_ORGANIZATION + rng.randrange(CONTACTS_PER_ORGANIZATION)
        tier_roll = rng.random()
        tier = 1 if tier_roll < 0.8 else 2 if tier_roll < 0.95 else 3
        team = org.l1_team if tier == 1 else org.l2_team if tier == 2 else TEAMS - 1
        agent = rng.choice(team_members(team))
        status = _status_for(rng, age_days)
        impact = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        urgency = rng.choices(LEVELS, weights=LEVEL_WEIGHTS)[0]
        # Conversation gaps shrink for tickets received moments ago, so nothing is in the future.
        scale = min(1.0, age.total_seconds() / (4 * 3600 * 6))
        gaps = [timedelta(minutes=rng.uniform(5, 240) * scale + 0.1) for _ in range(5)]
        first_reply = received + gaps[0]
        note_at = first_reply + gaps[1]
        reply_at = note_at + gaps[2]
        last_at = reply_at + gaps[3]
        entries = (
            Entry("agent", textgen.agent_reply(rng, language), first_reply, agent),
            Entry("note", textgen.internal_note(rng, language), note_at, agent),
            Entry("requester", textgen.requester_reply(rng, language), reply_at, agent),
            Entry("agent", textgen.agent_reply(rng, language), last_at, agent),
        )
        resolved_at = closed_at = None
        resolution = ""
        end = last_at + gaps[4]
        if status in {"resolved", "closed"}:
            resolved_at = end
            resolution = textgen.resolution(rng, language)
        if status == "closed":
            closed_at = min(end + timedelta(days=3), now)
        elif status == "cancelled":
            closed_at = end
        yield TicketPlan(
            index=index,
            organization=org.index,
            contact=contact,
            language=language,
            subject=textgen.subject(rng, language),
            description=textgen.description(rng, language),
            type=rng.choices(TYPES, weights=TYPE_WEIGHTS)[0],
            impact=impact,
            urgency=urgency,
            priority=MATRIX[(impact, urgency)],
            status=status,
            tier=tier,
            team=team,
            agent=None if status == "new" else agent,
            channel=rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0],
            category=rng.randrange(LEAF_CATEGORIES),
            received_at=received,
            first_response_at=first_reply,
            resolved_at=resolved_at,
            closed_at=closed_at,
            resolution=resolution,
            entries=entries,
            updated_at=closed_at or resolved_at or last_at,
        )


def big_thread(plan: TicketPlan, seed: int) -> list[Entry]:
    """The extra entries that bring one ticket's thread to BIG_THREAD_MESSAGES messages."""
    rng = random.Random(seed + 4)
    entries: list[Entry] = []
    at = plan.entries[-1].at
    agent = plan.agent if plan.agent is not None else team_members(plan.team)[0]
    for number in range(BIG_THREAD_MESSAGES - len(plan.entries)):
        at += timedelta(seconds=rng.uniform(5, 60))
        kind = ("requester", "agent", "agent", "note")[number % 4]
        body = (
            textgen.requester_reply(rng, plan.language)
            if kind == "requester"
            else textgen.internal_note(rng, plan.language)
            if kind == "note"
            else textgen.agent_reply(rng, plan.language)
        )
        entries.append(Entry(kind, body, at, agent))
    return entries


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
