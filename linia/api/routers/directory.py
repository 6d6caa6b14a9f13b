"""Organizations and contacts: administrators change them; staff read the ones they serve
(managers and administrators every one); clients and anything outside answer 404. Staff invite a contact
to the portal."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status
from pydantic import ValidationError as PydanticValidationError

from linia.core.access import Actor
from linia.core.errors import Invalid, NotFound
from linia.directory import queries, services
from linia.directory.models import Contact, Organization
from linia.sla import services as sla_services

from ..auth import actor_of, require_admin
from ..pagination import paginate
from ..schemas.common import ERRORS, Page, PageParams, PathId
from ..schemas.directory import (
    ContactFilters,
    ContactIn,
    ContactOut,
    InvitationIn,
    InvitationOut,
    OrganizationFilters,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
)

router = Router(tags=["directory"])


def _require_staff(actor: Actor) -> None:
    """Clients read their organization through the portal, not through the directory: for
    them every directory endpoint answers 404, the same for their own organization as for
    another's, so nothing can be guessed (like the client-card endpoints)."""
    if not actor.is_staff:
        raise NotFound(_("Not found."))


@router.get("/organizations", response={200: Page[OrganizationOut], **ERRORS})
def list_organizations(
    request: HttpRequest, filters: Query[OrganizationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    _require_staff(actor)
    return paginate(queries.search_organizations_for(actor, text=filters.text), page)


@router.post("/organizations", response={201: OrganizationOut, **ERRORS})
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[Organization]:
    actor = actor_of(request)
    require_admin(actor)
    organization = services.create_organization(
        actor=actor,
        name=payload.name,
        legal_name=payload.legal_name,
        notes=payload.notes,
        team_ids=payload.teams,
        card=payload.card(),
    )
    return Status(201, organization)


@router.get("/organizations/{organization_id}", response={200: OrganizationOut, **ERRORS})
def get_organization(request: HttpRequest, organization_id: PathId) -> Organization:
    actor = actor_of(request)
    _require_staff(actor)
    return queries.get_organization_for(actor, organization_id)


@router.patch("/organizations/{organization_id}", response={200: OrganizationOut, **ERRORS})
def update_organization(
    request: HttpRequest, payload: OrganizationPatch, organization_id: PathId
) -> Organization:
    """Omitted fields stay as they are; `teams` replaces the serving teams; `sla_policy`
    binds the organization's SLA contract to a policy (null ends the contract)."""
    actor = actor_of(request)
    require_admin(actor)
    with transaction.atomic():
        organization = services.update_organization(
            actor=actor,
            organization_id=organization_id,
            name=payload.name,
            legal_name=payload.legal_name,
            notes=payload.notes,
            is_active=payload.is_active,
            team_ids=payload.teams,
            card=payload.card(),
        )
        if "sla_policy" in payload.model_fields_set:
            _bind_sla(organization_id, payload.sla_policy)
    return organization


def _bind_sla(organization_id: int, policy_id: int | None) -> None:
    if policy_id is None:
        sla_services.unbind_organization(organization_id=organization_id)
        return
    try:
        sla_services.bind_organization(organization_id=organization_id, policy_id=policy_id)
    except NotFound:
        raise Invalid(
            _("There is no SLA policy with this id."), code="invalid_sla_policy"
        ) from None


@router.get("/contacts", response={200: Page[ContactOut], **ERRORS})
def list_contacts(
    request: HttpRequest, filters: Query[ContactFilters], page: Query[PageParams]
) -> dict[str, Any]:
    actor = actor_of(request)
    _require_staff(actor)
    contacts = queries.search_contacts_for(
        actor, organization_id=filters.organization, text=filters.text
    )
    return paginate(contacts, page)


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[Contact]:
    """A person at a client organization; `user` links a requester's or client manager's
    log-in (one contact per user)."""
    require_admin(actor_of(request))
    contact = services.create_contact(
        organization_id=payload.organization,
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        position=payload.position,
        language=payload.language,
        is_vip=payload.is_vip,
        user_id=payload.user,
        phones=payload.phones,
        extra_emails=payload.extra_emails,
        messengers=payload.messengers,
        is_client_manager=payload.is_client_manager,
    )
    return Status(201, contact)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, contact_id: PathId) -> Contact:
    actor = actor_of(request)
    _require_staff(actor)
    return queries.get_contact_for(actor, contact_id)


@router.post("/contacts/{contact_id}/invite", response={201: InvitationOut, **ERRORS})
def invite_contact(request: HttpRequest, contact_id: PathId) -> Status[dict[str, Any]]:
    """Give the contact a portal account and e-mail them a link to set a password. The
    contact needs an e-mail address (422 `email_required`); a contact who already has an
    account answers 422 `user_has_contact` and nothing is sent again. Staff of organizations
    they serve only (404 for anyone else). The body is optional:
    `{"client_manager": true}` gives a client manager's account."""
    user = services.invite_contact(
        actor=actor_of(request),
        contact_id=contact_id,
        client_manager=_invitation(request).client_manager,
    )
    return Status(201, {"contact": contact_id, "user": user.pk, "role": user.role})


def _invitation(request: HttpRequest) -> InvitationIn:
    """The optional body of an invitation (an empty body takes the defaults)."""
    if not (request.content_type or "").startswith("application/json"):
        return InvitationIn(client_manager=request.POST.get("client_manager") in {"1", "true"})
    if not request.body.strip():
        return InvitationIn(client_manager=False)
    try:
        return InvitationIn.model_validate_json(request.body)
    except PydanticValidationError as error:
        raise Invalid(_('The body must be {"client_manager": true|false} or empty.')) from error
