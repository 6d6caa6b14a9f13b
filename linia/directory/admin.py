from django.contrib import admin
from django.http import HttpRequest

from .models import Asset, Contact, CredentialReveal, License, Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "legal_name", "is_active")
    search_fields = ("name", "legal_name")
    filter_horizontal = ("teams",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("full_name", "organization", "email", "phone", "is_vip")
    search_fields = ("full_name", "email", "phone")
    list_filter = ("organization",)
    raw_id_fields = ("user",)


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "type", "inventory_number", "ip_address", "owner")
    search_fields = ("name", "serial_number", "inventory_number")
    list_filter = ("type", "organization")
    raw_id_fields = ("owner",)


@admin.register(License)
class LicenseAdmin(admin.ModelAdmin):
    """The key is sealed and not editable here (set it through the desk or the API)."""

    list_display = ("product", "edition", "organization", "seats", "ends_on")
    search_fields = ("product", "edition")
    list_filter = ("organization",)
    filter_horizontal = ("assets", "contacts")


@admin.register(CredentialReveal)
class CredentialRevealAdmin(admin.ModelAdmin):
    """The vault's audit log, read-only. Vault entries themselves are not in the admin."""

    list_display = ("revealed_at", "user", "organization", "credential", "ip_address")
    list_filter = ("organization",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
