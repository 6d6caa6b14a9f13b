"""Plain forms of the desk's client cards: organizations, contacts, equipment, licenses and
vault entries. They parse the shape of input; the directory services decide the rest.
Secrets (license keys, vault passwords) are write-only: never rendered back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linia.directory.models import AssetType, OrganizationStatus

Choices = Sequence[tuple[Any, Any]]
MESSENGERS = ("telegram", "whatsapp", "viber")
# What is worth noting per type of equipment: offered as the custom fields' hint.
CUSTOM_FIELD_HINTS = {
    AssetType.WORKSTATION: "os, cpu, ram, disk",
    AssetType.LAPTOP: "os, cpu, ram, disk, charger",
    AssetType.SERVER: "os, cpu, ram, disks, raid, roles",
    AssetType.PRINTER: "toner, drum, connection",
    AssetType.NETWORK: "firmware, management_url, vlan",
    AssetType.PHONE: "number, extension, imei",
    AssetType.OTHER: "",
}
REMINDER_CHOICES: Choices = [
    ("", _("As the installation does")),
    ("yes", _("As tickets for the team")),
    ("no", _("By e-mail only")),
]


def _lines(value: str) -> list[str]:
    return [
        part.strip()
        for part in value.replace(";", "\n").replace(",", "\n").splitlines()
        if part.strip()
    ]


def _text(label: Any, *, rows: int = 2, max_length: int = 10_000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=300, required=False)
    tax_id = forms.CharField(label=_("Tax id"), max_length=64, required=False)
    registration_number = forms.CharField(
        label=_("Registration number"), max_length=64, required=False
    )
    legal_address = _text(_("Legal address"), max_length=2000)
    postal_address = _text(_("Postal address"), max_length=2000)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=OrganizationStatus.choices)
    support_hours = forms.CharField(
        label=_("Support hours"),
        max_length=200,
        required=False,
        help_text=_("For example: Mon-Fri 9-18"),
    )
    included_hours_per_month = forms.DecimalField(
        label=_("Included hours per month"),
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
    )
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate for extra work"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
    )
    covered_workstations = forms.IntegerField(
        label=_("Covered workstations"), required=False, min_value=0, max_value=10**6
    )
    license_reminder_tickets = forms.ChoiceField(
        label=_("License reminders"), choices=REMINDER_CHOICES, required=False
    )
    notes = _text(_("Notes"), rows=3)
    # Managers only (the view drops them for agents): who serves the client, and whether
    # it is still one.
    teams = forms.TypedMultipleChoiceField(
        label=_("Served by"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    CARD = (
        "tax_id",
        "registration_number",
        "legal_address",
        "postal_address",
        "website",
        "status",
        "support_hours",
        "included_hours_per_month",
        "hourly_rate",
        "covered_workstations",
    )

    def __init__(
        self, *args: Any, teams: Choices | None = None, creating: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if teams is None:
            del self.fields["teams"]
            del self.fields["is_active"]
        else:
            self.fields["teams"].choices = teams  # type: ignore[attr-defined]
            if creating:
                del self.fields["is_active"]

    def card(self) -> dict[str, Any]:
        data = self.cleaned_data
        card = {field: data[field] for field in self.CARD}
        card["license_reminder_tickets"] = {"yes": True, "no": False}.get(
            data["license_reminder_tickets"]
        )
        return card

    @staticmethod
    def initial_for(organization: Any) -> dict[str, Any]:
        initial = {field: getattr(organization, field) for field in OrganizationForm.CARD}
        choice = organization.license_reminder_tickets
        initial.update(
            name=organization.name,
            legal_name=organization.legal_name,
            notes=organization.notes,
            is_active=organization.is_active,
            teams=[team.pk for team in organization.teams.all()],
            license_reminder_tickets="" if choice is None else ("yes" if choice else "no"),
        )
        return initial


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    extra_emails = _text(_("Other e-mails"), max_length=2000)
    phones = _text(_("Phones"), max_length=2000)
    telegram = forms.CharField(label="Telegram", max_length=100, required=False)
    whatsapp = forms.CharField(label="WhatsApp", max_length=100, required=False)
    viber = forms.CharField(label="Viber", max_length=100, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    is_vip = forms.BooleanField(label=_("VIP"), required=False)
    is_client_manager = forms.BooleanField(label=_("Client manager"), required=False)
    notes = _text(_("Notes"), rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phones"].help_text = _(
            "One per line; the first is the main one. With the country code, e.g. +380 44 123 45 67."
        )
        self.fields["extra_emails"].help_text = _("One per line.")

    def clean_extra_emails(self) -> list[str]:
        emails = _lines(self.cleaned_data["extra_emails"])
        field = forms.EmailField()
        for email in emails:
            try:
                field.clean(email)
            except ValidationError:
                raise ValidationError(
                    _("“%(value)s” is not an e-mail address."), params={"value": email}
                ) from None
        return emails

    def clean_phones(self) -> list[str]:
        return _lines(self.cleaned_data["phones"])

    def messengers(self) -> dict[str, str]:
        return {key: self.cleaned_data[key].strip() for key in MESSENGERS}

    @staticmethod
    def initial_for(contact: Any, phones: list[str]) -> dict[str, Any]:
        return {
            "full_name": contact.full_name,
            "position": contact.position,
            "email": contact.email,
            "extra_emails": "\n".join(contact.extra_emails),
            "phones": "\n".join(phones),
            "language": contact.language,
            "is_vip": contact.is_vip,
            "is_client_manager": contact.is_client_manager,
            "notes": contact.notes,
            **{key: contact.messengers.get(key, "") for key in MESSENGERS},
        }


class AssetForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=AssetType.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    model = forms.CharField(label=_("Model"), max_length=200, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=100, required=False)
    inventory_number = forms.CharField(label=_("Inventory number"), max_length=100, required=False)
    ip_address = forms.GenericIPAddressField(label=_("IP address"), required=False)
    mac_address = forms.CharField(label=_("MAC address"), max_length=17, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, required=False, empty_value=None)
    warranty_end = forms.DateField(
        label=_("Warranty end"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    anydesk_id = forms.CharField(label=_("AnyDesk id"), max_length=32, required=False)
    teamviewer_id = forms.CharField(label=_("TeamViewer id"), max_length=32, required=False)
    rdp_host = forms.CharField(label=_("RDP host"), max_length=200, required=False)
    custom_fields = _text(_("Custom fields"), rows=4, max_length=5000)
    notes = _text(_("Notes"), rows=3)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    FIELDS = (
        "type",
        "model",
        "serial_number",
        "inventory_number",
        "ip_address",
        "mac_address",
        "location",
        "warranty_end",
        "anydesk_id",
        "teamviewer_id",
        "rdp_host",
        "custom_fields",
        "notes",
        "is_active",
    )

    def __init__(self, *args: Any, owners: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—"), *owners]  # type: ignore[attr-defined]
        hints = "; ".join(
            f"{AssetType(kind).label}: {hint}" for kind, hint in CUSTOM_FIELD_HINTS.items() if hint
        )
        self.fields["custom_fields"].help_text = _(
            "One “name: value” per line. Worth noting: %(hints)s"
        ) % {"hints": hints}

    def clean_custom_fields(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["custom_fields"].splitlines(), 1):
            if not line.strip():
                continue
            name, colon, value = line.partition(":")
            if not colon or not name.strip():
                raise ValidationError(
                    _("Line %(number)d: write “name: value”."), params={"number": number}
                )
            fields[name.strip()[:100]] = value.strip()
        return fields

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        changes = {field: data[field] for field in self.FIELDS}
        changes["owner_id"] = data["owner"]
        return changes

    @staticmethod
    def initial_for(asset: Any) -> dict[str, Any]:
        initial = {field: getattr(asset, field) for field in AssetForm.FIELDS}
        initial.update(
            name=asset.name,
            owner=asset.owner_id,
            custom_fields="\n".join(
                f"{key}: {value}" for key, value in asset.custom_fields.items()
            ),
        )
        return initial


class LicenseForm(forms.Form):
    product = forms.CharField(label=_("Product"), max_length=200)
    edition = forms.CharField(label=_("Edition"), max_length=200, required=False)
    key = forms.CharField(
        label=_("Key"),
        required=False,
        max_length=10_000,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    remove_key = forms.BooleanField(label=_("Remove the stored key"), required=False)
    seats = forms.IntegerField(label=_("Seats"), required=False, min_value=0, max_value=10**6)
    starts_on = forms.DateField(
        label=_("Start"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("End"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    assets = forms.TypedMultipleChoiceField(
        label=_("Equipment"), coerce=int, required=False, widget=forms.SelectMultiple
    )
    contacts = forms.TypedMultipleChoiceField(
        label=_("People"), coerce=int, required=False, widget=forms.SelectMultiple
    )
    notes = _text(_("Notes"), rows=3)

    def __init__(
        self,
        *args: Any,
        assets: Choices,
        contacts: Choices,
        has_key: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assets"].choices = assets  # type: ignore[attr-defined]
        self.fields["contacts"].choices = contacts  # type: ignore[attr-defined]
        if has_key:
            self.fields["key"].help_text = _(
                "A key is stored. Leave empty to keep it; type a new one to replace it."
            )
        else:
            del self.fields["remove_key"]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A license cannot end before it starts."))
        return data

    def new_key(self) -> str | None:
        """The key to store: None keeps the stored one, "" removes it."""
        if self.cleaned_data.get("remove_key"):
            return ""
        return self.cleaned_data["key"] or None

    @staticmethod
    def initial_for(license_: Any) -> dict[str, Any]:
        return {
            "product": license_.product,
            "edition": license_.edition,
            "seats": license_.seats,
            "starts_on": license_.starts_on,
            "ends_on": license_.ends_on,
            "assets": [asset.pk for asset in license_.assets.all()],
            "contacts": [contact.pk for contact in license_.contacts.all()],
            "notes": license_.notes,
        }


class CredentialEditForm(forms.Form):
    name = forms.CharField(label=_("System"), max_length=200)
    url = forms.CharField(label=_("URL"), max_length=500, required=False)
    login = forms.CharField(label=_("Login"), max_length=200, required=False)
    secret = forms.CharField(
        label=_("New password or key"),
        required=False,
        max_length=10_000,
        strip=False,
        help_text=_("Leave empty to keep the stored one; it is never shown here."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=False),
    )
    asset = forms.TypedChoiceField(
        label=_("Equipment"), coerce=int, required=False, empty_value=None
    )
    notes = _text(_("Notes"), rows=2)

    def __init__(self, *args: Any, assets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].choices = [("", "—"), *assets]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(credential: Any) -> dict[str, Any]:
        return {
            "name": credential.name,
            "url": credential.url,
            "login": credential.login,
            "asset": credential.asset_id,
            "notes": credential.notes,
        }
