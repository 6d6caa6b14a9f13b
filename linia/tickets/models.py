from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .workflow import ACTIVE_STATUSES, TicketStatus

# The active statuses in the workflow's order: the condition of the partial indexes on active
# tickets, and the queue's filter, which must read the same for PostgreSQL to see that an
# index applies it (a set's order would also vary between runs and make migrations see a
# change).
ACTIVE_STATUS_VALUES = [status.value for status in TicketStatus if status in ACTIVE_STATUSES]


class TicketType(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    SERVICE_REQUEST = "service_request", _("Service request")
    CHANGE = "change", _("Change request")
    PROBLEM = "problem", _("Problem")
    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question")


class Level(models.TextChoices):
    """Impact and urgency."""

    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 · critical")
    P2 = "P2", _("P2 · high")
    P3 = "P3", _("P3 · medium")
    P4 = "P4", _("P4 · low")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    DESK = "desk", _("Desk")
    API = "api", _("API")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")
    MONITORING = "monitoring", _("Monitoring")
    DESKTOP = "desktop", _("Desktop reporter")


class Category(models.Model):
    """A node of the category tree; it routes new tickets to a team and tier."""

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    default_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default team"),
    )
    default_tier = models.PositiveSmallIntegerField(
        _("default tier"), choices=[(1, "L1"), (2, "L2"), (3, "L3")], default=1
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # Tickets of this category follow this SLA policy, whatever the organization's contract.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="categories",
        verbose_name=_("SLA policy"),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="category_name_unique_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriorityRule(models.Model):
    """One cell of the ITIL impact × urgency matrix, editable by administrators."""

    impact = models.CharField(_("impact"), max_length=8, choices=Level.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Level.choices)
    priority = models.CharField(_("priority"), max_length=2, choices=Priority.choices)

    class Meta:
        verbose_name = _("priority matrix cell")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.impact} × {self.urgency} → {self.priority}"


class TicketCounter(models.Model):
    """The ticket number sequence: one row, advanced with F() + 1 under the row lock."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class Ticket(models.Model):
    number = models.BigIntegerField(_("number"), unique=True, editable=False)
    subject = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    type = models.CharField(
        _("type"), max_length=20, choices=TicketType.choices, default=TicketType.INCIDENT
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("category"),
    )
    impact = models.CharField(
        _("impact"), max_length=8, choices=Level.choices, default=Level.MEDIUM
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Level.choices, default=Level.MEDIUM
    )
    priority = models.CharField(
        _("priority"), max_length=2, choices=Priority.choices, default=Priority.P3
    )
    # Written only by tickets.services.change_status (see workflow.py).
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TicketStatus.choices,
        default=TicketStatus.NEW,
        editable=False,
    )
    tier = models.PositiveSmallIntegerField(_("tier"), default=1)
    team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("organization"),
    )
    requester = models.ForeignKey(
        "directory.Contact",
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("requester"),
    )
    # The affected equipment, if the ticket names one (always of the ticket's organization).
    asset = models.ForeignKey(
        "directory.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tickets",
        verbose_name=_("equipment"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.PORTAL
    )
    # When the request reached us (a phone call logged later carries the call's time).
    received_at = models.DateTimeField(_("received"))
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    training_recommended = models.BooleanField(_("training recommended"), default=False)
    is_auto_closed = models.BooleanField(_("closed automatically"), default=False)
    pending_reason = models.CharField(_("pending reason"), max_length=250, blank=True)
    # Public messages only (clients see this count; internal notes must stay invisible).
    message_count = models.PositiveIntegerField(default=0)
    # --- SLA clocks (maintained by the services through linia.sla; read by escalation) ------
    # When the ticket arrived at its current tier (time-at-tier escalation rules).
    tier_entered_at = models.DateTimeField(_("at this tier since"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_response_warning_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolution_warning_at = models.DateTimeField(null=True, blank=True)
    next_update_due = models.DateTimeField(_("next update due"), null=True, blank=True)
    # When the clocks stopped: set while pending (paused), resolved, closed or cancelled.
    # A non-null due or warning instant is a running clock (or one already missed).
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    # The policy and calendar the clocks follow (chosen at registration and reclassification).
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA policy"),
    )
    sla_calendar = models.ForeignKey(
        "sla.Calendar",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SLA calendar"),
    )
    # Working time the clocks spent stopped (pending; resolved or cancelled before a reopen).
    sla_paused_total = models.DurationField(_("SLA paused for"), default=timedelta(0))
    # What the next-update clock had left when the ticket was paused.
    next_update_left = models.DurationField(null=True, blank=True)
    # Reporting: working minutes (pauses excluded) to the first response and to the
    # resolution, and whether their targets were missed; stored when they happen.
    first_response_minutes = models.PositiveIntegerField(null=True, blank=True)
    first_response_breached = models.BooleanField(null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(null=True, blank=True)
    resolution_breached = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=TicketStatus.values), name="ticket_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__in=Priority.values), name="ticket_priority_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=TicketType.values), name="ticket_type_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(tier__in=[1, 2, 3]), name="ticket_tier_valid"
            ),
        ]
        indexes = [
            # The queue: newest first within the visible organizations and status filters.
            models.Index(fields=["status", "-number"], name="ticket_status_number"),
            models.Index(fields=["organization", "status", "-number"], name="ticket_org_status"),
            # The organization rides along (PostgreSQL; SQLite has no INCLUDE) so an agent's
            # "my team" / "mine" views read only this index: without it PostgreSQL ANDed a
            # bitmap of all the agent's organizations' tickets (150,000 at a million), 20 ms.
            models.Index(
                fields=["team", "status", "-number"],
                name="ticket_team_status_org",
                include=["organization"],
            ),
            models.Index(
                fields=["assignee", "status", "-number"],
                name="ticket_assignee_status_org",
                include=["organization"],
            ),
            # "My team" / "mine" by SLA (resolution due soonest first; btree order puts the
            # tickets without one last, as the queue does): a page reads its 51 entries in
            # order instead of sorting the team's active tickets (3,300 rows, 13 ms at a
            # million tickets).
            models.Index(
                fields=["team", "resolution_due", "number"],
                name="ticket_active_team_due",
                include=["organization"],
                condition=models.Q(status__in=ACTIVE_STATUS_VALUES),
            ),
            models.Index(
                fields=["assignee", "resolution_due", "number"],
                name="ticket_active_assignee_due",
                include=["organization"],
                condition=models.Q(status__in=ACTIVE_STATUS_VALUES),
            ),
            models.Index(fields=["requester", "-number"], name="ticket_requester"),
            models.Index(fields=["status", "resolved_at"], name="ticket_status_resolved"),
            # The SLA scheduler finds due work by these, never by loading open tickets.
            models.Index(
                fields=["resolution_due"],
                name="ticket_resolution_due",
                condition=models.Q(resolution_due__isnull=False),
            ),
            models.Index(
                fields=["resolution_warning_at"],
                name="ticket_resolution_warning",
                condition=models.Q(resolution_warning_at__isnull=False),
            ),
            models.Index(
                fields=["first_response_due"],
                name="ticket_first_response_due",
                condition=models.Q(first_response_due__isnull=False),
            ),
            models.Index(
                fields=["first_response_warning_at"],
                name="ticket_first_resp_warning",
                condition=models.Q(first_response_warning_at__isnull=False),
            ),
            models.Index(
                fields=["next_update_due"],
                name="ticket_next_update_due",
                condition=models.Q(next_update_due__isnull=False),
            ),
            models.Index(fields=["tier", "tier_entered_at"], name="ticket_tier_entered"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Message(models.Model):
    """One entry of the thread: a public reply or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(max_length=200, blank=True)
    is_from_staff = models.BooleanField(default=False)
    body = models.TextField(_("message"))
    is_internal = models.BooleanField(_("internal note"), default=False)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.PORTAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="message_ticket_created")]

    def __str__(self) -> str:
        return f"message {self.pk} on ticket {self.ticket_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Random folder per file: names are never guessable and never collide.
    import uuid

    return f"attachments/{instance.ticket_id}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=400)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    is_internal = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """One recorded change: the timeline, the audit trail and the event outbox in one row.

    Rows are append-only. `dispatched_at` is set once handlers were enqueued after commit;
    a periodic task re-dispatches rows left without it.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    field = models.CharField(max_length=64, blank=True)
    old_value = models.TextField(blank=True)
    new_value = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    is_internal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="event_ticket_created"),
            models.Index(
                fields=["created_at"],
                name="event_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"


class EventHandling(models.Model):
    """Marks that one handler has done its work for one event (redelivery makes it a no-op)."""

    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="handlings")
    handler = models.CharField(max_length=200)
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handler"], name="event_handling_unique")
        ]

    def __str__(self) -> str:
        return f"{self.handler} for event {self.event_id}"


