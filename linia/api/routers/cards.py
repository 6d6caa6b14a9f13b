"""Equipment, licenses and the credential vault: service desk staff, within the
organizations they serve (anything else is 404). Secrets leave only through
POST /credentials/{id}/reveal and POST /licenses/{id}/reveal, which are audited."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from linia.accounts import mfa
from linia.core.access import Actor
from linia.core.errors import Forbidden, Invalid, NotFound
from linia.directory import queries, services
from linia.directory.models import Asset, Credential, License

from ..auth import actor_of
from ..pagination import paginate
from ..schemas.cards import (
    AssetFilters,
    AssetIn,
    AssetOut,
    AssetPatch,
    CredentialFilters,
    CredentialIn,
    CredentialOut,
    CredentialPatch,
    LicenseFilters,
    LicenseIn,
    LicenseOut,
    RevealIn,
    RevealLogFilters,
    RevealLogOut,
    RevealOut,
)
from ..schemas.common import ERRORS, Page, PageParams, PathId

router = Router(tags=["client cards"])


def _staff(request: HttpRequest) -> Actor:
    actor = actor_of(request)
    if not actor.is_staff:
        raise NotFound(_("Not found."))
    return actor


@router.get("/assets", response={200: Page[AssetOut], **ERRORS})
def list_assets(
    request: HttpRequest, filters: Query[AssetFilters], page: Query[PageParams]
) -> dict[str, Any]:
    actor = _staff(request)
    assets = queries.list_assets_for(
        actor, organization_id=filters.organization, owner_id=filters.owner, text=filters.text
    )
    return paginate(assets, page)


@router.post("/assets", response={201: AssetOut, **ERRORS})
def create_asset(request: HttpRequest, payload: AssetIn) -> Status[Asset]:
    asset = services.create_asset(
        actor=_staff(request),
        organization_id=payload.organization,
        name=payload.name,
        **payload.changes(),
    )
    return Status(201, asset)


@router.get("/assets/{asset_id}", response={200: AssetOut, **ERRORS})
def get_asset(request: HttpRequest, asset_id: PathId) -> Asset:
    return queries.get_asset_for(_staff(request), asset_id)


@router.patch("/assets/{asset_id}", response={200: AssetOut, **ERRORS})
def update_asset(request: HttpRequest, payload: AssetPatch, asset_id: PathId) -> Asset:
    actor = _staff(request)
    services.update_asset(actor=actor, asset_id=asset_id, **payload.changes())
    return queries.get_asset_for(actor, asset_id)


@router.get("/licenses", response={200: Page[LicenseOut], **ERRORS})
def list_licenses(
    request: HttpRequest, filters: Query[LicenseFilters], page: Query[PageParams]
) -> dict[str, Any]:
    actor = _staff(request)
    return paginate(queries.list_licenses_for(actor, organization_id=filters.organization), page)


@router.post("/licenses", response={201: LicenseOut, **ERRORS})
def create_license(request: HttpRequest, payload: LicenseIn) -> Status[License]:
    actor = _staff(request)
    license_ = services.create_license(
        actor=actor,
        organization_id=payload.organization,
        product=payload.product,
        key=payload.key,
        asset_ids=payload.assets,
        contact_ids=payload.contacts,
        edition=payload.edition,
        seats=payload.seats,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        notes=payload.notes,
    )
    return Status(201, queries.get_license_for(actor, license_.pk))


@router.get("/licenses/{license_id}", response={200: LicenseOut, **ERRORS})
def get_license(request: HttpRequest, license_id: PathId) -> License:
    return queries.get_license_for(_staff(request), license_id)


@router.get("/credentials", response={200: Page[CredentialOut], **ERRORS})
def list_credentials(
    request: HttpRequest, filters: Query[CredentialFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Vault entries of the organizations you serve, without their secrets."""
    actor = _staff(request)
    credentials = queries.list_credentials_for(
        actor, organization_id=filters.organization, asset_id=filters.asset
    )
    return paginate(credentials, page)


@router.post("/credentials", response={201: CredentialOut, **ERRORS})
def create_credential(request: HttpRequest, payload: CredentialIn) -> Status[Credential]:
    """A vault entry; the secret is stored encrypted and never returned by this endpoint."""
    actor = _staff(request)
    credential = services.create_credential(
        actor=actor,
        organization_id=payload.organization,
        asset_id=payload.asset,
        name=payload.name,
        url=payload.url,
        login=payload.login,
        secret=payload.secret,
        notes=payload.notes,
    )
    return Status(201, queries.get_credential_for(actor, credential.pk))


