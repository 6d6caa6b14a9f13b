"""Writes for the directory: organizations and contacts (the client card grows in issue 5)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from linia.accounts.models import Team, User, UserRole
from linia.core.errors import Invalid, NotFound

from .models import Contact, Organization


@transaction.atomic
def create_organization(
    *, name: str, legal_name: str = "", notes: str = "", team_ids: list[int] | None = None
) -> Organization:
    name = name.strip()
    if not name:
        raise Invalid(_("An organization needs a name."), code="name_required")
    if Organization.objects.filter(name__iexact=name).exists():
        raise Invalid(_("An organization with this name already exists."), code="name_taken")
    _check_team_ids(team_ids)
    organization = Organization.objects.create(name=name, legal_name=legal_name, notes=notes)
    if team_ids:
        organization.teams.set(team_ids)
    return organization


@transaction.atomic
def update_organization(
    *, organization_id: int, name: str | None = None, legal_name: str | None = None,
    notes: str | None = None, is_active: bool | None = None, team_ids: list[int] | None = None,
) -> Organization:
    organization = Organization.objects.select_for_update().filter(pk=organization_id).first()
    if organization is None:
        raise NotFound(_("Organization not found."))
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
) -> Contact:
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
    return Contact.objects.create(
        organization_id=organization_id,
        full_name=full_name,
        email=email.strip().lower(),
        phone=phone,
        position=position,
        language=language,
        is_vip=is_vip,
        user_id=user_id,
    )


def _check_team_ids(team_ids: list[int] | None) -> None:
    if team_ids and Team.objects.filter(pk__in=team_ids).count() != len(set(team_ids)):
        raise Invalid(_("Unknown team."), code="invalid_team")
