"""Configuration screens: calendars (with their hours and special days), policies (with their
targets), organization contracts and ticket-type overrides. After an edit the calendar or
policy gets a new revision, so running processes reload it (see queries)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from . import services
from .models import (
    Calendar,
    CalendarDay,
    SlaContract,
    SlaPolicy,
    SlaTarget,
    SlaTypeOverride,
    WorkingInterval,
)


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "holidays_country", "is_24x7", "is_default")
    list_filter = ("is_24x7", "is_default", "holidays_country")
    search_fields = ("name",)
    inlines = [WorkingIntervalInline, CalendarDayInline]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if obj.is_default:  # one default: the others step down
            Calendar.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        services.touch_calendar(calendar_id=form.instance.pk)


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    min_num = 1


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_default", "warning_percent", "calendar")
    list_filter = ("is_default",)
    search_fields = ("name",)
    list_select_related = ("calendar",)
    inlines = [SlaTargetInline]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if obj.is_default:
            SlaPolicy.objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        services.touch_policy(policy_id=form.instance.pk)


@admin.register(SlaContract)
class SlaContractAdmin(admin.ModelAdmin):
    list_display = ("organization", "policy", "calendar", "starts_on", "ends_on", "is_active")
    list_filter = ("is_active", "policy")
    search_fields = ("organization__name", "reference")
    list_select_related = ("organization", "policy", "calendar")
    autocomplete_fields = ("organization",)


@admin.register(SlaTypeOverride)
class SlaTypeOverrideAdmin(admin.ModelAdmin):
    list_display = ("ticket_type", "policy")
    list_select_related = ("policy",)
