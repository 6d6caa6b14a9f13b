"""Reads for the directory. Organizations and contacts are visible by the same rule as tickets
(`access.organization_filter`): clients see their own organization, agents the ones their
teams serve, managers and administrators every one."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from linia.accounts.models import Team
from linia.core.access import Actor
from linia.core.errors import NotFound

from .models import Contact, Organization


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
    return contacts.select_related("organization").order_by("full_name", "id")


def get_contact_for(actor: Actor, contact_id: int) -> Contact:
    """One contact of a visible organization; NotFound otherwise."""
    contact = search_contacts_for(actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(_("Contact not found."))
    return contact