class Worklog(models.Model):
    """Time an agent spent on a ticket (written by tickets.services.log_work).

    Billable minutes count against the organization's included hours per month; the rest is
    extra work at the contract's hourly rate.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="worklogs")
    # Denormalised from the ticket so that monthly sums per organization need no join.
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="worklogs"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="worklogs",
        verbose_name=_("agent"),
    )
    # The working day the time belongs to (may be earlier than created_at: logged later).
    work_date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("minutes"))
    billable = models.BooleanField(_("billable"), default=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")
        ordering = ["work_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gt=0, minutes__lte=24 * 60),
                name="worklog_minutes_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "work_date"], name="worklog_org_date"),
            models.Index(fields=["agent", "work_date"], name="worklog_agent_date"),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} min on ticket {self.ticket_id}"


class TicketSearchDocument(models.Model):
    """The search index row of a ticket: normalised terms of its subject, description,
    public messages and resolution (linia.search.normalize), kept by linia.tickets.search.

    Backend-specific full-text structures (SQLite FTS5 table, PostgreSQL GIN index) are built
    over this table by a migration; internal notes are indexed separately so that a requester's
    search never matches them.
    """

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    public_terms = models.TextField(blank=True)
    internal_terms = models.TextField(blank=True)
    # The ticket's status was active when indexed (it lags a status change as the terms lag a
    # message): the queue's text filter over active tickets reads a partial full-text index
    # of these rows only (PostgreSQL, tickets/0011) instead of matching every ticket ever.
    is_active = models.BooleanField(default=True)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.ticket_id)


class TicketWatcher(models.Model):
    """A contact of the ticket's organization kept informed besides the requester (e.g. Cc'd
    on the e-mail that opened it): gets public replies and status changes by e-mail.
    Written only by services.add_watchers."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="watchers")
    contact = models.ForeignKey(
        "directory.Contact", on_delete=models.CASCADE, related_name="watched_tickets"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "contact"], name="ticket_watcher_unique")
        ]
        verbose_name = _("watcher")
        verbose_name_plural = _("watchers")

    def __str__(self) -> str:
        return f"{self.contact_id} watches {self.ticket_id}"
