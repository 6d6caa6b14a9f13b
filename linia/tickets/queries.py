"""Reads for tickets. Every query starts from `visible_tickets(actor)`, the one tenancy gate."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Max, Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.expressions import OrderBy, RawSQL
from django.utils.translation import gettext as _

from linia.accounts.models import Team, User
from linia.core.access import Actor, Role
from linia.core.errors import NotFound
from linia.directory.access import organization_filter
from linia.search import backends
from linia.search.ddl import TICKETS
from linia.search.normalize import query_terms

from .models import ACTIVE_STATUS_VALUES, Attachment, Category, Message, Ticket, TicketEvent
from .workflow import ACTIVE_STATUSES, FINAL_STATUSES, TicketStatus


def visible_tickets(actor: Actor) -> QuerySet[Ticket]:
    """The tickets `actor` may see: own (requester), the organization's (client manager),
    the served organizations' (agent), or all (manager, administrator, system)."""
    tickets = Ticket.objects.all()
    if actor.role == Role.REQUESTER:
        if actor.contact_id is None or actor.organization_id is None:
            return tickets.none()
        return tickets.filter(requester_id=actor.contact_id, organization_id=actor.organization_id)
    return tickets.filter(organization_filter(actor))


def get_ticket_for(actor: Actor, number: int | str) -> Ticket:
    """One visible ticket by number, with what its page shows; NotFound otherwise."""
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound(_("Ticket not found.")) from None
    # Six joins, not eight: PostgreSQL planned the join of all eight related rows in ~5 ms at
    # a million tickets and ran it in 0.2 ms; the calendar, when the page needs it, is one
    # small query. `number` is unique: no ORDER BY either.
    found = list(
        visible_tickets(actor)
        .select_related("organization", "requester", "assignee", "team", "category", "sla_policy")
        .filter(number=number)
        .order_by()[:1]
    )
    if not found:
        raise NotFound(_("Ticket not found."))
    return found[0]


@dataclass
class QueueFilters:
    statuses: list[str] = field(default_factory=list)  # empty: every active status
    include_closed: bool = False
    organization_id: int | None = None
    assignee: str = ""  # "", "me", "none" or a user id
    tier: int | None = None
    team_id: int | None = None
    priority: str = ""
    type: str = ""
    category_id: int | None = None
    requester_id: int | None = None
    text: str = ""
    sort: str = "-number"


QUEUE_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-number": ("-number",),
    "number": ("number",),
    "priority": ("priority", "-number"),
    "-updated": ("-updated_at", "-number"),
    "received": ("received_at", "number"),
    # By SLA: the resolution due soonest first, tickets without a running clock last.
    "sla": (F("resolution_due").asc(nulls_last=True), "number"),
}


def list_tickets_for(
    actor: Actor, filters: QueueFilters, *, prefetch: tuple[str, ...] | None = None
) -> QuerySet[Ticket]:
    """Visible tickets narrowed by `filters`, shaped for list pages (queue, API, portal):
    with their organization, requester and assignee, and the related rows `prefetch` names
    (LIST_PREFETCH by default) read by id after the page."""
    tickets = visible_tickets(actor)
    # Statuses are written into the SQL (linia.core.lookups.Among), in the workflow's order:
    # the list then reads exactly as the condition of the active tickets' partial indexes,
    # and PostgreSQL knows the index already applies it. Bound, no prepared statement's
    # generic plan could use those indexes; in another order, the planner counted the
    # condition twice and sorted a team's 3,300 active tickets (10 against 1.4 ms).
    if filters.statuses:
        known = [status for status in TicketStatus.values if status in filters.statuses]
        tickets = tickets.filter(status__among=known) if known else tickets.none()
    elif not filters.include_closed:
        tickets = tickets.filter(status__among=ACTIVE_STATUS_VALUES)
    if filters.organization_id:
        tickets = tickets.filter(organization_id=filters.organization_id)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee_id=actor.user_id)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    if filters.tier:
        tickets = tickets.filter(tier=filters.tier)
    if filters.team_id:
        tickets = tickets.filter(team_id=filters.team_id)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.type:
        tickets = tickets.filter(type=filters.type)
    if filters.category_id:
        tickets = tickets.filter(category_id=filters.category_id)
    if filters.requester_id:
        tickets = tickets.filter(requester_id=filters.requester_id)
    if filters.text.strip():
        active_only = (
            set(filters.statuses) <= ACTIVE_STATUSES
            if filters.statuses
            else not filters.include_closed
        )
        tickets = tickets.filter(text_condition(actor, filters.text, active_only=active_only))
    order = QUEUE_SORTS.get(filters.sort, QUEUE_SORTS["-number"])
    # Three joins, and the small tables (teams, categories, policies) read by id afterwards:
    # with all six joined, PostgreSQL spent ~6 ms planning a query it ran in 0.5 ms (a million
    # tickets; docs/performance.md), where the three extra reads cost ~1 ms together.
    return (
        tickets.select_related("organization", "requester", "assignee")
        .prefetch_related(*(LIST_PREFETCH if prefetch is None else prefetch))
        .order_by(*order)
    )


