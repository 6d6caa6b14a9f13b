"""Language and time zone, for every signed-in user (clients and staff)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from linia.accounts import services
from linia.accounts.models import User
from linia.core.errors import DomainError

from ..forms import PreferencesForm


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"language": user.language, "time_zone": user.time_zone},
        current_time_zone=user.time_zone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_preferences(
                user_id=user.pk,
                language=form.cleaned_data["language"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            # The confirmation already speaks the new language.
            translation.activate(saved.language)
            messages.success(request, _("Your preferences have been saved."))
            response = redirect("portal:preferences")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                saved.language,
                samesite="Lax",
                max_age=settings.LANGUAGE_COOKIE_AGE,
            )
            return response
    status = 422 if form.is_bound else 200
    return render(request, "portal/preferences.html", {"form": form}, status=status)
