"""Writes for the directory: organizations and contacts (the client card grows in issue 5)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linia.accounts.models import Team, User, UserRole
from linia.core.access import Actor
from linia.core.errors import Forbidden, Invalid, NotFound

from ..models import Contact, ContactPhone, Organization
from ..phones import normalize_phone
from ..queries import visible_organizations


def _require_manager(actor: Actor, message: str) -> None:
    if actor.is_client:
        raise NotFound(_("Organization not found."))
    if not actor.is_manager:
        raise Forbidden(message)


@transaction.atomic
def create_organization(
    *,
    actor: Actor,
    name: str,
    legal_name: str = "",
    notes: str = "",
    team_ids: list[int] | None = None,
    card: dict[str, Any] | None = None,
) -> Organization:
    """A client organization: managers, administrators and the system only.
    Raises Forbidden (agents), NotFound (clients), Invalid."""
    _require_manager(actor, _("Only managers and administrators add organizations."))
    name = name.strip()
    if not name:
        raise Invalid(_("An organization needs a name."), code="name_required")
    if Organization.objects.filter(name__iexact=name).exists():
        raise Invalid(_("An organization with this name already exists."), code="name_taken")
    _check_team_ids(team_ids)
    organization = Organization(name=name, legal_name=legal_name, notes=notes)
    _apply_card(organization, card)
    organization.save()
    if team_ids:
        organization.teams.set(team_ids)
    return organization


@transaction.atomic
def update_organization(
    *,
    actor: Actor,
    organization_id: int,
    name: str | None = None,
    legal_name: str | None = None,
    notes: str | None = None,
    is_active: bool | None = None,
    team_ids: list[int] | None = None,
    card: dict[str, Any] | None = None,
) -> Organization:
    """Change an organization; omitted fields stay. `card` sets fields of the client card
    (CARD_FIELDS: legal details, addresses, status, support hours, included hours, rate,
    covered workstations; and SETTING_FIELDS: license reminders as tickets).

    Staff who serve the organization change its card; only managers, administrators and the
    system change the serving teams and the active flag. Raises NotFound (clients,
    organizations not served), Forbidden (an agent changing teams or the active flag),
    Invalid."""
    organization = (
        visible_organizations(actor).select_for_update().filter(pk=organization_id).first()
        if actor.is_staff
        else None
    )
    if organization is None:
        raise NotFound(_("Organization not found."))
    if (is_active is not None or team_ids is not None) and not actor.is_manager:
        raise Forbidden(
            _("Only managers and administrators choose the serving teams and the active flag.")
        )
    if name is not None:
        name = name.strip()
        if not name:
            raise Invalid(_("An organization needs a name."), code="name_required")
        if Organization.objects.filter(name__iexact=name).exclude(pk=organization_id).exists():
            raise Invalid(_("An organization with this name already exists."), code="name_taken")
        organization.name = name
    if legal_name is not None:
        organization.legal_name = legal_name
    if notes is not None:
        organization.notes = notes
    if is_active is not None:
        organization.is_active = is_active
    _check_team_ids(team_ids)
    _apply_card(organization, card)
    organization.save()
    if team_ids is not None:
        organization.teams.set(team_ids)
    return organization


@transaction.atomic
def create_contact(
    *,
    organization_id: int,
    full_name: str,
    email: str = "",
    phone: str = "",
    position: str = "",
    language: str = "en",
    is_vip: bool = False,
    user_id: int | None = None,
    phones: list[str] | None = None,
    extra_emails: list[str] | None = None,
    messengers: dict[str, str] | None = None,
    is_client_manager: bool = False,
    notes: str = "",
) -> Contact:
    """A person at an organization. `phone` and `phones` are normalized to E.164 and indexed
    (`queries.find_contact_by_phone`); `phone` is the main one. Raises NotFound, Invalid."""
    if not Organization.objects.filter(pk=organization_id).exists():
        raise NotFound(_("Organization not found."))
    full_name = full_name.strip()
    if not full_name:
        raise Invalid(_("A contact needs a name."), code="name_required")
    if user_id is not None:
        user = User.objects.filter(pk=user_id).first()
        if user is None:
            raise Invalid(_("No user with this id."), code="invalid_user")
        if user.role not in {UserRole.REQUESTER, UserRole.CLIENT_MANAGER}:
            raise Invalid(_("Only requesters and client managers belong to an organization."))
        if Contact.objects.filter(user_id=user_id).exists():
            raise Invalid(_("This user is already linked to a contact."), code="user_has_contact")
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise Invalid(
            _("Unsupported language: %(language)s") % {"language": language},
            code="invalid_language",
        )
    numbers = _normalize_phones([phone, *(phones or [])])
    contact = Contact.objects.create(
        organization_id=organization_id,
        full_name=full_name,
        email=email.strip().lower(),
        phone=numbers[0] if numbers else "",
        position=position,
        language=language,
        is_vip=is_vip,
        user_id=user_id,
        extra_emails=[item.strip().lower() for item in (extra_emails or []) if item.strip()],
        messengers={key: value for key, value in (messengers or {}).items() if value},
        is_client_manager=is_client_manager,
        notes=notes,
    )
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=contact, number=number, position=index)
        for index, number in enumerate(numbers)
    )
    return contact


@transaction.atomic
def set_contact_phones(*, contact_id: int, phones: list[str]) -> Contact:
    """Replace a contact's phone numbers (the first becomes the main one). Raises NotFound,
    Invalid (nothing changes then)."""
    contact = Contact.objects.select_for_update().filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    numbers = _normalize_phones(phones)
    ContactPhone.objects.filter(contact=contact).delete()
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=contact, number=number, position=index)
        for index, number in enumerate(numbers)
    )
    contact.phone = numbers[0] if numbers else ""
    contact.save(update_fields=["phone"])
    return contact


def _normalize_phones(raw_numbers: list[str]) -> list[str]:
    numbers: list[str] = []
    for raw in raw_numbers:
        if raw and raw.strip():
            number = normalize_phone(raw)
            if number not in numbers:
                numbers.append(number)
    return numbers


def _check_team_ids(team_ids: list[int] | None) -> None:
    if team_ids and Team.objects.filter(pk__in=team_ids).count() != len(set(team_ids)):
        raise Invalid(_("Unknown team."), code="invalid_team")


CARD_FIELDS = (
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


# Settings of the card that are not part of the import/export columns.
SETTING_FIELDS = ("license_reminder_tickets",)


def _apply_card(organization: Organization, card: dict[str, Any] | None) -> None:
    if not card:
        return
    unknown = set(card) - set(CARD_FIELDS) - set(SETTING_FIELDS)
    if unknown:
        raise Invalid(_("Unknown field: %(field)s") % {"field": min(unknown)}, code="invalid")
    for field, value in card.items():
        setattr(organization, field, value)
    try:
        organization.full_clean(exclude=["name", "teams"], validate_unique=False)
    except ValidationError as error:
        raise Invalid("; ".join(error.messages), code="invalid") from error


@transaction.atomic
def update_contact(
    *,
    actor: Actor,
    contact_id: int,
    full_name: str | None = None,
    email: str | None = None,
    position: str | None = None,
    language: str | None = None,
    is_vip: bool | None = None,
    is_client_manager: bool | None = None,
    phones: list[str] | None = None,
    extra_emails: list[str] | None = None,
    messengers: dict[str, str] | None = None,
    notes: str | None = None,
) -> Contact:
    """Change a contact of an organization the staff actor serves; omitted fields stay.
    `phones` replaces the numbers (normalized, the first is the main one). Raises NotFound,
    Invalid (nothing changes then)."""
    contact = (
        Contact.objects.select_for_update()
        .filter(pk=contact_id, organization__in=visible_organizations(actor))
        .first()
        if actor.is_staff
        else None
    )
    if contact is None:
        raise NotFound(_("Contact not found."))
    if full_name is not None:
        if not full_name.strip():
            raise Invalid(_("A contact needs a name."), code="name_required")
        contact.full_name = full_name.strip()
    if email is not None:
        contact.email = email.strip().lower()
    if position is not None:
        contact.position = position
    if language is not None:
        if language not in {code for code, _name in settings.LANGUAGES}:
            raise Invalid(
                _("Unsupported language: %(language)s") % {"language": language},
                code="invalid_language",
            )
        contact.language = language
    if is_vip is not None:
        contact.is_vip = is_vip
    if is_client_manager is not None:
        contact.is_client_manager = is_client_manager
    if extra_emails is not None:
        contact.extra_emails = [item.strip().lower() for item in extra_emails if item.strip()]
    if messengers is not None:
        contact.messengers = {key: value for key, value in messengers.items() if value}
    if notes is not None:
        contact.notes = notes
    try:
        contact.full_clean(exclude=["organization", "user", "phone"], validate_unique=False)
    except ValidationError as error:
        raise Invalid("; ".join(error.messages), code="invalid") from error
    contact.save()
    if phones is not None:
        set_contact_phones(contact_id=contact.pk, phones=phones)
        contact.refresh_from_db(fields=["phone"])
    return contact
