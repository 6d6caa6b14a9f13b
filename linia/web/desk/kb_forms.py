"""Plain forms of the desk's knowledge base: they parse input; linia.kb.services decides."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from linia.kb.models import ArticleStatus, Visibility

from .forms import _blank

OWNER_MINE = "mine"


class KbFilterForm(forms.Form):
    """The list's search box and filters (GET); a malformed field is ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words to find"), "accesskey": "s"}
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=_blank(_("Any"), ArticleStatus.choices), required=False
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=_blank(_("Any"), settings.LANGUAGES), required=False
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    owner = forms.ChoiceField(
        label=_("Owner"),
        choices=[("", _("Anyone")), (OWNER_MINE, _("Mine"))],
        required=False,
    )

    def __init__(self, *args: Any, categories: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank(_("Any"), categories)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or None,
            "category_id": data.get("category"),
            "language": data.get("language") or None,
            "tag": (data.get("tag") or "").strip().lower() or None,
            "mine": data.get("owner") == OWNER_MINE,
        }

    @property
    def is_filtered(self) -> bool:
        values = self.filters()
        return any(value for key, value in values.items() if key != "q")


class ArticleForm(forms.Form):
    """The editor: new article, edit, and "document this solution"."""

    title = forms.CharField(
        label=_("Title"),
        max_length=250,
        error_messages={"required": _("An article needs a title.")},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    body = forms.CharField(
        label=_("Text (Markdown)"),
        required=False,
        strip=False,
        max_length=200_000,
        help_text=_(
            "Markdown: **bold**, lists, `code`, tables. Refer to a file of the article as "
            "attachment:NAME, e.g. ![screen](attachment:screen.png)."
        ),
        widget=forms.Textarea(attrs={"rows": 18, "class": "mono", "spellcheck": "true"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Comma-separated, e.g. printer, vpn."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    organizations = forms.TypedMultipleChoiceField(
        label=_("Organizations"),
        coerce=int,
        required=False,
        help_text=_("Only for “Chosen organizations”: the clients who may read it."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ArticleStatus.choices)
    note = forms.CharField(
        label=_("Revision note"),
        required=False,
        max_length=250,
        help_text=_("What changed, for the history (optional)."),
    )
    expected_revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    source_ticket_number = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        categories: Iterable[tuple[int, str]] = (),
        organizations: Iterable[tuple[int, str]] = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank("—", categories)  # type: ignore[attr-defined]
        self.fields["organizations"].choices = list(organizations)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("visibility") == Visibility.ORGANIZATIONS and not data.get("organizations"):
            self.add_error(
                "organizations",
                _("Choose at least one organization for an article limited to organizations."),
            )
        return data

    def tag_names(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [part.strip() for part in raw.split(",") if part.strip()]


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, strip=False, max_length=200_000)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ArticleStatus.choices)


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("New category"),
        max_length=120,
        error_messages={"required": _("A category needs a name.")},
    )
    parent = forms.TypedChoiceField(label=_("Inside"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, categories: Iterable[tuple[int, str]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = _blank(_("(top level)"), categories)  # type: ignore[attr-defined]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File or image"),
        error_messages={"required": _("Choose a file to upload.")},
    )


class UseArticleForm(forms.Form):
    article = forms.IntegerField(min_value=1)
