from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import InboundEmail, Mailbox

KEEP = _("Stored sealed; leave empty to keep the current value.")


class MailboxForm(forms.ModelForm):
    """Secrets are write-only: typed in, sealed (linia.core.crypto), never shown again."""

    oauth_token_url = forms.URLField(
        label=_("OAuth token URL"), required=False, assume_scheme="https", max_length=500
    )
    new_password = forms.CharField(
        label=_("password"), required=False, widget=forms.PasswordInput, help_text=KEEP
    )
    new_oauth_client_secret = forms.CharField(
        label=_("OAuth client secret"),
        required=False,
        widget=forms.PasswordInput,
        help_text=KEEP,
    )
    new_oauth_refresh_token = forms.CharField(
        label=_("OAuth refresh token"),
        required=False,
        widget=forms.PasswordInput,
        help_text=KEEP,
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "is_active",
            "host",
            "port",
            "security",
            "folder",
            "auth",
            "username",
            "oauth_client_id",
            "oauth_token_url",
            "default_category",
            "default_team",
            "unknown_sender_policy",
        ]

    def save(self, commit: bool = True) -> Any:
        mailbox = super().save(commit=False)
        for name in ("password", "oauth_client_secret", "oauth_refresh_token"):
            value = self.cleaned_data.get(f"new_{name}")
            if value:
                mailbox.set_secret(name, value)
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "host",
        "username",
        "folder",
        "is_active",
        "last_success_at",
        "consecutive_failures",
    ]
    list_filter = ["is_active", "security", "auth"]
    readonly_fields = ["last_success_at", "consecutive_failures", "last_error"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "host", "port", "security", "folder"]}),
        (_("Log-in"), {"fields": ["auth", "username", "new_password"]}),
        (
            _("OAuth 2 (Microsoft 365, Google)"),
            {
                "fields": [
                    "oauth_client_id",
                    "new_oauth_client_secret",
                    "new_oauth_refresh_token",
                    "oauth_token_url",
                ],
                "classes": ["collapse"],
            },
        ),
        (
            _("New tickets"),
            {
                "fields": ["default_category", "default_team", "unknown_sender_policy"],
            },
        ),
        (_("Health"), {"fields": ["last_success_at", "consecutive_failures", "last_error"]}),
    ]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Read-only: the desk's quarantine page retries and discards."""

    list_display = ["received_at", "sender", "subject", "source", "outcome", "ticket_number"]
    list_filter = ["outcome", "source"]
    search_fields = ["sender", "subject", "message_id"]
    exclude = ["raw"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