# What a ticket list reads by id after its page rather than joining (see list_tickets_for).
LIST_PREFETCH = ("team", "category", "sla_policy")


# Up to this many full-text matches, the text filter passes their ids to the list query.
TEXT_MATCHES_AS_LIST = 5_000
# Among active tickets only, a subquery can never walk far (the active tickets are a few
# percent), while a long id list made PostgreSQL plan the page badly: 3,400 ids of "VPN" at a
# million tickets, 90–230 ms against 70–95 ms for the subquery. So the list stays short.
TEXT_MATCHES_AS_LIST_ACTIVE = 2_000


def text_condition(actor: Actor, text: str, *, active_only: bool = False) -> Q:
    """Tickets whose search document holds every word of `text` (a word also matches longer
    terms it begins), or whose number it is ("1234", "#1234"). Staff match internal notes too,
    clients only the public column. The match is one subquery on the full-text index (FTS5 /
    GIN), so the queue keeps its own order and keyset pagination. Text without any term
    (punctuation only) falls back to the subject.

    `active_only`: the caller lists active tickets only, so on PostgreSQL the match reads
    the partial index of active tickets' documents (a few percent of them) rather than
    collecting matches among every ticket ever filed. The documents' flag lags a status
    change by the indexing task's delay, like their terms do; the caller's status filter
    still decides what is listed."""
    text = text.strip()
    number = text.lstrip("#").strip()
    groups = query_terms(text)
    params: list[str | int] = []
    if groups and connection.vendor == "postgresql":
        label = dict(TICKETS.columns)["public_terms"] if not actor.is_staff else ""
        sql = (
            f"SELECT {TICKETS.key} FROM {TICKETS.table}"  # noqa: S608  (constant names)
            " WHERE search_vector @@ to_tsquery('simple', %s)"
        )
        if active_only:
            sql += " AND is_active"
        params.append(backends.tsquery(groups, backends.ALL, label, prefix=True))
    elif groups:
        column = None if actor.is_staff else "public_terms"
        sql = f"SELECT rowid FROM {TICKETS.fts} WHERE {TICKETS.fts} MATCH %s"  # noqa: S608
        params.append(backends.fts5_match(groups, backends.ALL, column, prefix=True))
    elif not _is_number(number):
        return Q(subject__icontains=text)
    else:
        sql = ""
    if _is_number(number) and len(number) <= 18:
        # A union inside the subquery, not an OR outside it: PostgreSQL keeps the semi-join.
        by_number = f"SELECT id FROM {Ticket._meta.db_table} WHERE number = %s"  # noqa: S608
        sql = f"{sql} UNION {by_number}" if sql else by_number
        params.append(int(number))
    # Left to themselves, both planners walk the list's sort index and probe the matches,
    # expecting to meet 50 soon: right for a common word, a walk of the whole table for a
    # rare one (1–2 s at a million tickets). So the matches are read first, from the
    # full-text index, and a short list of ids goes into the page query; only a word too
    # common for that stays a subquery, where the walk does meet matches soon.
    as_list = TEXT_MATCHES_AS_LIST_ACTIVE if active_only else TEXT_MATCHES_AS_LIST
    if connection.vendor == "postgresql":
        # Written in, not bound: a prepared statement's generic plan knows no parameter, and
        # for the words it read every match of every ticket by a sequential scan (140 ms for
        # "VPN" at a million tickets) or walked the sort index without probing (22 against
        # 14 ms). With the words (and the limit) in the SQL every plan is made for them.
        sql, params = _inlined(sql, params), []
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} LIMIT {as_list + 1:d}", tuple(params))
        ids = [row[0] for row in cursor.fetchall()]
    if len(ids) <= as_list:
        return Q(pk__any=ids)  # one array parameter, not one per id (linia.core.lookups)
    return Q(pk__in=RawSQL(sql, tuple(params)))  # noqa: S611  (SQL built from constants)


