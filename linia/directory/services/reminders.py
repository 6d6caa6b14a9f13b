"""License expiry reminders: 30, 7 and 1 day(s) before the end, once per (license,
threshold, end date), by e-mail to the organization's client managers and serving teams, or
as a ticket for the serving team (settings.LINIA_LICENSE_REMINDER_TICKETS, or the
organization's own choice). The directory cannot import tickets: the caller (the periodic
task in linia.tickets) hands in the function that opens the ticket."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from linia.accounts.models import User, UserRole

from ..models import Contact, License, LicenseReminder

logger = logging.getLogger(__name__)

THRESHOLDS = (30, 7, 1)


# Opens the reminder ticket for (license, days before the end); runs in the reminder's
# transaction, so a failure leaves no reminder row and the next run tries again.
TicketOpener = Callable[[License, int], object]


def reminder_recipients(organization_id: int, *, staff: bool = True) -> list[str]:
    """E-mail addresses of the organization's client managers and (with `staff`) of its
    serving agents."""
    managers = Contact.objects.filter(organization_id=organization_id).filter(
        Q(is_client_manager=True) | Q(user__role=UserRole.CLIENT_MANAGER)
    )
    addresses = {c.email for c in managers if c.email}
    if staff:
        agents = User.objects.mailable().filter(teams__organizations__id=organization_id)
        addresses |= {u.email for u in agents}
    return sorted(addresses)


def reminds_with_tickets(license_: License) -> bool:
    """The organization's choice, else the installation's."""
    choice = license_.organization.license_reminder_tickets
    return settings.LINIA_LICENSE_REMINDER_TICKETS if choice is None else choice


def _due_threshold(days_left: int) -> int | None:
    """The smallest threshold not below `days_left` (a missed day still reminds once)."""
    due = [threshold for threshold in THRESHOLDS if days_left <= threshold]
    return min(due) if due else None


def send_license_reminders(*, today: dt.date, open_ticket: TicketOpener | None = None) -> int:
    """Record and send every reminder due on `today`; returns how many were sent. Idempotent:
    a LicenseReminder row (unique per license, threshold, end date) is written first, in
    its own transaction, and the mail leaves after commit. With `open_ticket`, organizations
    that want tickets (`reminds_with_tickets`) get one in that same transaction, and the
    e-mail then goes to their client managers only (the team has the ticket)."""
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
                as_ticket = open_ticket is not None and reminds_with_tickets(license_)
                if open_ticket is not None and as_ticket:
                    open_ticket(license_, threshold)
                recipients = reminder_recipients(license_.organization_id, staff=not as_ticket)
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
