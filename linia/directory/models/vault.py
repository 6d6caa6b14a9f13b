from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CREDENTIAL_PURPOSE = "directory.credential"
LICENSE_KEY_PURPOSE = "directory.license_key"


class Credential(models.Model):
    """A vault entry: a login to a client's system. `secret` holds ciphertext only
    (`linia.core.crypto`); it is read by `services.reveal_credential`, which audits it."""

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="credentials",
        verbose_name=_("organization"),
    )
    asset = models.ForeignKey(
        "directory.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
        verbose_name=_("equipment"),
    )
    name = models.CharField(_("system"), max_length=200)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    login = models.CharField(_("login"), max_length=200, blank=True)
    secret = models.BinaryField(_("secret (encrypted)"), editable=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        indexes = [models.Index(fields=["organization", "name"], name="credential_org_name")]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<Credential {self.pk}: {self.name!r} (secret hidden)>"

    @property
    def link(self) -> str:
        """`url` when it is safe to put in a link (http, https, ssh, ftp), else ""."""
        scheme = self.url.split(":", 1)[0].lower() if ":" in self.url else ""
        return self.url if scheme in {"http", "https", "ssh", "sftp", "ftp"} else ""


class CredentialReveal(models.Model):
    """The audit log of secrets: one row per reveal (who, what, when, from where) of either a
    vault entry or a license key, never both (the constraint `reveal_names_one_secret`)."""

    credential = models.ForeignKey(
        Credential,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reveals",
        verbose_name=_("credential"),
    )
    license = models.ForeignKey(
        "directory.License",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reveals",
        verbose_name=_("license"),
    )
    # Kept apart from the credential so the log stays readable after renames.
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organization"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who"),
    )
    revealed_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        ordering = ["-revealed_at", "-id"]
        verbose_name = _("secret reveal")
        verbose_name_plural = _("secret reveals")
        indexes = [models.Index(fields=["organization", "-revealed_at"], name="reveal_org_time")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(credential__isnull=False, license__isnull=True)
                    | models.Q(credential__isnull=True, license__isnull=False)
                ),
                name="reveal_names_one_secret",
            )
        ]

    def __str__(self) -> str:
        target = (
            f"credential {self.credential_id}"
            if self.credential_id
            else f"license {self.license_id}"
        )
        return f"{self.user_id} → {target} @ {self.revealed_at:%Y-%m-%d %H:%M}"
