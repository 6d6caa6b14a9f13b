"""Tickets, their thread, attachments, history and workflow, as the API reads and writes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import AwareDatetime, Field, field_validator

from linia.tickets.events import EVENT_LABELS
from linia.tickets.models import (
    Attachment,
    Channel,
    Level,
    Message,
    Priority,
    Ticket,
    TicketEvent,
    TicketType,
)
from linia.tickets.queries import QueueFilters
from linia.tickets.services import MAX_BATCH, MAX_BODY, MAX_SUBJECT
from linia.tickets.sla_clock import sla_status
from linia.tickets.workflow import TicketStatus, Transition

from .common import MAX_ID, Id, InputSchema, NamedRef, PersonRef

MAX_REASON = 2000
# The keys of tickets.queries.QUEUE_SORTS (a test keeps them in step).
SortKey = Literal["-number", "number", "priority", "-updated", "received", "sla"]


# --- input ---------------------------------------------------------------------------------


class TicketFilters(Schema):
    """Query filters of GET /tickets. Without `status`, tickets of every status are listed
    (closed and cancelled included); give `status` to narrow, e.g. `status=new,open`."""

    status: list[TicketStatus] = Field(
        default_factory=list,
        max_length=7,
        description="Repeat it or separate values with commas; empty: every status.",
    )
    organization: Id | None = None
    assignee: str = Field(
        "",
        pattern=r"^(|me|none|[1-9][0-9]{0,17})$",
        description='A user id, "me" or "none" (unassigned).',
    )
    tier: int | None = Field(None, ge=1, le=3)
    priority: Priority | None = None
    type: TicketType | None = None
    team: Id | None = None
    category: Id | None = None
    requester: Id | None = Field(None, description="A contact id.")
    q: str = Field(
        "",
        max_length=200,
        description="Full-text search: every word in the subject, description or messages "
        "(staff: internal notes too; a word also matches longer words it begins), "
        'or a ticket number ("1234", "#1234"). Keeps the sort and the cursor.',
    )
    text: str = Field("", max_length=200, description="The same as `q` (older name).")
    sort: SortKey = "-number"

    @field_validator("status", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return value

    @field_validator("q", "text", mode="after")
    @classmethod
    def _refuse_nul(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError(_("NUL characters are not allowed"))
        return value

    def to_queue_filters(self) -> QueueFilters:
        return QueueFilters(
            statuses=[status.value for status in self.status],
            include_closed=True,
            organization_id=self.organization,
            assignee=self.assignee,
            tier=self.tier,
            team_id=self.team,
            priority=self.priority.value if self.priority else "",
            type=self.type.value if self.type else "",
            category_id=self.category,
            requester_id=self.requester,
            text=self.q or self.text,
            sort=self.sort,
        )


class TicketIn(InputSchema):
    subject: str = Field(max_length=MAX_SUBJECT)
    description: str = Field("", max_length=MAX_BODY)
    type: TicketType = TicketType.INCIDENT
    impact: Level | None = Field(None, description="With urgency, sets the priority by the matrix.")
    urgency: Level | None = None
    priority: Priority | None = Field(None, description="Staff only: overrides the matrix.")
    category: Id | None = None
    organization: Id | None = Field(None, description="Staff: the client organization.")
    asset: Id | None = Field(None, description="The affected equipment (of the organization).")
    requester: int | str | None = Field(
        None,
        description="A contact id or an e-mail address; clients default to themselves "
        "(a client manager may name a colleague). Staff must name one.",
    )
    channel: Channel = Channel.API
    received_at: AwareDatetime | None = Field(
        None, description="When the request reached the desk (e.g. a phone call); default now."
    )

    @field_validator("requester", mode="before")
    @classmethod
    def _contact_id_or_email(cls, value: Any) -> Any:
        # One readable error instead of one per member of the union.
        if value is None:
            return value
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
            return value
        if isinstance(value, str) and 1 <= len(value) <= 254:
            return value
        raise ValueError(_("Give a contact id or an e-mail address (at most 254 characters)"))


class TicketBatchIn(InputSchema):
    tickets: list[TicketIn] = Field(
        min_length=1,
        max_length=MAX_BATCH,
        description=f"1 to {MAX_BATCH} tickets, each as POST /tickets takes it.",
    )


class TicketPatch(InputSchema):
    """Staff only. Omitted fields stay as they are; `category`, `asset` and `assignee` null
    clear."""

    subject: str | None = Field(None, max_length=MAX_SUBJECT)
    type: TicketType | None = None
    category: Id | None = None
    impact: Level | None = None
    urgency: Level | None = None
    priority: Priority | None = None
    assignee: Id | None = None
    asset: Id | None = Field(None, description="Equipment of the ticket's organization.")


class MessageIn(InputSchema):
    body: str = Field(max_length=MAX_BODY)
    internal: bool = Field(False, description="An internal note (staff only).")


class EscalationIn(InputSchema):
    tier: Literal[2, 3]
    reason: str = Field(max_length=MAX_REASON)
    team: Id | None = Field(None, description="Default: the tier's team serving the client.")


class TransitionIn(InputSchema):
    to: TicketStatus
    resolution: str = Field("", max_length=MAX_BODY, description="Required to resolve.")
    note: str = Field("", max_length=MAX_REASON, description="The reason, where one is needed.")
    training_recommended: bool = False


# --- output --------------------------------------------------------------------------------


class SlaOut(Schema):
    """The ticket's SLA clocks. A due instant is null when that clock is not running (met,
    paused, or no target); `state` is the worst of the clocks now."""

    policy: str | None
    first_response_due: datetime | None
    resolution_due: datetime | None
    next_update_due: datetime | None
    paused: bool
    state: Literal["ok", "warning", "breached", "met"]


class TicketOut(Schema):
    number: int
    subject: str
    description: str
    type: TicketType
    category: NamedRef | None
    impact: Level
    urgency: Level
    priority: Priority
    status: TicketStatus
    tier: int
    team: NamedRef | None
    assignee: NamedRef | None
    organization: NamedRef
    requester: PersonRef
    asset_id: int | None = Field(None, description="The affected equipment, if named.")
    channel: Channel
    received_at: datetime
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str
    training_recommended: bool
    is_auto_closed: bool
    pending_reason: str
    message_count: int
    sla: SlaOut

    @staticmethod
    def resolve_sla(ticket: Ticket) -> dict[str, Any]:
        status = sla_status(ticket, timezone.now())
        return {
            "policy": status.policy,
            "first_response_due": status.first_response_due,
            "resolution_due": status.resolution_due,
            "next_update_due": status.next_update_due,
            "paused": status.paused,
            "state": status.state,
        }

    @staticmethod
    def resolve_assignee(ticket: Ticket) -> dict[str, Any] | None:
        user = ticket.assignee
        return {"id": user.pk, "name": user.display_name} if user is not None else None

    @staticmethod
    def resolve_requester(ticket: Ticket) -> dict[str, Any]:
        contact = ticket.requester
        return {"id": contact.pk, "name": contact.full_name, "email": contact.email}


class TicketBatchOut(Schema):
    items: list[TicketOut] = Field(description="The new tickets, in the order given.")


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    internal: bool = Field(validation_alias="is_internal")
    message_id: int | None
    created_at: datetime
    download_url: str

    @staticmethod
    def resolve_download_url(attachment: Attachment) -> str:
        return reverse("api:download_attachment", kwargs={"attachment_id": attachment.pk})


class MessageOut(Schema):
    id: int
    author: NamedRef | None
    is_from_staff: bool
    body: str
    internal: bool = Field(validation_alias="is_internal")
    channel: Channel
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_author(message: Message) -> dict[str, Any] | None:
        if message.author_id is None:
            return None
        return {"id": message.author_id, "name": message.author_name}


class EventOut(Schema):
    id: int
    kind: str
    label: str
    actor: NamedRef | None
    field: str
    old_value: str
    new_value: str
    payload: dict[str, Any]
    internal: bool = Field(validation_alias="is_internal")
    created_at: datetime

    @staticmethod
    def resolve_label(event: TicketEvent) -> str:
        return str(EVENT_LABELS.get(event.kind, event.kind))

    @staticmethod
    def resolve_actor(event: TicketEvent) -> dict[str, Any] | None:
        if event.actor_id is None:
            return None
        return {"id": event.actor_id, "name": event.actor_name}


class TransitionOut(Schema):
    to: TicketStatus
    action: str
    label: str
    requires_resolution: bool
    requires_reason: bool

    @staticmethod
    def from_transition(transition: Transition) -> TransitionOut:
        rule = transition.rule
        return TransitionOut(
            to=transition.to,
            action=rule.action,
            label=str(rule.label),
            requires_resolution=rule.requires_resolution,
            requires_reason=rule.requires_reason,
        )
