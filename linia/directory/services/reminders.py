"""License expiry reminders: 30, 7 and 1 day(s) before the end, once per (license,
threshold, end date), by e-mail to the organization's client managers and serving teams."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from linia.accounts.models import User, UserRole

from ..models import Contact, License, LicenseReminder

logger = logging.getLogger(__name__)

THRESHOLDS = (30, 7, 1)


def reminder_recipients(organization_id: int) -> list[str]:
    """E-mail addresses of the organization's client managers and of its serving agents."""
    managers = Contact.objects.filter(organization_id=organization_id).filter(
        Q(is_client_manager=True) | Q(user__role=UserRole.CLIENT_MANAGER)
    )
    staff = User.objects.filter(is_active=True, teams__organizations__id=organization_id).exclude(
        email=""
    )
    addresses = {c.email for c in managers if c.email} | {u.email for u in staff}
    return sorted(addresses)


def _due_threshold(days_left: int) -> int | None:
    """The smallest threshold not below `days_left` (a missed day still reminds once)."""
    due = [threshold for threshold in THRESHOLDS if days_left <= threshold]
    return min(due) if due else None


def send_license_reminders(*, today: dt.date) -> int:
    """Record and send every reminder due on `today`; returns how many were sent. Idempotent:
    a LicenseReminder row (unique per license, threshold, end date) is written first, in
    its own transaction, and the mail leaves after commit."""
    sent = 0
    licenses = (
        License.objects.filter(
            ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=max(THRESHOLDS))
        )
        .defer("key")
        .select_related("organization")
    )
    for license_ in licenses:
        assert license_.ends_on is not None  # noqa: S101 (filtered above)
        threshold = _due_threshold((license_.ends_on - today).days)
        if threshold is None:
            continue
        try:
            with transaction.atomic():
                LicenseReminder.objects.create(
                    license=license_, days=threshold, ends_on=license_.ends_on
                )
                recipients = reminder_recipients(license_.organization_id)
                if recipients:
                    transaction.on_commit(partial(_send, license_, recipients))
        except IntegrityError:
            continue  # already reminded at this threshold
        sent += 1
    return sent


def _send(license_: License, recipients: list[str]) -> None:
    with translation.override(None):
        subject = _("License %(product)s of %(organization)s ends on %(date)s") % {
            "product": str(license_),
            "organization": license_.organization.name,
            "date": license_.ends_on,
        }
        body = _(
            "The license %(product)s (%(seats)s seat(s)) of %(organization)s ends on %(date)s. "
            "Renew it or tell the client."
        ) % {
            "product": str(license_),
            "seats": license_.seats or "—",
            "organization": license_.organization.name,
            "date": license_.ends_on,
        }
    send_mail(subject, body, None, recipients)
    logger.info("license %s: reminder sent to %s recipient(s)", license_.pk, len(recipients))
