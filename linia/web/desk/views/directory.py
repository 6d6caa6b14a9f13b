"""Client cards on the desk: the organizations list and card, the compact card beside a
ticket, revealing a vault entry (htmx), and the vault's audit log for managers."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from linia.accounts import mfa
from linia.channels.email.queries import failing_addresses
from linia.core.access import Actor
from linia.core.errors import DomainError, Invalid, NotFound
from linia.directory import queries, services, transfer
from linia.sla import queries as sla_queries
from linia.tickets import queries as ticket_queries
from linia.tickets.models import Ticket

from .. import directory_forms
from .base import actor_of, manager_view, staff_view

RECENT_TICKETS = 5
CARD_TICKETS = 15
CARD_CREDENTIALS = 30
LOG_PAGE_SIZE = 50


def _recent_tickets(
    actor: Actor, organization_id: int, *, limit: int, exclude: int | None = None
) -> list[Ticket]:
    tickets = (
        ticket_queries.visible_tickets(actor)
        .filter(organization_id=organization_id)
        .only("id", "number", "subject", "status", "priority", "created_at", "organization_id")
        .order_by("-number")
    )
    if exclude is not None:
        tickets = tickets.exclude(pk=exclude)
    return list(tickets[:limit])


def client_card_context(actor: Actor, ticket: Ticket) -> dict[str, Any]:
    """The compact client card beside a ticket, in a fixed number of queries (phones, the
    named equipment, vault entries, recent tickets, this month's included hours)."""
    phones = list(queries.list_contact_phones_for(actor, ticket.requester_id))
    asset = None
    if ticket.asset_id:
        asset = queries.list_assets_for(actor).filter(pk=ticket.asset_id).first()
    credentials = list(
        queries.list_credentials_for(actor, organization_id=ticket.organization_id)[
            :CARD_CREDENTIALS
        ]
    )
    return {
        "card_email_failing": failing_addresses([ticket.requester.email]).get(
            ticket.requester.email.strip().lower()
        ),
        "card_phones": phones,
        "card_asset": asset,
        "card_credentials": credentials,
        "card_recent": _recent_tickets(
            actor, ticket.organization_id, limit=RECENT_TICKETS, exclude=ticket.pk
        ),
        "card_hours": ticket_queries.included_hours_usage(
            ticket.organization, timezone.localdate()
        ),
    }


def asset_choices(actor: Actor, organization_id: int) -> list[tuple[int, str]]:
    """The equipment a ticket of this organization may name, for the classification form."""
    return [
        (asset.pk, asset.name)
        for asset in queries.visible_assets(actor)
        .filter(organization_id=organization_id, is_active=True)
        .only("id", "name")
        .order_by("name", "id")
    ]


@require_GET
@staff_view
def organizations(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    text = request.GET.get("q", "")[:200]
    rows = queries.search_organizations_for(actor, text=text)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/directory/organizations.html",
        {"page": page, "organizations": list(page.object_list), "q": text},
    )


class CredentialForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("System"), max_length=200)
    url = forms.CharField(label=gettext_lazy("URL"), max_length=500, required=False)
    login = forms.CharField(label=gettext_lazy("Login"), max_length=200, required=False)
    secret = forms.CharField(
        label=gettext_lazy("Password or key"),
        max_length=10_000,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    asset = forms.TypedChoiceField(
        label=gettext_lazy("Equipment"), coerce=int, required=False, empty_value=None
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, assets: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].choices = [("", "—"), *assets]  # type: ignore[attr-defined]


@require_GET
@staff_view
def organization(request: HttpRequest, organization_id: int) -> HttpResponse:
    return _organization_page(request, organization_id)


@sensitive_post_parameters("secret")
@require_POST
@staff_view
def add_credential(request: HttpRequest, organization_id: int) -> HttpResponse:
    """A new vault entry from the card; the secret is sealed at once and never shown back."""
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    form = CredentialForm(request.POST, assets=asset_choices(actor, org.pk))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_credential(
                actor=actor,
                organization_id=org.pk,
                name=data["name"],
                url=data["url"],
                login=data["login"],
                secret=data["secret"],
                notes=data["notes"],
                asset_id=data["asset"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Vault entry added."))
            return redirect("desk:organization", organization_id=org.pk)
    return _organization_page(request, org.pk, credential_form=form, status=422)


def _organization_page(
    request: HttpRequest,
    organization_id: int,
    *,
    credential_form: CredentialForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    contacts = list(queries.search_contacts_for(actor, organization_id=org.pk))
    failing = failing_addresses(contact.email for contact in contacts)
    for contact in contacts:
        contact.email_failing = failing.get(contact.email.strip().lower())  # type: ignore[attr-defined]
    return render(
        request,
        "desk/directory/organization.html",
        {
            "credential_form": credential_form
            or CredentialForm(assets=asset_choices(actor, org.pk)),
            "organization": org,
            "contacts": contacts,
            "assets": list(queries.list_assets_for(actor, organization_id=org.pk)),
            "licenses": list(queries.list_licenses_for(actor, organization_id=org.pk)),
            "credentials": list(queries.list_credentials_for(actor, organization_id=org.pk)),
            "recent": _recent_tickets(actor, org.pk, limit=CARD_TICKETS),
            # The SLA part of the contract lives in linia.sla; the card links to it.
            "sla_contract": sla_queries.active_contract(org.pk, timezone.localdate()),
            "hours": ticket_queries.included_hours_usage(org, timezone.localdate()),
        },
        status=status,
    )


@require_GET
@staff_view
def asset(request: HttpRequest, asset_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = queries.get_asset_for(actor, asset_id)
    tickets = list(
        ticket_queries.visible_tickets(actor)
        .filter(asset_id=item.pk)
        .only("id", "number", "subject", "status", "priority", "created_at")
        .order_by("-number")[:50]
    )
    return render(
        request,
        "desk/directory/asset.html",
        {
            "asset": item,
            "tickets": tickets,
            "credentials": list(queries.list_credentials_for(actor, asset_id=item.pk)),
        },
    )


@never_cache
@sensitive_post_parameters("code")
@require_POST
@staff_view
def reveal(request: HttpRequest, credential_id: int) -> HttpResponse:
    """Show one secret (htmx swaps it into the row). A user with TOTP who has not confirmed
    a code in the last minutes gets the "confirm with your code" form instead."""
    actor = actor_of(request)
    credential = queries.get_credential_for(actor, credential_id)
    return _reveal_response(
        request, {"credential": credential}, services.reveal_credential, credential_id=credential.pk
    )


@never_cache
@sensitive_post_parameters("code")
@require_POST
@staff_view
def reveal_license(request: HttpRequest, license_id: int) -> HttpResponse:
    """Show a license key, with the same second-factor form and audit as a vault secret."""
    actor = actor_of(request)
    license_ = queries.get_license_for(actor, license_id)
    return _reveal_response(
        request, {"license": license_}, services.reveal_license_key, license_id=license_.pk
    )


@sensitive_variables("secret", "code")
def _reveal_response(
    request: HttpRequest, context: dict[str, Any], reveal_secret: Callable[..., str], **target: int
) -> HttpResponse:
    code = request.POST.get("code", "").strip()
    error = ""
    if code and not mfa.confirm_totp_code(request, code):
        error = "invalid"
    try:
        secret = reveal_secret(
            actor=actor_of(request),
            ip=request.META.get("REMOTE_ADDR"),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            second_factor_at=mfa.last_second_factor_at(request),
            **target,
        )
    except services.SecondFactorRequired:
        return render(
            request,
            "desk/directory/_reveal.html",
            {**context, "needs_code": True, "code_error": error},
            status=403,
        )
    except Invalid as refused:
        return render(
            request,
            "desk/directory/_reveal.html",
            {**context, "refused": refused.message},
            status=422,
        )
    response = render(request, "desk/directory/_reveal.html", {**context, "secret": secret})
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@manager_view
def vault_log(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    organization_id = request.GET.get("organization")
    reveals = queries.list_reveals_for(
        actor,
        organization_id=int(organization_id)
        if organization_id and organization_id.isdigit()
        else None,
    )
    page = Paginator(reveals, LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "desk/directory/vault_log.html", {"page": page, "reveals": list(page.object_list)}
    )


# --- import and export ------------------------------------------------------------------------

KIND_LABELS = {
    "organizations": gettext_lazy("Organizations"),
    "contacts": gettext_lazy("Contacts"),
    "assets": gettext_lazy("Equipment"),
    "licenses": gettext_lazy("Licenses"),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("What"), choices=list(KIND_LABELS.items()))
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "CSV (UTF-8, comma or semicolon) or XLSX; the first row names the columns."
        ),
    )
    # After a preview, the same file comes back in this field for the real import.
    data = forms.CharField(required=False, widget=forms.HiddenInput)  # type: ignore[assignment]
    filename = forms.CharField(required=False, widget=forms.HiddenInput)


@manager_view
def import_directory(request: HttpRequest) -> HttpResponse:
    """Upload → preview (every row validated, nothing written) → import (all or nothing)."""
    actor = actor_of(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": transfer.COLUMNS, "kinds": KIND_LABELS}
    status = 200
    if request.method == "POST" and form.is_valid():
        commit = request.POST.get("action") == "import"
        upload = form.cleaned_data["file"]
        try:
            if upload is not None:
                if upload.size > transfer.MAX_BYTES:
                    raise DomainError(_("The file is too large."))
                content, filename = upload.read(), upload.name
            else:
                content = base64.b64decode(form.cleaned_data["data"], validate=True)
                filename = form.cleaned_data["filename"]
            if not content:
                raise DomainError(_("Choose a file."))
            rows = transfer.read_table(content, filename)
            report = transfer.import_rows(
                actor=actor, kind=form.cleaned_data["kind"], rows=rows, commit=commit
            )
        except (DomainError, binascii.Error) as error:
            context["error"] = getattr(error, "message", _("The file could not be read."))
            status = 422
        else:
            context.update(
                report=report,
                data=base64.b64encode(content).decode("ascii"),
                filename=filename,
                kind=form.cleaned_data["kind"],
            )
            status = 200 if report.ok or not report.rows else 422
    return render(request, "desk/directory/import.html", context, status=status)


@require_GET
@staff_view
def export_directory(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    actor = actor_of(request)
    if kind not in transfer.KINDS or fmt not in {"csv", "xlsx"}:
        raise Http404
    if fmt == "csv":
        response = HttpResponse(
            transfer.export_csv(actor=actor, kind=kind), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            transfer.export_xlsx(actor=actor, kind=kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="linia-{kind}.{fmt}"'
    return response


# --- editing the cards ------------------------------------------------------------------------
# One page per form (GET shows it, POST saves through one service). A refused save answers 422
# with the form as typed and the service's message; secrets are never rendered back.

EDIT_TEMPLATE = "desk/directory/edit.html"


def _edit_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    cancel: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(
        request,
        EDIT_TEMPLATE,
        {"form": form, "title": title, "cancel": cancel, **extra},
        status=status,
    )


def _team_choices() -> list[tuple[int, str]]:
    return [(team.pk, f"L{team.tier} · {team.name}") for team in ticket_queries.list_teams()]


@manager_view
def organization_new(request: HttpRequest) -> HttpResponse:
    """Managers and administrators add a client."""
    form = directory_forms.OrganizationForm(
        request.POST or None, teams=_team_choices(), creating=True
    )
    title = _("New organization")
    cancel = reverse("desk:organizations")
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        data = form.cleaned_data
        try:
            org = services.create_organization(
                actor=actor_of(request),
                name=data["name"],
                legal_name=data["legal_name"],
                notes=data["notes"],
                team_ids=data["teams"],
                card=form.card(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("Organization added."))
        return redirect("desk:organization", organization_id=org.pk)
    return _edit_page(request, form, title=title, cancel=cancel)


@staff_view
def organization_edit(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Staff edit the card of a client they serve; only managers change who serves it and
    whether it is active."""
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    teams = _team_choices() if actor.is_manager else None
    form = directory_forms.OrganizationForm(
        request.POST or None,
        initial=directory_forms.OrganizationForm.initial_for(org),
        teams=teams,
    )
    title = _("Edit %(name)s") % {"name": org.name}
    cancel = reverse("desk:organization", args=[org.pk])
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        data = form.cleaned_data
        try:
            services.update_organization(
                actor=actor,
                organization_id=org.pk,
                name=data["name"],
                legal_name=data["legal_name"],
                notes=data["notes"],
                card=form.card(),
                team_ids=data["teams"] if teams is not None else None,
                is_active=data["is_active"] if teams is not None else None,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("Changes saved."))
        return redirect("desk:organization", organization_id=org.pk)
    return _edit_page(request, form, title=title, cancel=cancel)


@staff_view
def contact_new(request: HttpRequest, organization_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    form = directory_forms.ContactForm(request.POST or None, initial={"language": "en"})
    title = _("New contact at %(name)s") % {"name": org.name}
    cancel = reverse("desk:organization", args=[org.pk])
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        data = form.cleaned_data
        try:
            services.create_contact(
                organization_id=org.pk,
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                language=data["language"],
                is_vip=data["is_vip"],
                is_client_manager=data["is_client_manager"],
                phones=data["phones"],
                extra_emails=data["extra_emails"],
                messengers=form.messengers(),
                notes=data["notes"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("Contact added."))
        return redirect("desk:organization", organization_id=org.pk)
    return _edit_page(request, form, title=title, cancel=cancel)


@staff_view
def contact_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    actor = actor_of(request)
    contact = queries.get_contact_for(actor, contact_id)
    phones = [phone.number for phone in contact.phones.all()]
    form = directory_forms.ContactForm(
        request.POST or None, initial=directory_forms.ContactForm.initial_for(contact, phones)
    )
    title = _("Edit %(name)s") % {"name": contact.full_name}
    cancel = reverse("desk:organization", args=[contact.organization_id])
    extra: dict[str, Any] = {"contact": contact}
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422, **extra)
        data = form.cleaned_data
        try:
            services.update_contact(
                actor=actor,
                contact_id=contact.pk,
                full_name=data["full_name"],
                email=data["email"],
                position=data["position"],
                language=data["language"],
                is_vip=data["is_vip"],
                is_client_manager=data["is_client_manager"],
                phones=data["phones"],
                extra_emails=data["extra_emails"],
                messengers=form.messengers(),
                notes=data["notes"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422, **extra)
        messages.success(request, _("Changes saved."))
        return redirect("desk:organization", organization_id=contact.organization_id)
    return _edit_page(request, form, title=title, cancel=cancel, **extra)


@require_POST
@staff_view
def contact_invite(request: HttpRequest, contact_id: int) -> HttpResponse:
    """ "Invite to the portal": an account and an e-mail with a link to set a password. A
    contact who already has an account is told so; nothing is sent twice."""
    actor = actor_of(request)
    contact = queries.get_contact_for(actor, contact_id)
    try:
        services.invite_contact(actor=actor, contact_id=contact.pk)
    except NotFound:
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Invitation sent to %(email)s.") % {"email": contact.email},
        )
    return redirect("desk:organization", organization_id=contact.organization_id)


def _owner_choices(actor: Actor, organization_id: int) -> list[tuple[int, str]]:
    return [
        (contact.pk, contact.full_name)
        for contact in queries.list_contacts_for(actor, organization_id)
    ]


@staff_view
def asset_new(request: HttpRequest, organization_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    form = directory_forms.AssetForm(
        request.POST or None, owners=_owner_choices(actor, org.pk), initial={"is_active": True}
    )
    title = _("New equipment at %(name)s") % {"name": org.name}
    cancel = reverse("desk:organization", args=[org.pk])
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        try:
            item = services.create_asset(
                actor=actor,
                organization_id=org.pk,
                name=form.cleaned_data["name"],
                **form.changes(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("Equipment added."))
        return redirect("desk:asset", asset_id=item.pk)
    return _edit_page(request, form, title=title, cancel=cancel)


@staff_view
def asset_edit(request: HttpRequest, asset_id: int) -> HttpResponse:
    actor = actor_of(request)
    item = queries.get_asset_for(actor, asset_id)
    form = directory_forms.AssetForm(
        request.POST or None,
        owners=_owner_choices(actor, item.organization_id),
        initial=directory_forms.AssetForm.initial_for(item),
    )
    title = _("Edit %(name)s") % {"name": item.name}
    cancel = reverse("desk:asset", args=[item.pk])
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        try:
            services.update_asset(
                actor=actor, asset_id=item.pk, name=form.cleaned_data["name"], **form.changes()
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("Changes saved."))
        return redirect("desk:asset", asset_id=item.pk)
    return _edit_page(request, form, title=title, cancel=cancel)


def _license_form(
    request: HttpRequest, actor: Actor, organization_id: int, **kwargs: Any
) -> directory_forms.LicenseForm:
    return directory_forms.LicenseForm(
        request.POST or None,
        assets=asset_choices(actor, organization_id),
        contacts=_owner_choices(actor, organization_id),
        **kwargs,
    )


@sensitive_post_parameters("key")
@staff_view
def license_new(request: HttpRequest, organization_id: int) -> HttpResponse:
    actor = actor_of(request)
    org = queries.get_organization_for(actor, organization_id)
    form = _license_form(request, actor, org.pk)
    title = _("New license of %(name)s") % {"name": org.name}
    cancel = reverse("desk:organization", args=[org.pk])
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        data = form.cleaned_data
        try:
            services.create_license(
                actor=actor,
                organization_id=org.pk,
                product=data["product"],
                key=data["key"],
                asset_ids=data["assets"],
                contact_ids=data["contacts"],
                edition=data["edition"],
                seats=data["seats"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                notes=data["notes"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("License added."))
        return redirect("desk:organization", organization_id=org.pk)
    return _edit_page(request, form, title=title, cancel=cancel)


@sensitive_post_parameters("key")
@staff_view
def license_edit(request: HttpRequest, license_id: int) -> HttpResponse:
    """The key is never shown: empty keeps it, a new one replaces it, a box removes it."""
    actor = actor_of(request)
    license_ = queries.get_license_for(actor, license_id)
    form = _license_form(
        request,
        actor,
        license_.organization_id,
        has_key=bool(getattr(license_, "key_is_set", False)),
        initial=directory_forms.LicenseForm.initial_for(license_),
    )
    title = _("Edit %(name)s") % {"name": str(license_)}
    cancel = reverse("desk:organization", args=[license_.organization_id])
    extra: dict[str, Any] = {"license": license_}
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422, **extra)
        data = form.cleaned_data
        try:
            services.update_license(
                actor=actor,
                license_id=license_.pk,
                key=form.new_key(),
                asset_ids=data["assets"],
                contact_ids=data["contacts"],
                product=data["product"],
                edition=data["edition"],
                seats=data["seats"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                notes=data["notes"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422, **extra)
        messages.success(request, _("Changes saved."))
        return redirect("desk:organization", organization_id=license_.organization_id)
    return _edit_page(request, form, title=title, cancel=cancel, **extra)


@sensitive_post_parameters("secret")
@staff_view
def credential_edit(request: HttpRequest, credential_id: int) -> HttpResponse:
    """The secret is write-only: empty keeps the stored one."""
    actor = actor_of(request)
    credential = queries.get_credential_for(actor, credential_id)
    # Inactive equipment stays offered when the entry is already tied to it.
    assets = asset_choices(actor, credential.organization_id)
    if credential.asset_id and credential.asset_id not in {pk for pk, _name in assets}:
        assets.append((credential.asset_id, credential.asset.name if credential.asset else "?"))
    form = directory_forms.CredentialEditForm(
        request.POST or None,
        assets=assets,
        initial=directory_forms.CredentialEditForm.initial_for(credential),
    )
    title = _("Edit %(name)s") % {"name": credential.name}
    cancel = reverse("desk:organization", args=[credential.organization_id])
    if request.method == "POST":
        if not form.is_valid():
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        data = form.cleaned_data
        try:
            services.update_credential(
                actor=actor,
                credential_id=credential.pk,
                name=data["name"],
                url=data["url"],
                login=data["login"],
                secret=data["secret"] or None,
                notes=data["notes"],
                asset_id=data["asset"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            return _edit_page(request, form, title=title, cancel=cancel, status=422)
        messages.success(request, _("Changes saved."))
        return redirect("desk:organization", organization_id=credential.organization_id)
    return _edit_page(request, form, title=title, cancel=cancel)
