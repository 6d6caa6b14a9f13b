"""Client cards of the demo organizations: contract terms, equipment with remote access,
licenses and a few vault entries, all created through the directory services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from linia.accounts.models import User
from linia.core.access import SYSTEM_ACTOR
from linia.directory import services as directory_services
from linia.directory.access import actor_for_user
from linia.directory.models import Contact, Organization

CARDS: dict[str, dict[str, Any]] = {
    "dnipro": {
        "card": {
            "tax_id": "43125678",
            "legal_address": "вул. Велика Васильківська, 72, Київ, 03150",
            "support_hours": "Mon-Fri 8:00-19:00, Sat 9:00-14:00",
            "included_hours_per_month": Decimal(20),
            "hourly_rate": Decimal("25.00"),
            "covered_workstations": 38,
        },
        "assets": [
            {
                "name": "DC-ACC-01",
                "type": "workstation",
                "model": "Dell OptiPlex 7010",
                "inventory_number": "DC-0011",
                "ip_address": "10.10.1.21",
                "owner": "olena",
                "anydesk_id": "482 913 557",
                "location": "Head office, room 204",
                "warranty_end": 400,
            },
            {
                "name": "DC-WH-BROVARY-PC",
                "type": "workstation",
                "model": "HP ProDesk 400 G7",
                "inventory_number": "DC-0024",
                "ip_address": "10.20.1.10",
                "owner": "taras",
                "teamviewer_id": "1 234 567 890",
                "location": "Warehouse Brovary",
            },
            {
                "name": "DC-SRV-01",
                "type": "server",
                "model": "HPE ProLiant DL380 Gen10",
                "serial_number": "CZJ0123ABC",
                "ip_address": "10.10.0.5",
                "rdp_host": "dc-srv-01.dnipro-cargo.local",
                "location": "Server room",
                "warranty_end": 30,
                "custom_fields": {"role": "AD, file server, 1C"},
            },
            {
                "name": "DC-MFP-2F",
                "type": "printer",
                "model": "Kyocera ECOSYS M3655idn",
                "ip_address": "10.10.1.250",
                "location": "Head office, 2nd floor",
            },
        ],
        "licenses": [
            {
                "product": "Microsoft 365",
                "edition": "Business Standard",
                "seats": 38,
                "ends_in": 25,
            },
            {"product": "1C:Enterprise", "edition": "8.3 Prof", "seats": 10, "ends_in": 200},
        ],
        "credentials": [
            {
                "name": "MikroTik head office",
                "url": "https://10.10.0.1",
                "login": "admin",
                "secret": "demo-Mikrotik-7731",
            },
            {
                "name": "DC-SRV-01 local administrator",
                "login": "Administrator",
                "secret": "demo-Srv01-!Adm",
                "asset": "DC-SRV-01",
            },
        ],
    },
    "nowak": {
        "card": {
            "tax_id": "PL5251234567",
            "legal_address": "ul. Marszałkowska 84/92, 00-514 Warszawa",
            "support_hours": "Mon-Fri 9:00-17:00",
            "included_hours_per_month": Decimal(8),
            "hourly_rate": Decimal("120.00"),
            "covered_workstations": 25,
        },
        "assets": [
            {
                "name": "NP-RECEPTION",
                "type": "workstation",
                "model": "Lenovo ThinkCentre M70q",
                "ip_address": "192.168.10.11",
                "owner": "kasia",
                "anydesk_id": "731 882 104",
                "location": "Reception",
            },
            {
                "name": "NP-NAS",
                "type": "server",
                "model": "Synology DS920+",
                "ip_address": "192.168.10.5",
                "location": "Archive room",
            },
        ],
        "licenses": [
            {"product": "LEX Navigator", "edition": "Kancelaria", "seats": 25, "ends_in": 6},
        ],
        "credentials": [
            {
                "name": "Synology DSM",
                "url": "https://192.168.10.5:5001",
                "login": "it-admin",
                "secret": "demo-Nas-5001",
                "asset": "NP-NAS",
            },
        ],
    },
    "zdorovye": {
        "card": {
            "tax_id": "5047123456",
            "support_hours": "24/7",
            "included_hours_per_month": Decimal(30),
            "hourly_rate": Decimal("2500.00"),
            "covered_workstations": 22,
        },
        "assets": [
            {
                "name": "ZD-REG-01",
                "type": "workstation",
                "model": "Acer Veriton",
                "ip_address": "172.16.0.21",
                "anydesk_id": "905 117 342",
                "location": "Registration desk",
            },
            {
                "name": "ZD-LAB-ANALYZER-PC",
                "type": "workstation",
                "model": "Dell Vostro 3681",
                "ip_address": "172.16.0.40",
                "rdp_host": "172.16.0.40",
                "location": "Laboratory",
            },
        ],
        "licenses": [
            {
                "product": "Kaspersky Endpoint Security",
                "edition": "for Business Select",
                "seats": 25,
                "ends_in": 1,
            },
        ],
        "credentials": [
            {
                "name": "Clinic MIS admin",
                "url": "https://mis.zdorovye-clinic.example",
                "login": "admin",
                "secret": "demo-Mis-2024",
            },
        ],
    },
}


def build_cards(
    *,
    organizations: dict[str, Organization],
    contacts: dict[str, Contact],
    admin: User,
    today: dt.date,
) -> None:
    """Fill the card of every demo organization (through the services, as an administrator)."""
    actor = actor_for_user(admin)
    for key, spec in CARDS.items():
        organization = organizations.get(key)
        if organization is None:
            continue
        directory_services.update_organization(
            actor=SYSTEM_ACTOR, organization_id=organization.pk, card=spec["card"]
        )
        assets = {}
        for item in spec["assets"]:
            fields = {k: v for k, v in item.items() if k not in {"name", "owner", "warranty_end"}}
            owner = contacts.get(item.get("owner", ""))
            if owner is not None:
                fields["owner_id"] = owner.pk
            if "warranty_end" in item:
                fields["warranty_end"] = today + dt.timedelta(days=item["warranty_end"])
            assets[item["name"]] = directory_services.create_asset(
                actor=actor, organization_id=organization.pk, name=item["name"], **fields
            )
        for item in spec["licenses"]:
            directory_services.create_license(
                actor=actor,
                organization_id=organization.pk,
                product=item["product"],
                edition=item["edition"],
                seats=item["seats"],
                key="DEMO-" + item["product"][:4].upper() + "-0000-1111",
                starts_on=today - dt.timedelta(days=365 - item["ends_in"]),
                ends_on=today + dt.timedelta(days=item["ends_in"]),
            )
        for item in spec["credentials"]:
            asset = assets.get(item.get("asset", ""))
            directory_services.create_credential(
                actor=actor,
                organization_id=organization.pk,
                name=item["name"],
                url=item.get("url", ""),
                login=item["login"],
                secret=item["secret"],
                asset_id=asset.pk if asset else None,
            )
