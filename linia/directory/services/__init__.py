"""Writes for the directory: organizations and contacts, equipment, licenses, the vault."""

from .assets import create_asset, create_license, update_asset, update_license
from .invitations import invite_contact
from .organizations import (
    CARD_FIELDS,
    SETTING_FIELDS,
    create_contact,
    create_organization,
    set_contact_phones,
    update_contact,
    update_organization,
)
from .reminders import send_license_reminders
from .vault import (
    SecondFactorRequired,
    create_credential,
    delete_credential,
    reveal_credential,
    reveal_license_key,
    rotate_encryption_keys,
    update_credential,
)

__all__ = [
    "CARD_FIELDS",
    "SETTING_FIELDS",
    "SecondFactorRequired",
    "create_asset",
    "create_contact",
    "create_credential",
    "create_license",
    "create_organization",
    "delete_credential",
    "invite_contact",
    "reveal_credential",
    "reveal_license_key",
    "rotate_encryption_keys",
    "send_license_reminders",
    "set_contact_phones",
    "update_asset",
    "update_contact",
    "update_credential",
    "update_license",
    "update_organization",
]
