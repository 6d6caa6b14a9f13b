"""Import and export of the directory: organizations, contacts, equipment and licenses as CSV
or XLSX.

An import validates every row through the same services that the desk and the API use, in one
transaction with a savepoint per row; if any row fails, everything is rolled back and the
report lists each bad row with its reason, so a file never half-imports. A preview is the same
run, always rolled back. Rows are matched to what exists (organizations by name, contacts by
e-mail, equipment by inventory or serial number or name, licenses by product and edition) and
update it; the rest are created. Exports never contain secrets (vault entries are not
exported at all; license keys are left out).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from linia.core.access import Actor
from linia.core.errors import DomainError, Forbidden, Invalid

from .models import Asset, AssetType, Contact, License, Organization
from .services import assets as asset_services
from .services import organizations as organization_services

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

COLUMNS: dict[str, list[str]] = {
    # The card's fields come from the one list the organization service accepts.
    "organizations": ["name", "legal_name", *organization_services.CARD_FIELDS, "notes"],
    "contacts": [
        "organization",
        "full_name",
        "email",
        "phones",
        "position",
        "language",
        "is_vip",
        "is_client_manager",
        "telegram",
        "whatsapp",
        "viber",
        "notes",
    ],
    "assets": [
        "organization",
        "name",
        "type",
        "model",
        "serial_number",
        "inventory_number",
        "ip_address",
        "mac_address",
        "location",
        "owner_email",
        "warranty_end",
        "anydesk_id",
        "teamviewer_id",
        "rdp_host",
        "notes",
    ],
    "licenses": ["organization", "product", "edition", "seats", "starts_on", "ends_on", "notes"],
}
KINDS = tuple(COLUMNS)
MESSENGERS = ("telegram", "whatsapp", "viber")


@dataclass
class RowResult:
    line: int
    action: str = ""  # "create" or "update"
    label: str = ""
    error: str = ""


@dataclass
class ImportReport:
    kind: str
    rows: list[RowResult] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.error]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


# --- reading files ----------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file as dicts keyed by lower-case header. Raises Invalid."""
    if len(data) > MAX_BYTES:
        raise Invalid(_("The file is too large."), code="file_too_large")
    rows = _read_xlsx(data) if filename.lower().endswith(".xlsx") else _read_csv(data)
    header_row = next(rows, None)
    if not header_row:
        raise Invalid(_("The file is empty."), code="file_empty")
    header = [str(cell or "").strip().lower().replace(" ", "_") for cell in header_row]
    table = []
    for values in rows:
        cells = ["" if cell is None else _cell_text(cell) for cell in values]
        if not any(cell.strip() for cell in cells):
            continue
        table.append(
            {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name}
        )
        if len(table) > MAX_ROWS:
            raise Invalid(
                _("At most %(count)s rows at a time.") % {"count": MAX_ROWS}, code="too_many_rows"
            )
    return table


def _cell_text(cell: Any) -> str:
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _read_csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Invalid(_("The CSV file must be UTF-8."), code="file_encoding") from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return iter(csv.reader(io.StringIO(text), delimiter=delimiter))


