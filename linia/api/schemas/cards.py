"""Client cards: equipment, licenses and the credential vault (never with secrets)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from linia.directory.models import Asset, License

from .common import Id, InputSchema, NamedRef

TEXT = Field("", max_length=200)


class AssetOut(Schema):
    id: int
    organization: NamedRef
    type: str
    name: str
    model: str
    serial_number: str
    inventory_number: str
    ip_address: str | None
    mac_address: str
    location: str
    owner_id: int | None
    warranty_end: dt.date | None
    anydesk_id: str
    teamviewer_id: str
    rdp_host: str
    remote_links: list[dict[str, str]]
    custom_fields: dict[str, Any]
    notes: str
    is_active: bool

    @staticmethod
    def resolve_remote_links(asset: Asset) -> list[dict[str, str]]:
        return [{"label": label, "url": url} for label, url in asset.remote_links]


class AssetFields(InputSchema):
    type: str | None = Field(None, max_length=16)
    model: str | None = Field(None, max_length=200)
    serial_number: str | None = Field(None, max_length=100)
    inventory_number: str | None = Field(None, max_length=100)
    ip_address: str | None = Field(None, max_length=45)
    mac_address: str | None = Field(None, max_length=17)
    location: str | None = Field(None, max_length=200)
    owner: Id | None = None
    warranty_end: dt.date | None = None
    anydesk_id: str | None = Field(None, max_length=32)
    teamviewer_id: str | None = Field(None, max_length=32)
    rdp_host: str | None = Field(None, max_length=200)
    custom_fields: dict[str, Any] | None = None
    notes: str | None = Field(None, max_length=10_000)
    is_active: bool | None = None

    def changes(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, exclude={"organization", "name"})
        if "owner" in data:
            data["owner_id"] = data.pop("owner")
        return data


class AssetIn(AssetFields):
    organization: Id
    name: str = Field(max_length=200)


class AssetPatch(AssetFields):
    name: str | None = Field(None, max_length=200)

    def changes(self) -> dict[str, Any]:
        data = super().changes()
        if self.name is not None:
            data["name"] = self.name
        return data


class AssetFilters(Schema):
    organization: Id | None = None
    owner: Id | None = None
    text: str = Field("", max_length=200, pattern=r"^[^\x00]*$")


class LicenseOut(Schema):
    id: int
    organization: NamedRef
    product: str
    edition: str
    has_key: bool
    seats: int | None
    assets: list[int]
    contacts: list[int]
    starts_on: dt.date | None
    ends_on: dt.date | None
    notes: str

    @staticmethod
    def resolve_has_key(license_: License) -> bool:
        # The key column is deferred; the query annotates whether one is set.
        return bool(getattr(license_, "key_is_set", False))

    @staticmethod
    def resolve_assets(license_: License) -> list[int]:
        return [asset.pk for asset in license_.assets.all()]

    @staticmethod
    def resolve_contacts(license_: License) -> list[int]:
        return [contact.pk for contact in license_.contacts.all()]


class LicenseIn(InputSchema):
    organization: Id
    product: str = Field(max_length=200)
    edition: str = Field("", max_length=200)
    key: str = Field("", max_length=2000, description="Stored encrypted; never returned.")
    seats: int | None = Field(None, ge=0, le=10**6)
    assets: list[Id] = Field(default_factory=list, max_length=1000)
    contacts: list[Id] = Field(default_factory=list, max_length=1000)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    notes: str = Field("", max_length=10_000)


class LicenseFilters(Schema):
    organization: Id | None = None


class CredentialOut(Schema):
    """A vault entry without its secret (reveal it with POST …/reveal)."""

    id: int
    organization: NamedRef
    asset: NamedRef | None
    name: str
    url: str
    login: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class CredentialIn(InputSchema):
    organization: Id
    asset: Id | None = None
    name: str = Field(max_length=200)
    url: str = Field("", max_length=500)
    login: str = Field("", max_length=200)
    secret: str = Field(max_length=10_000)
    notes: str = Field("", max_length=10_000)


class CredentialPatch(InputSchema):
    """Omitted fields stay; `asset` moves the entry to equipment of the same organization
    (null: to the organization itself)."""

    name: str | None = Field(None, max_length=200)
    url: str | None = Field(None, max_length=500)
    login: str | None = Field(None, max_length=200)
    secret: str | None = Field(None, max_length=10_000)
    notes: str | None = Field(None, max_length=10_000)
    asset: Id | None = None


class CredentialFilters(Schema):
    organization: Id | None = None
    asset: Id | None = None


class RevealIn(InputSchema):
    code: str = Field(
        "",
        max_length=16,
        description="A current TOTP code; required when the user has two-factor enabled.",
    )


class RevealOut(Schema):
    secret: str


class RevealLogOut(Schema):
    """One revealed secret: a vault entry (`credential`) or a license key (`license`)."""

    id: int
    credential_id: int | None
    credential: str | None
    license_id: int | None
    license: str | None
    organization: NamedRef
    user: NamedRef
    revealed_at: dt.datetime
    ip_address: str | None
    user_agent: str

    @staticmethod
    def resolve_credential(row: Any) -> str | None:
        return row.credential.name if row.credential_id else None

    @staticmethod
    def resolve_license(row: Any) -> str | None:
        return str(row.license) if row.license_id else None

    @staticmethod
    def resolve_user(row: Any) -> dict[str, Any]:
        return {"id": row.user_id, "name": row.user.display_name}


class RevealLogFilters(Schema):
    organization: Id | None = None
    credential: Id | None = None
    license: Id | None = None
