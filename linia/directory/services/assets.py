"""Writes for equipment and licenses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linia.core import crypto
from linia.core.access import Actor
from linia.core.errors import Invalid, NotFound

from ..models import LICENSE_KEY_PURPOSE, Asset, Contact, License
from ..queries import visible_assets, visible_licenses, visible_organizations

ASSET_FIELDS = (
    "type",
    "name",
    "model",
    "serial_number",
    "inventory_number",
    "ip_address",
    "mac_address",
    "location",
    "owner_id",
    "warranty_end",
    "anydesk_id",
    "teamviewer_id",
    "rdp_host",
    "custom_fields",
    "notes",
    "is_active",
)


def _require_staff_for(actor: Actor, organization_id: int) -> None:
    if not actor.is_staff or not visible_organizations(actor).filter(pk=organization_id).exists():
        raise NotFound(_("Organization not found."))


def _apply(obj: Asset | License, fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise Invalid(_("Unknown field: %(field)s") % {"field": min(unknown)})
    for field, value in fields.items():
        setattr(obj, field, value)


def _validate(obj: Asset | License) -> None:
    try:
        obj.full_clean(exclude=["organization", "assets", "contacts", "key"])
    except ValidationError as error:
        raise Invalid("; ".join(error.messages)) from error


def _check_owner(organization_id: int, owner_id: int | None) -> None:
    if (
        owner_id is not None
        and not Contact.objects.filter(pk=owner_id, organization_id=organization_id).exists()
    ):
        raise Invalid(
            _("The owner must be a contact of the same organization."), code="invalid_owner"
        )


@transaction.atomic
def create_asset(*, actor: Actor, organization_id: int, name: str, **fields: Any) -> Asset:
    """A piece of equipment of an organization the actor serves. Raises NotFound, Invalid."""
    _require_staff_for(actor, organization_id)
    asset = Asset(organization_id=organization_id, name=name.strip())
    _apply(asset, fields, ASSET_FIELDS)
    _check_owner(organization_id, asset.owner_id)
    if asset.mac_address:
        asset.mac_address = asset.mac_address.strip().upper().replace("-", ":")
    asset.ip_address = asset.ip_address or None
    _validate(asset)
    asset.save()
    return asset


@transaction.atomic
def update_asset(*, actor: Actor, asset_id: int, **fields: Any) -> Asset:
    """Change equipment; omitted fields stay. Raises NotFound, Invalid."""
    if not actor.is_staff:
        raise NotFound(_("Equipment not found."))
    asset = visible_assets(actor).select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise NotFound(_("Equipment not found."))
    _apply(asset, fields, ASSET_FIELDS)
    _check_owner(asset.organization_id, asset.owner_id)
    asset.ip_address = asset.ip_address or None
    _validate(asset)
    asset.save()
    return asset


LICENSE_FIELDS = ("product", "edition", "seats", "starts_on", "ends_on", "notes")


@transaction.atomic
def create_license(
    *,
    actor: Actor,
    organization_id: int,
    product: str,
    key: str = "",
    asset_ids: list[int] | None = None,
    contact_ids: list[int] | None = None,
    **fields: Any,
) -> License:
    """A license of an organization the actor serves; `key` is sealed like vault secrets.
    Raises NotFound, Invalid."""
    _require_staff_for(actor, organization_id)
    license_ = License(organization_id=organization_id, product=product.strip())
    _apply(license_, fields, LICENSE_FIELDS)
    if key:
        license_.key = crypto.encrypt(key, purpose=LICENSE_KEY_PURPOSE)
    _validate(license_)
    if license_.starts_on and license_.ends_on and license_.ends_on < license_.starts_on:
        raise Invalid(_("A license cannot end before it starts."), code="invalid_dates")
    license_.save()
    _set_assignments(license_, asset_ids, contact_ids)
    return license_


@transaction.atomic
def update_license(
    *,
    actor: Actor,
    license_id: int,
    key: str | None = None,
    asset_ids: list[int] | None = None,
    contact_ids: list[int] | None = None,
    **fields: Any,
) -> License:
    if not actor.is_staff:
        raise NotFound(_("License not found."))
    license_ = visible_licenses(actor).select_for_update().filter(pk=license_id).first()
    if license_ is None:
        raise NotFound(_("License not found."))
    _apply(license_, fields, LICENSE_FIELDS)
    if key is not None:
        license_.key = crypto.encrypt(key, purpose=LICENSE_KEY_PURPOSE) if key else None
    license_.product = license_.product.strip()
    _validate(license_)
    if license_.starts_on and license_.ends_on and license_.ends_on < license_.starts_on:
        raise Invalid(_("A license cannot end before it starts."), code="invalid_dates")
    license_.save()
    _set_assignments(license_, asset_ids, contact_ids)
    return license_


def _set_assignments(
    license_: License, asset_ids: list[int] | None, contact_ids: list[int] | None
) -> None:
    if asset_ids is not None:
        found = Asset.objects.filter(pk__in=asset_ids, organization_id=license_.organization_id)
        if found.count() != len(set(asset_ids)):
            raise Invalid(_("Unknown equipment."), code="invalid_asset")
        license_.assets.set(found)
    if contact_ids is not None:
        people = Contact.objects.filter(
            pk__in=contact_ids, organization_id=license_.organization_id
        )
        if people.count() != len(set(contact_ids)):
            raise Invalid(_("Unknown contact."), code="invalid_contact")
        license_.contacts.set(people)


def days_left(license_: License, today: dt.date) -> int | None:
    return (license_.ends_on - today).days if license_.ends_on else None
