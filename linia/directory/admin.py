from django.contrib import admin

from .models import Contact, Organization


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
