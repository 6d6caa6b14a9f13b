from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class License(models.Model):
    """A software license of a client; `key` is a secret, sealed like vault entries."""

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="licenses",
        verbose_name=_("organization"),
    )
    product = models.CharField(_("product"), max_length=200)
    edition = models.CharField(_("edition"), max_length=200, blank=True)
    key = models.BinaryField(_("key (encrypted)"), null=True, blank=True, editable=False)
    seats = models.PositiveIntegerField(_("seats"), null=True, blank=True)
    assets = models.ManyToManyField(
        "directory.Asset", related_name="licenses", blank=True, verbose_name=_("equipment")
    )
    contacts = models.ManyToManyField(
        "directory.Contact", related_name="licenses", blank=True, verbose_name=_("people")
    )
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["product", "id"]
        verbose_name = _("license")
        verbose_name_plural = _("licenses")

    def __str__(self) -> str:
        return f"{self.product} {self.edition}".strip()

    def __repr__(self) -> str:
        return f"<License {self.pk}: {self.product!r} (key hidden)>"

    @property
    def has_key(self) -> bool:
        return bool(self.key)


class LicenseReminder(models.Model):
    """That the reminder `days` before the end of `license` was sent: makes the daily task
    idempotent per (license, threshold)."""

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="reminders")
    days = models.PositiveSmallIntegerField()
    ends_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["license", "days", "ends_on"], name="license_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.license_id}: {self.days}d before {self.ends_on}"