@router.get("/credentials/{credential_id}", response={200: CredentialOut, **ERRORS})
def get_credential(request: HttpRequest, credential_id: PathId) -> Credential:
    return queries.get_credential_for(_staff(request), credential_id)


@router.patch("/credentials/{credential_id}", response={200: CredentialOut, **ERRORS})
def update_credential(
    request: HttpRequest, payload: CredentialPatch, credential_id: PathId
) -> Credential:
    actor = _staff(request)
    moved = {"asset_id": payload.asset} if "asset" in payload.model_fields_set else {}
    services.update_credential(
        actor=actor,
        credential_id=credential_id,
        name=payload.name,
        url=payload.url,
        login=payload.login,
        secret=payload.secret,
        notes=payload.notes,
        **moved,
    )
    return queries.get_credential_for(actor, credential_id)


@router.api_operation(["DELETE"], "/credentials/{credential_id}", response={204: None, **ERRORS})
def delete_credential(request: HttpRequest, credential_id: PathId) -> Status[None]:
    services.delete_credential(actor=_staff(request), credential_id=credential_id)
    return Status(204, None)


@router.post("/credentials/{credential_id}/reveal", response={200: RevealOut, **ERRORS})
def reveal_credential(request: HttpRequest, credential_id: PathId) -> dict[str, str]:
    """The secret, audited (who, when, IP, user agent). A user with two-factor enabled
    sends a current TOTP `code` (or has confirmed one in this browser session within five
    minutes); without it the answer is 403 `second_factor_required`."""
    actor = _staff(request)
    second_factor_at = _second_factor_at(
        request, actor, lambda: queries.get_credential_for(actor, credential_id)
    )
    secret = services.reveal_credential(
        actor=actor,
        credential_id=credential_id,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        second_factor_at=second_factor_at,
    )
    return {"secret": secret}


@router.post("/licenses/{license_id}/reveal", response={200: RevealOut, **ERRORS})
def reveal_license_key(request: HttpRequest, license_id: PathId) -> dict[str, str]:
    """The license key, audited like a vault secret (the same `code` and 403
    `second_factor_required`); a license without a key answers 422 `no_key`."""
    actor = _staff(request)
    second_factor_at = _second_factor_at(
        request, actor, lambda: queries.get_license_for(actor, license_id)
    )
    secret = services.reveal_license_key(
        actor=actor,
        license_id=license_id,
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        second_factor_at=second_factor_at,
    )
    return {"secret": secret}


def _second_factor_at(
    request: HttpRequest, actor: Actor, check_visible: Callable[[], object]
) -> float | None:
    """When the caller last proved a second factor: now if the body carries a valid code,
    else the session's record. Raises Forbidden `invalid_code`."""
    second_factor_at = mfa.last_second_factor_at(request)
    code = _reveal_code(request)
    if code:
        # Only for an entry the caller may see: a wrong id must not become a code oracle.
        check_visible()
        if not mfa.verify_totp_code(actor.user_id, code):
            raise Forbidden(_("The code is not valid."), code="invalid_code")
        second_factor_at = time.time()
    return second_factor_at


def _reveal_code(request: HttpRequest) -> str:
    """The optional body of a reveal, {"code": "123456"} (an empty body is allowed)."""
    if not (request.content_type or "").startswith("application/json"):
        return str(request.POST.get("code", ""))[:16]
    if not request.body.strip():
        return ""
    try:
        return RevealIn.model_validate_json(request.body).code
    except PydanticValidationError as error:
        raise Invalid(_('The body must be {"code": "123456"} or empty.')) from error


@router.get("/credential-reveals", response={200: Page[RevealLogOut], **ERRORS})
def list_credential_reveals(
    request: HttpRequest, filters: Query[RevealLogFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The audit log of revealed secrets (vault entries and license keys): managers and
    administrators."""
    actor = actor_of(request)
    if not actor.is_manager:
        raise Forbidden(_("Only service desk managers and administrators can see this."))
    reveals = queries.list_reveals_for(
        actor,
        organization_id=filters.organization,
        credential_id=filters.credential,
        license_id=filters.license,
    )
    return paginate(reveals, page)
