"""The directory's models: organizations and contacts, equipment, licenses, the vault."""

from .assets import Asset, AssetType
from .licenses import License, LicenseReminder
from .organizations import Contact, ContactPhone, Organization, OrganizationStatus
from .vault import CREDENTIAL_PURPOSE, LICENSE_KEY_PURPOSE, Credential, CredentialReveal

__all__ = [
    "CREDENTIAL_PURPOSE",
    "LICENSE_KEY_PURPOSE",
    "Asset",
    "AssetType",
    "Contact",
    "ContactPhone",
    "Credential",
    "CredentialReveal",
    "License",
    "LicenseReminder",
    "Organization",
    "OrganizationStatus",
]
