"""Escalation rules are configuration edited here; firings are a read-only record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import EscalationFiring, EscalationRule


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "condition", "tier", "minutes", "priority", "is_active", "position")
    list_editable = ("is_active", "position")
    list_filter = ("is_active", "condition")
    search_fields = ("name",)
    list_select_related = True
    fieldsets = (
        (None, {"fields": ("name", "is_active", "position")}),
        (
            _("When"),
            {"fields": ("condition", "tier", "minutes", "priority", "organization", "category")},
        ),
        (
            _("Then"),
            {
                "fields": (
                    "escalate_to_tier",
                    "escalate_to_team",
                    "assign_to",
                    "set_priority",
                    "notify_role",
                    "notify_assignee",
                    "note",
                )
            },
        ),
    )

    def save_model(
        self, request: HttpRequest, obj: EscalationRule, form: Any, change: bool
    ) -> None:
        obj.checked_until = None  # a changed rule looks back again (one day)
        super().save_model(request, obj, form, change)


@admin.register(EscalationFiring)
class EscalationFiringAdmin(admin.ModelAdmin):
    list_display = ("fired_at", "rule", "ticket_number", "condition_at", "due_at", "failed")
    list_filter = ("rule", ("fired_at", admin.EmptyFieldListFilter))
    search_fields = ("=ticket__number", "rule__name")
    list_select_related = ("rule", "ticket")
    show_full_result_count = False
    empty_value_display = _("scheduled")
    readonly_fields = ("rule", "ticket", "condition_at", "due_at", "fired_at", "actions")

    @admin.display(description=_("ticket"), ordering="ticket__number")
    def ticket_number(self, firing: EscalationFiring) -> str:
        return f"#{firing.ticket.number}"

    @admin.display(description=_("an action failed"), boolean=True)
    def failed(self, firing: EscalationFiring) -> bool:
        return firing.failed

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
