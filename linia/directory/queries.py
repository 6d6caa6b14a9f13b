"""Reads for the directory. Organizations and contacts are visible by the same rule as tickets
(`access.organization_filter`): clients see their own organization, agents the ones their
teams serve, managers and administrators every one."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from linia.accounts.models import Team
from linia.core.access import Actor
from linia.core.errors import NotFound

from .access import organization_filter
from .models import (
    Asset,
    Contact,
    ContactPhone,
    Credential,
    CredentialReveal,
    License,
    Organization,
)
from .phones import try_normalize_phone


def visible_organizations(actor: Actor) -> QuerySet[Organization]:
    organizations = Organization.objects.all()
    if actor.sees_all_organizations:
        return organizations
    if actor.is_client:
        return (
            organizations.filter(pk=actor.organization_id)
            if actor.organization_id
            else (organizations.none())
        )
    return organizations.filter(pk__in=sorted(actor.served_organization_ids or frozenset()))


def list_organizations_for(actor: Actor, *, active_only: bool = True) -> QuerySet[Organization]:
    """Organizations for pickers and filters, by name."""
    organizations = visible_organizations(actor)
    if active_only:
        organizations = organizations.filter(is_active=True)
    return organizations.only("id", "name", "is_active").order_by("name")


def list_contacts_for(actor: Actor, organization_id: int) -> QuerySet[Contact]:
    """The contacts of one visible organization, by name (none if it is not visible)."""
    return (
        Contact.objects.filter(
            organization__in=visible_organizations(actor), organization_id=organization_id
        )
        .only("id", "full_name", "email", "organization_id")
        .order_by("full_name", "id")
    )


def search_organizations_for(actor: Actor, *, text: str = "") -> QuerySet[Organization]:
    """Visible organizations with every field and their teams, by name (the API's list);
    `text` narrows by name."""
    organizations = visible_organizations(actor).prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("tier", "name"))
    )
    text = text.strip()
    if text:
        organizations = organizations.filter(name__icontains=text)
    return organizations.order_by("name", "id")


def get_organization_for(actor: Actor, organization_id: int) -> Organization:
    """One visible organization with its teams; NotFound otherwise."""
    organization = search_organizations_for(actor).filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(_("Organization not found."))
    return organization


def search_contacts_for(
    actor: Actor, *, organization_id: int | None = None, text: str = ""
) -> QuerySet[Contact]:
    """Contacts of visible organizations with every field, by name; narrowed by organization
    and by a text found in the name or e-mail."""
    contacts = Contact.objects.filter(organization__in=visible_organizations(actor))
    if organization_id is not None:
        contacts = contacts.filter(organization_id=organization_id)
    text = text.strip()
    if text:
        contacts = contacts.filter(Q(full_name__icontains=text) | Q(email__icontains=text))
    return (
        contacts.select_related("organization")
        .prefetch_related("phones")
        .order_by("full_name", "id")
    )


def get_contact_for(actor: Actor, contact_id: int) -> Contact:
    """One contact of a visible organization; NotFound otherwise."""
    contact = search_contacts_for(actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact


# --- The credential vault -------------------------------------------------------------------
# Staff only: for clients the vault does not exist (every query is empty, every lookup 404).
# The `secret` column is deferred in every list: it is read only by `services.reveal_credential`.


def visible_credentials(actor: Actor) -> QuerySet[Credential]:
    if not actor.is_staff:
        return Credential.objects.none()
    return Credential.objects.filter(organization_filter(actor))


def list_credentials_for(
    actor: Actor, *, organization_id: int | None = None, asset_id: int | None = None
) -> QuerySet[Credential]:
    """Vault entries without their secrets, by name; narrowed by organization or asset."""
    credentials = visible_credentials(actor).defer("secret")
    if organization_id is not None:
        credentials = credentials.filter(organization_id=organization_id)
    if asset_id is not None:
        credentials = credentials.filter(asset_id=asset_id)
    return credentials.select_related("organization", "asset").order_by("name", "id")


def get_credential_for(actor: Actor, credential_id: int) -> Credential:
    """One vault entry (without its secret); NotFound when missing or not visible."""
    credential = list_credentials_for(actor).filter(pk=credential_id).first()
    if credential is None:
        raise NotFound(_("Credential not found."))
    return credential


def list_reveals_for(
    actor: Actor,
    *,
    organization_id: int | None = None,
    credential_id: int | None = None,
    license_id: int | None = None,
) -> QuerySet[CredentialReveal]:
    """The audit log of revealed secrets (vault entries and license keys), newest first:
    managers and administrators only (empty for everyone else)."""
    if not actor.is_manager:
        return CredentialReveal.objects.none()
    reveals = CredentialReveal.objects.all()
    if organization_id is not None:
        reveals = reveals.filter(organization_id=organization_id)
    if credential_id is not None:
        reveals = reveals.filter(credential_id=credential_id)
    if license_id is not None:
        reveals = reveals.filter(license_id=license_id)
    return (
        reveals.select_related("organization", "user", "credential", "license")
        .defer("credential__secret", "license__key")
        .order_by("-revealed_at", "-id")
    )


def visible_assets(actor: Actor) -> QuerySet[Asset]:
    return Asset.objects.filter(organization_filter(actor))


def list_assets_for(
    actor: Actor,
    *,
    organization_id: int | None = None,
    owner_id: int | None = None,
    text: str = "",
) -> QuerySet[Asset]:
    """Visible equipment by name; narrowed by organization, owner, or a text in the name,
    serial or inventory number."""
    assets = visible_assets(actor)
    if organization_id is not None:
        assets = assets.filter(organization_id=organization_id)
    if owner_id is not None:
        assets = assets.filter(owner_id=owner_id)
    text = text.strip()
    if text:
        assets = assets.filter(
            Q(name__icontains=text)
            | Q(serial_number__icontains=text)
            | Q(inventory_number__icontains=text)
        )
    return assets.select_related("organization", "owner").order_by("name", "id")


def get_asset_for(actor: Actor, asset_id: int) -> Asset:
    asset = list_assets_for(actor).filter(pk=asset_id).first()
    if asset is None:
        raise NotFound(_("Equipment not found."))
    return asset


def assets_for_requester(actor: Actor, organization_id: int) -> list[Asset]:
    """Equipment a ticket may name, for the requester's form: their own first, then the rest
    of their organization's (active only)."""
    assets = list(list_assets_for(actor, organization_id=organization_id).filter(is_active=True))
    own = [asset for asset in assets if actor.contact_id and asset.owner_id == actor.contact_id]
    return own + [asset for asset in assets if asset not in own]


def visible_licenses(actor: Actor) -> QuerySet[License]:
    if not actor.is_staff:
        return License.objects.none()
    return License.objects.filter(organization_filter(actor))


def list_licenses_for(actor: Actor, *, organization_id: int | None = None) -> QuerySet[License]:
    """Licenses without their keys, soonest end first."""
    licenses = (
        visible_licenses(actor)
        .defer("key")
        .annotate(key_is_set=ExpressionWrapper(Q(key__isnull=False), output_field=BooleanField()))
    )
    if organization_id is not None:
        licenses = licenses.filter(organization_id=organization_id)
    return (
        licenses.select_related("organization")
        .prefetch_related("assets", "contacts")
        .order_by("ends_on", "product", "id")
    )


def get_license_for(actor: Actor, license_id: int) -> License:
    license_ = list_licenses_for(actor).filter(pk=license_id).first()
    if license_ is None:
        raise NotFound(_("License not found."))
    return license_


def find_contact_by_phone(actor: Actor, raw_number: str) -> Contact | None:
    """The visible contact with this phone number (any format), or None: for incoming calls."""
    number = try_normalize_phone(raw_number)
    if number is None:
        return None
    phone = (
        ContactPhone.objects.filter(
            number=number, contact__organization__in=visible_organizations(actor)
        )
        .select_related("contact__organization")
        .order_by("contact_id")
        .first()
    )
    return phone.contact if phone else None


def list_contact_phones_for(actor: Actor, contact_id: int) -> QuerySet[ContactPhone]:
    """The phone numbers of a visible contact, main one first."""
    return ContactPhone.objects.filter(
        contact_id=contact_id, contact__organization__in=visible_organizations(actor)
    ).order_by("position", "id")
