from __future__ import annotations

from urllib.parse import quote

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetType(models.TextChoices):
    WORKSTATION = "workstation", _("Workstation")
    LAPTOP = "laptop", _("Laptop")
    SERVER = "server", _("Server")
    PRINTER = "printer", _("Printer")
    NETWORK = "network", _("Network device")
    PHONE = "phone", _("Phone")
    OTHER = "other", _("Other")


class Asset(models.Model):
    """A piece of a client's equipment, with the ids that open a remote session to it."""

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="assets",
        verbose_name=_("organization"),
    )
    type = models.CharField(
        _("type"), max_length=16, choices=AssetType.choices, default=AssetType.WORKSTATION
    )
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("model"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    inventory_number = models.CharField(_("inventory number"), max_length=100, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    mac_address = models.CharField(_("MAC address"), max_length=17, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    owner = models.ForeignKey(
        "directory.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assets",
        verbose_name=_("owner"),
    )
    warranty_end = models.DateField(_("warranty end"), null=True, blank=True)
    anydesk_id = models.CharField(_("AnyDesk id"), max_length=32, blank=True)
    teamviewer_id = models.CharField(_("TeamViewer id"), max_length=32, blank=True)
    rdp_host = models.CharField(_("RDP host"), max_length=200, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        indexes = [
            models.Index(fields=["organization", "name"], name="asset_org_name"),
            models.Index(fields=["owner"], name="asset_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def remote_links(self) -> list[tuple[str, str]]:
        """(label, URL) pairs that start a remote session, for the links on the card."""
        links = []
        if self.anydesk_id:
            links.append(("AnyDesk", f"anydesk:{quote(self.anydesk_id.replace(' ', ''))}"))
        if self.teamviewer_id:
            device = quote(self.teamviewer_id.replace(" ", ""))
            links.append(("TeamViewer", f"teamviewer10://control?device={device}"))
        if self.rdp_host:
            links.append(("RDP", f"rdp://full%20address=s:{quote(self.rdp_host, safe='.:-')}"))
        return links