def _inlined(sql: str, params: list[str | int]) -> str:
    """`sql` with its `%s` parameters written in as PostgreSQL literals, quoted by psycopg
    (and any `%` doubled: the result is still run as a query with parameters, if none)."""
    from psycopg.sql import Literal

    connection.ensure_connection()
    literals = [Literal(value).as_string(connection.connection) for value in params]
    return sql % tuple(literal.replace("%", "%%") for literal in literals)


def list_requests_for(actor: Actor, *, state: str = "all") -> QuerySet[Ticket]:
    """The portal's "my requests": everything the client actor sees, newest first.

    `state` narrows it: "open" (not yet closed or cancelled, resolved included, since it
    waits for the requester) or "closed" (closed or cancelled); anything else is everything.
    """
    tickets = visible_tickets(actor)
    if state == "open":
        tickets = tickets.exclude(status__in=sorted(FINAL_STATUSES))
    elif state == "closed":
        tickets = tickets.filter(status__in=sorted(FINAL_STATUSES))
    return tickets.select_related("requester", "organization").order_by("-number")


def load_sla_policies(tickets: list[Ticket]) -> None:
    """Attach each ticket's SLA policy (whose name sla_status shows) in one query for all,
    e.g. for tickets just created, which carry the policy's id only."""
    prefetch_related_objects(tickets, "sla_policy")


def visible_messages(ticket: Ticket, actor: Actor) -> QuerySet[Message]:
    messages = ticket.messages.all()
    if not actor.is_staff:
        messages = messages.filter(is_internal=False)
    return messages


def list_messages_for(ticket: Ticket, actor: Actor) -> QuerySet[Message]:
    """The thread as `actor` sees it (clients never see internal notes), with attachments.
    Authors are not joined: a message keeps its author's name and id (`author_name`)."""
    attachments = Attachment.objects.order_by("created_at", "id")
    return (
        visible_messages(ticket, actor)
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .order_by("created_at", "id")
    )


def ticket_timeline(ticket: Ticket, actor: Actor) -> QuerySet[TicketEvent]:
    """The ticket's history as `actor` may see it, oldest first."""
    events = ticket.events.all()
    if not actor.is_staff:
        events = events.filter(is_internal=False)
    return events.order_by("created_at", "id")


def latest_event_id(ticket: Ticket) -> int:
    """The id of the ticket's latest event (0 if none). Events are append-only and every
    change to a ticket's thread or history records one, so this names the state of both."""
    latest: int | None = ticket.events.aggregate(latest=Max("id"))["latest"]
    return latest or 0


def get_attachment_for(actor: Actor, attachment_id: int) -> Attachment:
    """An attachment the actor may download: its ticket is visible and, for clients, it is not
    part of an internal note. NotFound otherwise."""
    attachments = Attachment.objects.filter(ticket__in=visible_tickets(actor))
    if not actor.is_staff:
        attachments = attachments.filter(is_internal=False)
    attachment = attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    return attachment


def list_ticket_attachments_for(ticket: Ticket, actor: Actor) -> QuerySet[Attachment]:
    attachments = ticket.attachments.all()
    if not actor.is_staff:
        attachments = attachments.filter(is_internal=False)
    return attachments


def list_categories() -> QuerySet[Category]:
    return (
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .order_by("position", "name")
    )


def category_choices() -> list[tuple[int, str]]:
    """Active categories as (id, "Parent › Child") pairs, in tree order."""
    rows = list_categories().values_list("id", "name", "parent_id")  # no objects, no join
    by_parent: dict[int | None, list[tuple[int, str]]] = {}
    for pk, name, parent_id in rows:
        by_parent.setdefault(parent_id, []).append((pk, name))
    result: list[tuple[int, str]] = []

    def walk(parent_id: int | None, prefix: str) -> None:
        for pk, name in by_parent.get(parent_id, []):
            label = f"{prefix}{name}"
            result.append((pk, label))
            walk(pk, f"{label} › ")

    walk(None, "")
    return result


