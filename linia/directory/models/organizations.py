from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganizationStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    # "Active" alone is also the queue tab of active tickets, a plural in Slavic languages.
    ACTIVE = "active", pgettext_lazy("organization status", "Active")
    SUSPENDED = "suspended", _("Suspended")
    FORMER = "former", _("Former client")


class Organization(models.Model):
    """A client organization: the unit of tenancy. Nobody outside it sees its data.

    The card holds the commercial part of the contract (support hours, included hours,
    hourly rate, covered workstations); the SLA part lives in `linia.sla`."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    tax_id = models.CharField(_("tax id"), max_length=64, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    legal_address = models.TextField(_("legal address"), blank=True)
    postal_address = models.TextField(_("postal address"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.ACTIVE,
    )
    is_active = models.BooleanField(_("active"), default=True)
    support_hours = models.CharField(
        _("support hours"), max_length=200, blank=True, help_text=_("For example: Mon-Fri 9-18")
    )
    included_hours_per_month = models.DecimalField(
        _("included hours per month"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    hourly_rate = models.DecimalField(
        _("hourly rate for extra work"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    covered_workstations = models.PositiveIntegerField(
        _("covered workstations"), null=True, blank=True
    )
    teams = models.ManyToManyField(
        "accounts.Team", related_name="organizations", blank=True, verbose_name=_("served by")
    )
    # None: the installation's choice (settings.LINIA_LICENSE_REMINDER_TICKETS).
    license_reminder_tickets = models.BooleanField(
        _("license reminders as tickets"),
        null=True,
        blank=True,
        help_text=_(
            "Open a service request for the serving team before a license ends "
            "(empty: the installation's default)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a client organization; with `user` set, they can log in to the portal."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organization"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_vip = models.BooleanField(_("VIP"), default=False)
    is_client_manager = models.BooleanField(_("client manager"), default=False)
    # More addresses and numbers than the main ones above, and messenger handles
    # ({"telegram": "@name", "whatsapp": "+380...", ...}).
    extra_emails = models.JSONField(_("other e-mails"), default=list, blank=True)
    messengers = models.JSONField(_("messengers"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("portal account"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [models.Index(fields=["organization", "full_name"])]

    def __str__(self) -> str:
        return self.full_name


class ContactPhone(models.Model):
    """One phone number of a contact, normalized to E.164 so that a caller's number finds
    the contact (`queries.find_contact_by_phone`)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="phones", verbose_name=_("contact")
    )
    number = models.CharField(_("number"), max_length=32, help_text=_("E.164, e.g. +380441234567"))
    label = models.CharField(_("label"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        indexes = [models.Index(fields=["number"], name="contact_phone_number")]
        constraints = [
            models.UniqueConstraint(fields=["contact", "number"], name="contact_phone_unique")
        ]

    def __str__(self) -> str:
        return self.number
