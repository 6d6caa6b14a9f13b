"""Writes of the e-mail channel other than ingesting mail (see ingest.py for that)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from linia.accounts.models import Team
from linia.core import crypto
from linia.core.access import Actor
from linia.core.errors import Conflict, Forbidden, Invalid
from linia.tickets.models import Category

from .models import SECRET_FIELDS, Auth, Mailbox, Security, UnknownSenderPolicy


@transaction.atomic
def create_mailbox(
    *,
    actor: Actor,
    name: str,
    host: str,
    username: str,
    port: int = 993,
    security: str = Security.SSL,
    password: str = "",
    folder: str = "INBOX",
    default_team_id: int | None = None,
    default_category_id: int | None = None,
    unknown_sender_policy: str = UnknownSenderPolicy.CATCH_ALL,
    is_active: bool = True,
) -> Mailbox:
    """Configure a mailbox (administrators; the demo). An inactive mailbox is not polled,
    but its routing still applies to mail given to `linia ingest-email --mailbox NAME` or
    `linia smtpd --mailbox NAME`. Raises Forbidden, Conflict, Invalid."""
    if not actor.is_manager:
        raise Forbidden(_("Only administrators configure mailboxes."))
    name = name.strip()
    if not name or not host.strip() or not username.strip():
        raise Invalid(
            _("A mailbox needs a name, a host and a user name."), code="mailbox_incomplete"
        )
    if security not in Security.values or unknown_sender_policy not in UnknownSenderPolicy.values:
        raise Invalid(_("Unknown mailbox setting."), code="mailbox_setting")
    if Mailbox.objects.filter(name=name).exists():
        raise Conflict(_("A mailbox with this name exists."), code="mailbox_exists")
    if default_team_id is not None and not Team.objects.filter(pk=default_team_id).exists():
        raise Invalid(_("Unknown team."), code="invalid_team")
    if (
        default_category_id is not None
        and not Category.objects.filter(pk=default_category_id).exists()
    ):
        raise Invalid(_("Unknown category."), code="invalid_category")
    mailbox = Mailbox(
        name=name,
        host=host.strip(),
        port=port,
        security=security,
        username=username.strip(),
        auth=Auth.PASSWORD,
        folder=folder,
        default_team_id=default_team_id,
        default_category_id=default_category_id,
        unknown_sender_policy=unknown_sender_policy,
        is_active=is_active,
    )
    mailbox.set_secret("password", password)
    mailbox.save(force_insert=True)
    return mailbox


def rotate_mailbox_secrets(batch_size: int = 200) -> int:
    """Re-seal every mailbox secret (IMAP password, OAuth client secret and tokens) that is
    not under the current key; one short transaction per batch of mailboxes, safe to repeat.
    Returns how many secrets were re-sealed. Registered with crypto.register_rotator, so
    `linia rotate-encryption-key` runs it."""
    current = crypto.keyring().current.hex_id
    count = 0
    last_id = 0
    while True:
        with transaction.atomic():
            mailboxes = list(
                Mailbox.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .select_for_update()
                .only("pk", *SECRET_FIELDS)[:batch_size]
            )
            if not mailboxes:
                return count
            for mailbox in mailboxes:
                changed = []
                for name in SECRET_FIELDS:
                    token = getattr(mailbox, name)
                    if not token or crypto.key_id_of_token(token) == current:
                        continue
                    purpose = f"email_channel.mailbox.{name}"
                    setattr(mailbox, name, crypto.rotate(token, purpose=purpose))
                    changed.append(name)
                if changed:
                    mailbox.save(update_fields=changed)
                    count += len(changed)
        last_id = mailboxes[-1].pk