def list_assignable_agents(ticket: Ticket) -> QuerySet[User]:
    """Staff who may take this ticket: members of teams serving its organization, and managers."""
    serving_teams = Team.objects.filter(
        Q(serves_all_organizations=True) | Q(organizations=ticket.organization_id), is_active=True
    )
    # One subquery, the members and the managers united, rather than a join (no DISTINCT over
    # the users) or an OR of two (which read all the users to test each: 1.4 ms at 3,000).
    members = Team.members.through.objects.filter(team__in=serving_teams).values("user_id")
    managers = User.objects.filter(role__among=["manager", "admin"]).values("pk")
    return User.objects.filter(is_active=True, pk__in=members.union(managers, all=True)).order_by(
        "first_name", "last_name", "username"
    )


def list_teams(tier: int | None = None) -> QuerySet[Team]:
    teams = Team.objects.filter(is_active=True)
    if tier:
        teams = teams.filter(tier=tier)
    return teams.order_by("tier", "name")


# --- work log (issue 5: included hours) -----------------------------------------------------
# Appended as one block so that parallel edits of this file stay apart; hence the late imports.
import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.db.models import Sum  # noqa: E402

from linia.directory.models import Organization  # noqa: E402

from .models import Worklog  # noqa: E402


def list_worklogs_for(ticket: Ticket, actor: Actor) -> QuerySet[Worklog]:
    """The ticket's work log, oldest day first: staff only (clients never see it)."""
    if not actor.is_staff:
        return Worklog.objects.none()
    return (
        Worklog.objects.filter(ticket=ticket)
        .select_related("agent")
        .order_by("work_date", "created_at", "id")
    )


def get_worklog_for(actor: Actor, worklog_id: int) -> Worklog:
    """One work log entry of a ticket the staff actor sees; NotFound otherwise."""
    worklog = (
        Worklog.objects.filter(pk=worklog_id, ticket__in=visible_tickets(actor))
        .select_related("agent", "ticket")
        .first()
        if actor.is_staff
        else None
    )
    if worklog is None:
        raise NotFound(_("Work log entry not found."))
    return worklog


@dataclass(frozen=True)
class HoursUsage:
    """An organization's included hours in one month. Hours are Decimal, two places;
    `included`, `left` are None without included hours on the contract."""

    month: dt.date  # the first day
    included: Decimal | None
    used: Decimal  # billable hours logged in the month
    non_billable: Decimal
    left: Decimal | None  # never below zero
    extra: Decimal  # billable hours beyond the included ones (all of them without a contract)


HOURS = Decimal("0.01")


