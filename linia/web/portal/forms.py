"""Portal forms: they parse and check the shape of input; the services decide the rest."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from linia.core.errors import DomainError
from linia.tickets import services
from linia.tickets.models import Level, TicketType
from linia.tickets.services import IncomingFile
from linia.tickets.workflow import TicketStatus

# The types a client may choose (a "problem" is the desk's own record, not a client's request).
CLIENT_TYPES = [
    TicketType.INCIDENT,
    TicketType.SERVICE_REQUEST,
    TicketType.QUESTION,
    TicketType.COMPLAINT,
    TicketType.CHANGE,
]

URGENCY_CHOICES = [
    (Level.HIGH.value, _("High: work has stopped, I (or we) cannot work until it is fixed")),
    (Level.MEDIUM.value, _("Medium: work is slowed down, but I can carry on for now")),
    (Level.LOW.value, _("Low: it can wait; a question, an inconvenience or a planned need")),
]

# Regions of the IANA database whose zones are offered (the rest are legacy aliases).
TIME_ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of uploaded files (the service enforces the limits and types)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


def incoming_files(uploads: Iterable[UploadedFile]) -> list[IncomingFile]:
    """Uploaded files as the services take them. The browser's content type is not trusted:
    the service guesses it from the file name."""
    return [
        IncomingFile(name=upload.name or "", content=upload, size=upload.size or 0)
        for upload in uploads
    ]


def attachments_help() -> str:
    return str(
        _("Up to %(count)d files, at most %(size)d MB each. Programs and scripts are not accepted.")
        % {
            "count": settings.LINIA_MAX_ATTACHMENTS_PER_MESSAGE,
            "size": settings.LINIA_MAX_ATTACHMENT_BYTES // (1024 * 1024),
        }
    )


class AttachmentsMixin(forms.Form):
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()

    def clean_attachments(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        try:
            services.validate_files(incoming_files(uploads))
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return uploads

    @property
    def files_to_send(self) -> list[IncomingFile]:
        return incoming_files(self.cleaned_data.get("attachments") or [])


class RequestForm(AttachmentsMixin, forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=services.MAX_SUBJECT,
        help_text=_("In a few words: what does not work or what do you need?"),
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=services.MAX_BODY,
        help_text=_(
            "What happened, since when, what you already tried, and where we can reach you."
        ),
        widget=forms.Textarea(attrs={"rows": 7}),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[(choice.value, choice.label) for choice in CLIENT_TYPES],
        initial=TicketType.INCIDENT.value,
    )
    category = forms.TypedChoiceField(
        label=_("Category"), required=False, coerce=int, empty_value=None
    )
    urgency = forms.ChoiceField(
        label=_("How urgent is it?"),
        choices=URGENCY_CHOICES,
        initial=Level.MEDIUM.value,
        widget=forms.RadioSelect,
    )
    requester = forms.TypedChoiceField(
        label=_("On behalf of"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Leave empty to file the request for yourself."),
    )
    asset = forms.TypedChoiceField(
        label=_("Which equipment?"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("The computer, printer or other device the request is about, if any."),
    )
    field_order = ["requester", "subject", "description", "type", "category", "asset", "urgency"]

    def __init__(
        self,
        *args: Any,
        categories: Sequence[tuple[int, str]] = (),
        requesters: Sequence[tuple[int, str]] | None = None,
        assets: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_choices("category", [("", _("I am not sure")), *categories])
        if assets:
            self._set_choices("asset", [("", _("None / not sure")), *assets])
        else:
            del self.fields["asset"]
        if requesters is None:
            del self.fields["requester"]
        else:
            self._set_choices("requester", [("", _("Myself")), *requesters])

    def _set_choices(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = choices


class ReplyForm(AttachmentsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=TicketStatus.choices)
    note = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def time_zone_choices(current: str = "", *, now: datetime | None = None) -> list[Any]:
    """IANA zones grouped by region, labelled with the city and today's UTC offset."""
    moment = (now or timezone.now()).replace(minute=0, second=0, microsecond=0)
    groups = list(_zone_groups(moment))
    if (
        current
        and current != "UTC"
        and not any(current == name for _region, zones in groups for name, _label in zones)
    ):
        groups.append((str(_("Other")), [(current, current)]))
    return [("UTC", "UTC"), *groups]


@functools.lru_cache(maxsize=4)
def _zone_groups(moment: datetime) -> tuple[tuple[str, list[tuple[str, str]]], ...]:
    # Computed once an hour: offsets only change at daylight-saving transitions.
    groups: dict[str, list[tuple[str, str]]] = {}
    names = sorted(
        name for name in zoneinfo.available_timezones() if name.split("/")[0] in TIME_ZONE_REGIONS
    )
    for name in names:
        region, _slash, place = name.partition("/")
        offset = moment.astimezone(zoneinfo.ZoneInfo(name)).strftime("%z")
        label = f"{place.replace('_', ' ').replace('/', ' / ')} (UTC{offset[:3]}:{offset[3:]})"
        groups.setdefault(region, []).append((name, label))
    return tuple(groups.items())


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, so that anyone can find their own."""
    return [
        (code, get_language_info(code)["name_local"].capitalize())
        for code, _name in settings.LANGUAGES
    ]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Dates and times are shown in this zone."),
    )

    def __init__(self, *args: Any, current_time_zone: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = time_zone_choices(current_time_zone)
