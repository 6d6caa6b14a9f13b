"""Plain forms of the desk: they parse and check the shape of input; services decide the rest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from linia.tickets.models import Channel, Level, Priority, TicketType
from linia.tickets.queries import QUEUE_SORTS, QueueFilters
from linia.tickets.services import IncomingFile
from linia.tickets.workflow import TicketStatus

Choices = Sequence[tuple[Any, Any]]

ACTIVE = "active"
ANY = "any"
STATUS_FILTERS: Choices = [
    (ACTIVE, _("Active")),
    (ANY, _("Any status")),
    *TicketStatus.choices,
]
ASSIGNEE_ANYONE, ASSIGNEE_ME, ASSIGNEE_NONE = "", "me", "none"
SORT_LABELS = {
    "-number": _("Newest first"),
    "number": _("Oldest first"),
    "priority": _("Priority"),
    "-updated": _("Recently updated"),
    "received": _("Received (oldest first)"),
    "sla": _("SLA due (soonest first)"),
}
SORT_CHOICES: Choices = [(key, SORT_LABELS.get(key, key)) for key in QUEUE_SORTS]
TIER_CHOICES: Choices = [(1, "L1"), (2, "L2"), (3, "L3")]


def _blank(label: Any, choices: Iterable[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


# --- files --------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more uploaded files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def incoming_files(files: Iterable[UploadedFile]) -> list[IncomingFile]:
    return [
        IncomingFile(
            name=upload.name or "attachment",
            content=upload,
            size=upload.size or 0,
            content_type=upload.content_type or "",
        )
        for upload in files
    ]


# --- queue --------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's filters (GET). Lists that need the database (teams, agents, organizations)
    are validated as plain ids and given their options only when the full page is drawn."""

    text = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Number or words"), "accesskey": "s"}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTERS, required=False)
    assignee = forms.RegexField(
        label=_("Assignee"),
        regex=r"^(me|none|\d+)?$",
        required=False,
        widget=forms.Select(),
    )
    tier = forms.TypedChoiceField(
        label=_("Tier"),
        choices=_blank(_("Any"), TIER_CHOICES),
        coerce=int,
        required=False,
        empty_value=None,
    )
    team = forms.IntegerField(label=_("Team"), required=False, min_value=1, widget=forms.Select())
    priority = forms.ChoiceField(
        label=_("Priority"), choices=_blank(_("Any"), Priority.choices), required=False
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=_blank(_("Any"), TicketType.choices), required=False
    )
    organization = forms.IntegerField(
        label=_("Organization"), required=False, min_value=1, widget=forms.Select()
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)

    def set_options(
        self,
        *,
        teams: Iterable[tuple[int, str]],
        agents: Iterable[tuple[int, str]],
        organizations: Iterable[tuple[int, str]],
    ) -> None:
        """Give the database-backed selects their options (full page only)."""
        self.fields["team"].widget.choices = _blank(_("Any"), teams)
        self.fields["organization"].widget.choices = _blank(_("Any"), organizations)
        self.fields["assignee"].widget.choices = [
            (ASSIGNEE_ANYONE, _("Anyone")),
            (ASSIGNEE_ME, _("Me")),
            (ASSIGNEE_NONE, _("Unassigned")),
            *agents,
        ]

    def to_filters(self) -> QueueFilters:
        """The filters; a malformed field is ignored rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data
        status = data.get("status") or ACTIVE
        filters = QueueFilters(
            organization_id=data.get("organization"),
            assignee=data.get("assignee") or "",
            tier=data.get("tier"),
            team_id=data.get("team"),
            priority=data.get("priority") or "",
            type=data.get("type") or "",
            text=data.get("text") or "",
            sort=data.get("sort") or "-number",
        )
        if status == ANY:
            filters.include_closed = True
        elif status != ACTIVE:
            filters.statuses = [status]
        return filters


# --- ticket actions -----------------------------------------------------------------------


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=100_000
    )
    # Set by the button pressed: "Reply publicly" (0) or "Add internal note" (1).
    internal = forms.BooleanField(
        label=_("Internal note"), required=False, widget=forms.HiddenInput
    )
    attachments = MultipleFileField(label=_("Attachments"))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=TicketStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    training_recommended = forms.BooleanField(label=_("Training recommended"), required=False)


class ClassifyForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=250)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=_blank(_("By impact × urgency"), Priority.choices),
        required=False,
    )

    asset = forms.TypedChoiceField(
        label=_("Equipment"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        categories: Iterable[tuple[int, str]] = (),
        assets: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank("—", categories)  # type: ignore[attr-defined]
        assets = list(assets)
        if assets:
            self.fields["asset"].choices = _blank("—", assets)  # type: ignore[attr-defined]
        else:
            del self.fields["asset"]  # the organization has no equipment on its card


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: Any, agents: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = _blank(_("Nobody"), agents)  # type: ignore[attr-defined]


class EscalateForm(forms.Form):
    tier = forms.TypedChoiceField(label=_("To tier"), coerce=int, choices=TIER_CHOICES[1:])
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: Any,
        tiers: Iterable[int] = (2, 3),
        teams: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["tier"].choices = [(t, f"L{t}") for t in tiers]  # type: ignore[attr-defined]
        self.fields["team"].choices = _blank(  # type: ignore[attr-defined]
            _("The tier's default team"), teams
        )


# --- new ticket ---------------------------------------------------------------------------


class NewTicketForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    requester = forms.TypedChoiceField(
        label=_("Requester"), coerce=int, required=False, empty_value=None
    )
    requester_email = forms.EmailField(
        label=_("Or the e-mail of a new contact"), required=False, max_length=254
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial="incident")
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    impact = forms.ChoiceField(label=_("Impact"), choices=Level.choices, initial="medium")
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Level.choices, initial="medium")
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=_blank(_("By impact × urgency"), Priority.choices),
        required=False,
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial="phone")
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        help_text=_("When the call came in, in your time zone (empty: now)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(
        self,
        *args: Any,
        organizations: Iterable[tuple[int, str]] = (),
        contacts: Iterable[tuple[int, str]] = (),
        categories: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = _blank("—", organizations)  # type: ignore[attr-defined]
        self.fields["requester"].choices = _blank("—", contacts)  # type: ignore[attr-defined]
        self.fields["category"].choices = _blank("—", categories)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("requester") and not data.get("requester_email"):
            self.add_error(
                "requester", _("Choose a contact or enter the e-mail address of a new one.")
            )
        return data

    def requester_key(self) -> int | str:
        """What `create_ticket` takes as the requester: a contact id or an e-mail address."""
        requester: int | None = self.cleaned_data.get("requester")
        return requester or str(self.cleaned_data["requester_email"])
