"""allauth glue: sign-up is closed (staff create accounts) unless LINIA_SIGNUP_OPEN is set."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(settings.LINIA_SIGNUP_OPEN)