def _read_xlsx(data: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise Invalid(_("Not a readable XLSX file."), code="file_unreadable") from error
    sheet = workbook.worksheets[0]
    return (list(row) for row in sheet.iter_rows(values_only=True))


# --- importing --------------------------------------------------------------------------------


def import_rows(
    *, actor: Actor, kind: str, rows: list[dict[str, str]], commit: bool
) -> ImportReport:
    """Validate and (with `commit`) write every row, all or nothing. Managers and
    administrators only. Returns the row-by-row report."""
    if not actor.is_manager:
        raise Forbidden(_("Only service desk managers and administrators can import."))
    if kind not in COLUMNS:
        raise Invalid(_("Unknown kind of data: %(kind)s") % {"kind": kind}, code="invalid_kind")
    report = ImportReport(kind=kind)
    handler = _HANDLERS[kind]
    with transaction.atomic():
        for index, row in enumerate(rows, start=2):  # line 1 is the header
            result = RowResult(line=index)
            try:
                with transaction.atomic():
                    result.action, result.label = handler(actor, _clean(row))
            except DomainError as error:
                result.error = error.message
            except (ValueError, InvalidOperation) as error:
                result.error = str(error) or _("Invalid value.")
            report.rows.append(result)
        if not commit or report.errors:
            transaction.set_rollback(True)
        else:
            report.committed = True
    return report


def _clean(row: dict[str, str]) -> dict[str, str]:
    # A leading apostrophe is how exports keep spreadsheets from reading text as a formula.
    return {key: (value or "").strip().removeprefix("'") for key, value in row.items()}


def _organization(name: str) -> Organization:
    if not name:
        raise Invalid(_("The organization is missing."))
    organization = Organization.objects.filter(name__iexact=name).first()
    if organization is None:
        raise Invalid(_("No organization named “%(name)s”.") % {"name": name})
    return organization


def _bool(value: str) -> bool:
    return value.lower() in {"1", "yes", "true", "y", "x", "+", "да", "так", "tak"}


def _decimal(value: str) -> Decimal | None:
    return Decimal(value.replace(",", ".").replace(" ", "")) if value else None


def _int(value: str) -> int | None:
    return int(value) if value else None


def _date(value: str) -> dt.date | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value[:10], pattern).date()  # noqa: DTZ007 (a date)
        except ValueError:
            continue
    raise Invalid(_("Not a date: %(value)s") % {"value": value})


def _import_organization(actor: Actor, row: dict[str, str]) -> tuple[str, str]:
    name = row.get("name", "")
    card: dict[str, Any] = {
        key: row[key]
        for key in (
            "tax_id",
            "registration_number",
            "legal_address",
            "postal_address",
            "website",
            "support_hours",
        )
        if key in row
    }
    if row.get("status"):
        card["status"] = row["status"].lower()
    if "included_hours_per_month" in row:
        card["included_hours_per_month"] = _decimal(row["included_hours_per_month"])
    if "hourly_rate" in row:
        card["hourly_rate"] = _decimal(row["hourly_rate"])
    if "covered_workstations" in row:
        card["covered_workstations"] = _int(row["covered_workstations"])
    existing = Organization.objects.filter(name__iexact=name).first() if name else None
    if existing is not None:
        organization_services.update_organization(
            actor=actor,
            organization_id=existing.pk,
            legal_name=row.get("legal_name") if "legal_name" in row else None,
            notes=row.get("notes") if "notes" in row else None,
            card=card,
        )
        return "update", existing.name
    organization = organization_services.create_organization(
        actor=actor,
        name=name,
        legal_name=row.get("legal_name", ""),
        notes=row.get("notes", ""),
        card=card,
    )
    return "create", organization.name


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]


def _import_contact(actor: Actor, row: dict[str, str]) -> tuple[str, str]:
    organization = _organization(row.get("organization", ""))
    email = row.get("email", "").lower()
    messengers = {key: row[key] for key in MESSENGERS if row.get(key)}
    existing = (
        Contact.objects.filter(organization=organization, email=email).first() if email else None
    )
    if existing is not None:
        if row.get("phones"):
            organization_services.set_contact_phones(
                contact_id=existing.pk, phones=_split(row["phones"])
            )
        return "update", existing.full_name
    contact = organization_services.create_contact(
        organization_id=organization.pk,
        full_name=row.get("full_name", ""),
        email=email,
        phones=_split(row.get("phones", "")),
        position=row.get("position", ""),
        language=row.get("language") or "en",
        is_vip=_bool(row.get("is_vip", "")),
        is_client_manager=_bool(row.get("is_client_manager", "")),
        messengers=messengers,
        notes=row.get("notes", ""),
    )
    return "create", contact.full_name


