"""Portal accounts for contacts: staff create one and the contact gets an invitation e-mail
with a link to set a password (allauth's password-reset-from-key page)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from linia.accounts import services as account_services
from linia.accounts.models import User, UserRole
from linia.core.access import Actor
from linia.core.errors import Invalid, NotFound

from ..models import Contact
from ..queries import visible_organizations

logger = logging.getLogger(__name__)


@transaction.atomic
def invite_contact(*, actor: Actor, contact_id: int, client_manager: bool = False) -> User:
    """Create a portal log-in for a contact of an organization the actor serves and send an
    invitation with a password-set link after commit. The contact needs an e-mail address
    and no account yet. Raises NotFound, Invalid."""
    contact = (
        Contact.objects.select_for_update()
        .filter(pk=contact_id, organization__in=visible_organizations(actor))
        .first()
        if actor.is_staff
        else None
    )
    if contact is None:
        raise NotFound(_("Contact not found."))
    if contact.user_id is not None:
        raise Invalid(_("This contact already has a portal account."), code="user_has_contact")
    if not contact.email:
        raise Invalid(_("The contact needs an e-mail address first."), code="email_required")
    first, _sep, last = contact.full_name.partition(" ")
    user = account_services.create_user(
        username=contact.email,
        email=contact.email,
        password=None,
        role=UserRole.CLIENT_MANAGER
        if client_manager or contact.is_client_manager
        else UserRole.REQUESTER,
        first_name=first[:150],
        last_name=last[:150],
        language=contact.language,
    )
    contact.user = user
    contact.save(update_fields=["user"])
    transaction.on_commit(lambda: send_invitation(user_id=user.pk))
    return user


def password_set_url(user: User) -> str:
    from allauth.account import app_settings as allauth_settings
    from allauth.account.utils import user_pk_to_url_str

    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return f"{settings.LINIA_BASE_URL}{path}"


def send_invitation(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject = _("Your access to the Linia service desk")
        body = _(
            "Hello %(name)s,\n\nan account was created for you on our service desk portal. "
            "Your login is %(login)s. Set your password here:\n\n%(url)s\n\n"
            "Then you can file requests and follow them at %(portal)s"
        ) % {
            "name": user.display_name,
            "login": user.username,
            "url": password_set_url(user),
            "portal": settings.LINIA_BASE_URL + "/",
        }
    send_mail(subject, body, None, [user.email])
    logger.info("portal invitation sent to user %s", user.pk)
