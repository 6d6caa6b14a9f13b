"""Configuration screens: categories and the priority matrix. Tickets are read-only here —
every change to a ticket goes through the services (desk, portal, API)."""

from django.contrib import admin

from .models import Category, PriorityRule, Ticket


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "default_tier", "default_team", "is_active", "position")
    list_filter = ("is_active", "default_tier")
    search_fields = ("name",)
    list_editable = ("position",)


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    ordering = ("impact", "urgency")

    def has_add_permission(self, request):  # the nine cells exist from the first migration
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ("number", "subject", "organization", "status", "priority", "tier", "assignee")
    list_filter = ("status", "priority", "tier", "type")
    search_fields = ("=number", "subject")
    list_select_related = ("organization", "assignee")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