def _import_asset(actor: Actor, row: dict[str, str]) -> tuple[str, str]:
    organization = _organization(row.get("organization", ""))
    owner_id = None
    if row.get("owner_email"):
        owner = Contact.objects.filter(
            organization=organization, email=row["owner_email"].lower()
        ).first()
        if owner is None:
            raise Invalid(
                _("No contact with the e-mail %(email)s.") % {"email": row["owner_email"]}
            )
        owner_id = owner.pk
    asset_type = (row.get("type") or AssetType.OTHER).lower()
    fields: dict[str, Any] = {
        key: row[key]
        for key in (
            "model",
            "serial_number",
            "inventory_number",
            "mac_address",
            "location",
            "anydesk_id",
            "teamviewer_id",
            "rdp_host",
            "notes",
        )
        if key in row
    }
    fields.update(
        type=asset_type,
        ip_address=row.get("ip_address") or None,
        owner_id=owner_id,
        warranty_end=_date(row.get("warranty_end", "")),
    )
    existing = _match_asset(organization, row)
    if existing is not None:
        if row.get("name"):
            fields["name"] = row["name"]
        asset_services.update_asset(actor=actor, asset_id=existing.pk, **fields)
        return "update", existing.name
    asset = asset_services.create_asset(
        actor=actor, organization_id=organization.pk, name=row.get("name", ""), **fields
    )
    return "create", asset.name


def _match_asset(organization: Organization, row: dict[str, str]) -> Asset | None:
    assets = Asset.objects.filter(organization=organization)
    for key in ("inventory_number", "serial_number", "name"):
        if row.get(key):
            found = assets.filter(**{key: row[key]}).first()
            if found is not None:
                return found
    return None


def _import_license(actor: Actor, row: dict[str, str]) -> tuple[str, str]:
    organization = _organization(row.get("organization", ""))
    fields: dict[str, Any] = {
        "edition": row.get("edition", ""),
        "seats": _int(row.get("seats", "")),
        "starts_on": _date(row.get("starts_on", "")),
        "ends_on": _date(row.get("ends_on", "")),
        "notes": row.get("notes", ""),
    }
    existing = License.objects.filter(
        organization=organization, product=row.get("product", ""), edition=fields["edition"]
    ).first()
    if existing is not None:
        asset_services.update_license(actor=actor, license_id=existing.pk, **fields)
        return "update", str(existing)
    license_ = asset_services.create_license(
        actor=actor, organization_id=organization.pk, product=row.get("product", ""), **fields
    )
    return "create", str(license_)


_HANDLERS = {
    "organizations": _import_organization,
    "contacts": _import_contact,
    "assets": _import_asset,
    "licenses": _import_license,
}


# --- exporting --------------------------------------------------------------------------------


def export_rows(*, actor: Actor, kind: str) -> Iterable[list[str]]:
    """The header and one row per visible record of `kind`, in the import's columns (so an
    export can be edited and imported back). Never any secret."""
    from .queries import (
        list_assets_for,
        list_licenses_for,
        search_contacts_for,
        search_organizations_for,
    )

    if not actor.is_staff:
        raise Forbidden(_("Only service desk staff can export."))
    if kind not in COLUMNS:
        raise Invalid(_("Unknown kind of data: %(kind)s") % {"kind": kind}, code="invalid_kind")
    columns = COLUMNS[kind]
    yield columns
    records: Iterable[Any]
    if kind == "organizations":
        records = search_organizations_for(actor)
    elif kind == "contacts":
        records = search_contacts_for(actor)
    elif kind == "assets":
        records = list_assets_for(actor)
    else:
        records = list_licenses_for(actor)
    for record in records:
        yield [_export_value(record, column) for column in columns]


def _export_value(record: Any, column: str) -> str:
    if column == "organization":
        return record.organization.name
    if column == "phones":
        return ", ".join(phone.number for phone in record.phones.all())
    if column in MESSENGERS:
        return str(record.messengers.get(column, ""))
    if column == "owner_email":
        return record.owner.email if record.owner else ""
    value = getattr(record, column, "")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def export_csv(*, actor: Actor, kind: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(actor=actor, kind=kind):
        writer.writerow([_neutralize(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(*, actor: Actor, kind: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind)
    for row in export_rows(actor=actor, kind=kind):
        sheet.append([_neutralize(cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _neutralize(cell: str) -> str:
    """Keep spreadsheets from running a cell as a formula (CSV injection)."""
    return "'" + cell if cell[:1] in {"=", "+", "-", "@"} and not _is_number(cell) else cell


def _is_number(cell: str) -> bool:
    try:
        Decimal(cell)
    except InvalidOperation:
        return False
    return True
