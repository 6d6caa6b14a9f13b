"""Writes for the credential vault: entries are sealed with `linia.core.crypto`; reading a
secret is `reveal_credential`, which checks who asks, wants a recent second factor from users
with TOTP, and writes one audit row per reveal."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from linia.accounts import mfa
from linia.core import crypto
from linia.core.access import Actor
from linia.core.errors import Forbidden, Invalid, NotFound

from ..models import (
    CREDENTIAL_PURPOSE,
    LICENSE_KEY_PURPOSE,
    Asset,
    Credential,
    CredentialReveal,
    License,
)
from ..queries import (
    visible_assets,
    visible_credentials,
    visible_licenses,
    visible_organizations,
)

logger = logging.getLogger(__name__)

# How recent the second factor must be for a reveal (seconds).
SECOND_FACTOR_MAX_AGE = 5 * 60
MAX_SECRET_LENGTH = 10_000
# "Not given" for arguments where None has a meaning of its own (asset_id=None detaches).
_UNSET: Any = object()


class SecondFactorRequired(Forbidden):
    """The user has TOTP enabled and has not confirmed a code in the last few minutes."""

    code = "second_factor_required"


def _require_vault_staff(actor: Actor) -> None:
    # Clients never learn that the vault exists: the same 404 as for a missing entry.
    if not actor.is_staff or actor.user_id is None:
        raise NotFound(_("Credential not found."))


def _check_organization_and_asset(actor: Actor, organization_id: int, asset_id: int | None) -> None:
    if not visible_organizations(actor).filter(pk=organization_id).exists():
        raise NotFound(_("Organization not found."))
    if (
        asset_id is not None
        and not Asset.objects.filter(pk=asset_id, organization_id=organization_id).exists()
    ):
        raise Invalid(_("This equipment belongs to another organization."), code="invalid_asset")


def _clean_secret(secret: str) -> str:
    if not secret:
        raise Invalid(_("A credential needs a password or key."), code="secret_required")
    if len(secret) > MAX_SECRET_LENGTH:
        raise Invalid(_("The secret is too long."), code="secret_too_long")
    return secret


@sensitive_variables("secret")
@transaction.atomic
def create_credential(
    *,
    actor: Actor,
    organization_id: int,
    name: str,
    secret: str,
    login: str = "",
    url: str = "",
    notes: str = "",
    asset_id: int | None = None,
) -> Credential:
    """A vault entry of an organization the actor serves (or of one of its assets).

    Raises NotFound (clients, organizations not served), Invalid."""
    _require_vault_staff(actor)
    _check_organization_and_asset(actor, organization_id, asset_id)
    name = name.strip()
    if not name:
        raise Invalid(_("A credential needs a name."), code="name_required")
    return Credential.objects.create(
        organization_id=organization_id,
        asset_id=asset_id,
        name=name,
        url=url.strip(),
        login=login.strip(),
        secret=crypto.encrypt(_clean_secret(secret), purpose=CREDENTIAL_PURPOSE),
        notes=notes,
        created_by_id=actor.user_id,
        updated_by_id=actor.user_id,
    )


@sensitive_variables("secret")
@transaction.atomic
def update_credential(
    *,
    actor: Actor,
    credential_id: int,
    name: str | None = None,
    secret: str | None = None,
    login: str | None = None,
    url: str | None = None,
    notes: str | None = None,
    asset_id: int | None = _UNSET,
) -> Credential:
    """Change a vault entry; omitted fields stay. `asset_id` moves it to another piece of
    equipment of the same organization (None: to the organization itself). Locks the row.
    Raises NotFound, Invalid."""
    _require_vault_staff(actor)
    credential = visible_credentials(actor).select_for_update().filter(pk=credential_id).first()
    if credential is None:
        raise NotFound(_("Credential not found."))
    if name is not None:
        if not name.strip():
            raise Invalid(_("A credential needs a name."), code="name_required")
        credential.name = name.strip()
    if secret is not None:
        credential.secret = crypto.encrypt(_clean_secret(secret), purpose=CREDENTIAL_PURPOSE)
    if login is not None:
        credential.login = login.strip()
    if url is not None:
        credential.url = url.strip()
    if notes is not None:
        credential.notes = notes
    if asset_id is not _UNSET:
        if (
            asset_id is not None
            and not visible_assets(actor)
            .filter(pk=asset_id, organization_id=credential.organization_id)
            .exists()
        ):
            raise Invalid(
                _("This equipment belongs to another organization."), code="invalid_asset"
            )
        credential.asset_id = asset_id
    credential.updated_by_id = actor.user_id
    credential.save()
    return credential


@transaction.atomic
def delete_credential(*, actor: Actor, credential_id: int) -> None:
    """Remove a vault entry and its reveal log. Raises NotFound."""
    _require_vault_staff(actor)
    deleted, _rows = visible_credentials(actor).filter(pk=credential_id).delete()
    if not deleted:
        raise NotFound(_("Credential not found."))
    logger.info("credential %s deleted by user %s", credential_id, actor.user_id)


def _require_recent_second_factor(actor: Actor, second_factor_at: float | None) -> None:
    assert actor.user_id is not None  # noqa: S101 (callers check staff first)
    if mfa.has_totp(actor.user_id) and (
        second_factor_at is None or time.time() - second_factor_at > SECOND_FACTOR_MAX_AGE
    ):
        raise SecondFactorRequired(
            _("Confirm with a code from your authenticator app to reveal this secret.")
        )


def _record_reveal(
    *,
    actor: Actor,
    organization_id: int,
    ip: str | None,
    user_agent: str,
    credential: Credential | None = None,
    license_: License | None = None,
) -> None:
    assert actor.user_id is not None  # noqa: S101 (callers check staff first)
    CredentialReveal.objects.create(
        credential=credential,
        license=license_,
        organization_id=organization_id,
        user_id=actor.user_id,
        ip_address=ip or None,
        user_agent=(user_agent or "")[:300],
    )


@sensitive_variables("secret")
@transaction.atomic
def reveal_credential(
    *,
    actor: Actor,
    credential_id: int,
    ip: str | None,
    user_agent: str,
    second_factor_at: float | None = None,
) -> str:
    """The plaintext secret of a vault entry, for staff who serve its organization.

    A user with TOTP enabled must have proved a second factor within
    SECOND_FACTOR_MAX_AGE seconds (`second_factor_at`, Unix time, from the session).
    Writes one CredentialReveal row per successful reveal, none on a refusal.
    Raises NotFound (clients, organizations not served, missing), SecondFactorRequired.
    """
    _require_vault_staff(actor)
    credential = visible_credentials(actor).filter(pk=credential_id).first()
    if credential is None:
        raise NotFound(_("Credential not found."))
    _require_recent_second_factor(actor, second_factor_at)
    secret = crypto.decrypt(credential.secret, purpose=CREDENTIAL_PURPOSE)
    _record_reveal(
        actor=actor,
        organization_id=credential.organization_id,
        ip=ip,
        user_agent=user_agent,
        credential=credential,
    )
    logger.info("credential %s revealed by user %s", credential.pk, actor.user_id)
    return secret


@sensitive_variables("secret")
@transaction.atomic
def reveal_license_key(
    *,
    actor: Actor,
    license_id: int,
    ip: str | None,
    user_agent: str,
    second_factor_at: float | None = None,
) -> str:
    """The plaintext key of a license, by the rules of `reveal_credential`: staff who serve
    its organization, a recent second factor for users with TOTP, one CredentialReveal row
    (naming the license) per successful reveal and none on a refusal.
    Raises NotFound (clients, organizations not served, missing), SecondFactorRequired,
    Invalid `no_key` (the license has no key; nothing is logged)."""
    if not actor.is_staff or actor.user_id is None:
        raise NotFound(_("License not found."))
    license_ = visible_licenses(actor).filter(pk=license_id).first()
    if license_ is None:
        raise NotFound(_("License not found."))
    if not license_.key:
        raise Invalid(_("This license has no key."), code="no_key")
    _require_recent_second_factor(actor, second_factor_at)
    secret = crypto.decrypt(license_.key, purpose=LICENSE_KEY_PURPOSE)
    _record_reveal(
        actor=actor,
        organization_id=license_.organization_id,
        ip=ip,
        user_agent=user_agent,
        license_=license_,
    )
    logger.info("license key %s revealed by user %s", license_.pk, actor.user_id)
    return secret


def _batches(model: type[Credential] | type[License], batch_size: int) -> Iterator[list[int]]:
    last_id = 0
    while True:
        ids = list(
            model.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield ids
        last_id = ids[-1]


def rotate_encryption_keys(*, batch_size: int = 200) -> dict[str, int]:
    """Re-seal every vault secret and license key that is not under the current key.

    Works in batches, one short transaction each (rows locked only while re-sealed), so
    the desk keeps working; safe to run again (already current tokens are skipped).
    Returns how many rows of each kind were re-sealed."""
    current = crypto.keyring().current.hex_id
    counts = {"credentials": 0, "licenses": 0}
    for ids in _batches(Credential, batch_size):
        with transaction.atomic():
            for credential in (
                Credential.objects.filter(pk__in=ids).select_for_update().only("pk", "secret")
            ):
                if crypto.key_id_of_token(credential.secret) == current:
                    continue
                credential.secret = crypto.rotate(credential.secret, purpose=CREDENTIAL_PURPOSE)
                credential.save(update_fields=["secret"])
                counts["credentials"] += 1
    for ids in _batches(License, batch_size):
        with transaction.atomic():
            for license_ in (
                License.objects.filter(pk__in=ids, key__isnull=False)
                .select_for_update()
                .only("pk", "key")
            ):
                if not license_.key or crypto.key_id_of_token(license_.key) == current:
                    continue
                license_.key = crypto.rotate(license_.key, purpose=LICENSE_KEY_PURPOSE)
                license_.save(update_fields=["key"])
                counts["licenses"] += 1
    return counts