def _hours(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(HOURS)


def included_hours_usage(organization: Organization, month: dt.date) -> HoursUsage:
    """Included, used, left and extra hours of `organization` in the month of `month`, in
    one query (the sums of billable and other minutes of the work log)."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    sums = Worklog.objects.filter(
        organization_id=organization.pk, work_date__gte=first, work_date__lt=following
    ).aggregate(
        billable_minutes=Sum("minutes", filter=Q(billable=True)),
        other=Sum("minutes", filter=Q(billable=False)),
    )
    used = _hours(sums["billable_minutes"] or 0)
    included = organization.included_hours_per_month
    if included is None:
        return HoursUsage(first, None, used, _hours(sums["other"] or 0), None, used)
    included = Decimal(included).quantize(HOURS)
    return HoursUsage(
        month=first,
        included=included,
        used=used,
        non_billable=_hours(sums["other"] or 0),
        left=max(included - used, Decimal("0.00")),
        extra=max(used - included, Decimal("0.00")),
    )


# --- keyset pages (issue 7: lists that stay fast at a million tickets) ------------------------
# Appended as one block so that parallel edits of this file stay apart; hence the late imports.
from datetime import UTC, datetime  # noqa: E402

# Per sort: the leading column (None: the number alone) and whether it runs descending; the
# number breaks ties in the direction of QUEUE_SORTS. `resolution_due` is the one nullable
# column (nulls last, as in QUEUE_SORTS).
_KEYS: dict[str, tuple[str | None, bool, bool]] = {
    # sort: (column, column descending, number descending)
    "-number": (None, False, True),
    "number": (None, False, False),
    "priority": ("priority", False, True),
    "-updated": ("updated_at", True, True),
    "received": ("received_at", False, False),
    "sla": ("resolution_due", False, False),
}
_DATETIME_KEYS = {"updated_at", "received_at", "resolution_due"}
CURSOR_MAX_LENGTH = 64


@dataclass(frozen=True)
class TicketPage:
    """One page of a keyset-paged ticket list. `next_cursor` / `previous_cursor` are "" at
    either end; a cursor names the row a page starts after (or ends before) by its sort key."""

    items: list[Ticket]
    next_cursor: str = ""
    previous_cursor: str = ""


def ticket_cursor(ticket: Ticket, sort: str) -> str:
    """The stable cursor of `ticket` in a list sorted by `sort`: its number, prefixed by the
    sort column's value ("P3~1042", "2026-11-02T09:15:00Z~1042", "~1042" for no value)."""
    column = _KEYS.get(sort, _KEYS["-number"])[0]
    if column is None:
        return str(ticket.number)
    value = getattr(ticket, column)
    if isinstance(value, datetime):
        # UTC with "Z": a cursor pasted into a URL by hand has no "+" to turn into a space.
        text = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    else:
        text = str(value or "")
    return f"{text}~{ticket.number}"


def _is_number(text: str) -> bool:
    # ASCII only: str.isdigit() accepts "²", which int() refuses.
    return text.isascii() and text.isdigit()


def _parse_cursor(cursor: str, column: str | None) -> tuple[object, int] | None:
    """(column value, number) of a cursor; None when it is malformed (the list then starts
    from its first page, as with any other malformed filter)."""
    if not cursor or len(cursor) > CURSOR_MAX_LENGTH:
        return None
    value_text, _sep, number_text = cursor.rpartition("~")
    if not _is_number(number_text) or len(number_text) > 18 or (column is None and _sep):
        return None
    number = int(number_text)
    if column is None:
        return None, number
    if not value_text:
        return (None, number) if column == "resolution_due" else None
    if column in _DATETIME_KEYS:
        try:
            moment = datetime.fromisoformat(value_text)
        except ValueError:
            return None
        return (moment, number) if moment.tzinfo is not None else None
    return value_text, number


def _beyond(
    column: str | None,
    descending: bool,
    number_descending: bool,
    key: tuple[object, int],
    *,
    forward: bool,
) -> Q:
    """The rows after (`forward`) or before the cursor `key` in the sort's order."""
    value, number = key
    later_number = "lt" if number_descending == forward else "gt"
    if column is None:
        return Q(**{f"number__{later_number}": number})
    later = "lt" if descending == forward else "gt"
    same = Q(**{column: value, f"number__{later_number}": number})
    if column != "resolution_due":
        return Q(**{f"{column}__{later}": value}) | same
    # Nulls last: after a dated row come later dates and every undated row; after an
    # undated row only undated ones; before an undated row, every dated one.
    if forward:
        if value is None:
            return Q(resolution_due__isnull=True, **{f"number__{later_number}": number})
        return Q(resolution_due__gt=value) | same | Q(resolution_due__isnull=True)
    if value is None:
        return Q(resolution_due__isnull=False) | Q(
            resolution_due__isnull=True, **{f"number__{later_number}": number}
        )
    return Q(resolution_due__lt=value) | same


def _reversed_order(sort: str) -> tuple[str | OrderBy, ...]:
    column, descending, number_descending = _KEYS[sort]
    number = "number" if number_descending else "-number"
    if column is None:
        return (number,)
    if column == "resolution_due":
        return (F(column).desc(nulls_first=True), number)
    return (column if descending else f"-{column}", number)


def keyset_page(
    tickets: QuerySet[Ticket],
    sort: str,
    *,
    size: int,
    after: str = "",
    before: str = "",
    page: str = "",
) -> TicketPage:
    """One page of `tickets` (a `list_tickets_for` result sorted by `sort`) after the cursor
    `after`, or else before `before`, or else page number `page` (counted by OFFSET, for old
    links), or else the first page; one query.

    OFFSET reads and throws away every row before the page (at 800,000 deep, 800,000 rows);
    a cursor starts the index walk at the page itself, so its cost does not grow with depth."""
    if sort not in _KEYS:
        sort = "-number"
    column, descending, number_descending = _KEYS[sort]
    forward = True
    key = _parse_cursor(after, column)
    if key is None:
        key = _parse_cursor(before, column)
        forward = key is None
    if key is not None:
        tickets = tickets.filter(
            _beyond(column, descending, number_descending, key, forward=forward)
        )
    if not forward:
        tickets = tickets.order_by(*_reversed_order(sort))
    offset = 0
    if key is None and _is_number(page) and len(page) < 7:
        offset = max(int(page) - 1, 0) * size
    rows = _deferred_rows(tickets, tickets[offset : offset + size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return TicketPage([])
    first, last = ticket_cursor(rows[0], sort), ticket_cursor(rows[-1], sort)
    if forward:
        return TicketPage(
            rows,
            next_cursor=last if more else "",
            previous_cursor=first if key or offset else "",
        )
    return TicketPage(rows, next_cursor=last, previous_cursor=first if more else "")


def offset_rows(tickets: QuerySet[Ticket], *, offset: int, size: int) -> list[Ticket]:
    """Rows `offset` to `offset + size` of `tickets` (a `list_tickets_for` result), chosen by
    a narrow scan before they are joined (see _deferred_rows): joining first made the database
    join the 10,000 rows an offset of 10,000 skips."""
    return _deferred_rows(tickets, tickets[offset : offset + size])


def _deferred_rows(tickets: QuerySet[Ticket], window: QuerySet[Ticket]) -> list[Ticket]:
    """The rows of `window` (a slice of `tickets`) with their related rows, in one query that
    first picks the page's ids by a narrow scan (an index-only one where an index covers the
    filters) and only then joins the page's rows to what they show; joining first made the
    database join every matching row before sorting and cutting (3,600 for "my team")."""
    page = Ticket.objects.filter(pk__in=window.values("pk")).order_by(*tickets.query.order_by)
    # What the caller's query loads: its joins, its fields (only/defer) and its prefetches.
    page.query.select_related = tickets.query.select_related
    page.query.deferred_loading = tickets.query.deferred_loading
    page = page.prefetch_related(*tickets._prefetch_related_lookups)  # type: ignore[attr-defined]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return list(page)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(WALK_PLANS)
        return list(page)


# A page is an index walk that stops after 51 rows, but with a common word in the text filter
# PostgreSQL, which estimates matches among active tickets from all documents ("VPN": 1.3 %
# of all, 12.6 % of the active ones), expected to walk the whole index: it started parallel
# workers (~10 ms to start on 2 cores: 14.5 ms for the page) or, without them, ANDed bitmaps
# (37 ms). The walk itself reads the page in 5 ms. So a page's statement is planned without
# bitmaps and parallel workers, for its transaction only.
WALK_PLANS = (
    "SELECT set_config('enable_bitmapscan', 'off', true),"
    " set_config('max_parallel_workers_per_gather', '0', true)"
)


# Ticket lists (the queue, the API) say "more than N" beyond these. Counting a million rows
# exactly costs more than the page itself, and nobody pages that far by hand. A text filter's
# count probes a search document per candidate ticket (at a million tickets, "VPN" over the
# active ones: 28,000 probes, 85–115 ms; "принтера" through the API: 38,000 matches, ~65 ms
# to 10,000), so it stops sooner.
COUNT_LIMIT = 10_000
TEXT_COUNT_LIMIT = 1_000


def count_listed(tickets: QuerySet[Ticket], filters: QueueFilters) -> tuple[int, bool]:
    """count_up_to for a list_tickets_for result, with the limit its filters call for."""
    return count_up_to(tickets, TEXT_COUNT_LIMIT if filters.text.strip() else COUNT_LIMIT)


def count_up_to(tickets: QuerySet[Ticket], limit: int) -> tuple[int, bool]:
    """(how many of `tickets`, whether that is exact): counts at most `limit` + 1 rows, so an
    unfiltered list of a million tickets costs as little as one of ten thousand."""
    counted = tickets.order_by()[: limit + 1].count()
    return min(counted, limit), counted <= limit
