"""The demo's service levels: a 24/7 contract for the clinic, a business-hours contract in Kyiv
(with the Ukrainian public holidays as the calendar's days off) for the logistics company, and
two phoned-in clinic tickets whose clocks are in warning and in breach when the demo is loaded.

Everything goes through `linia.sla.services` and `linia.tickets.services`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from linia.core.access import Actor
from linia.directory.models import Contact, Organization
from linia.sla import services as sla_services
from linia.sla.services import TargetSpec
from linia.tickets import services as ticket_services
from linia.tickets.models import Category

CALENDAR_24X7 = "24/7"
CALENDAR_KYIV = "Kyiv business hours"
POLICY_24X7 = "Premium 24/7"
POLICY_KYIV = "Business hours (Kyiv)"
NAMES = (CALENDAR_24X7, CALENDAR_KYIV, POLICY_24X7, POLICY_KYIV)

# The `holidays` package lists no Ukrainian public holidays while martial law is in force, so
# the usual ones of 2026 are the calendar's own days off (those on a weekend included).
UKRAINIAN_HOLIDAYS_2026 = (
    date(2026, 1, 1),  # New Year's Day
    date(2026, 3, 8),  # International Women's Day (Sunday)
    date(2026, 4, 12),  # Easter (Sunday)
    date(2026, 5, 1),  # Labour Day
    date(2026, 5, 8),  # Day of Remembrance and Victory over Nazism
    date(2026, 5, 31),  # Trinity (Sunday)
    date(2026, 6, 28),  # Constitution Day (Sunday)
    date(2026, 7, 15),  # Ukrainian Statehood Day
    date(2026, 8, 24),  # Independence Day
    date(2026, 10, 1),  # Defenders of Ukraine Day
    date(2026, 12, 25),  # Christmas
)

OFFICE_HOURS = [("09:00", "13:00"), ("14:00", "18:00")]

PREMIUM_TARGETS = {
    "P1": TargetSpec(first_response=15, next_update=60, resolution=240),
    "P2": TargetSpec(first_response=30, next_update=120, resolution=480),
    "P3": TargetSpec(first_response=120, next_update=480, resolution=1440),
    "P4": TargetSpec(first_response=480, resolution=2880),
}

BUSINESS_TARGETS = {
    "P1": TargetSpec(first_response=30, next_update=60, resolution=480),
    "P2": TargetSpec(first_response=60, next_update=240, resolution=960),
    "P3": TargetSpec(first_response=240, next_update=960, resolution=2700),
    "P4": TargetSpec(first_response=480, resolution=5400),
}


def build_sla(*, organizations: dict[str, Organization]) -> None:
    """Calendars, policies and the two contracts (before any ticket, so the tickets follow)."""
    always = sla_services.create_calendar(name=CALENDAR_24X7, timezone="UTC", is_24x7=True)
    kyiv = sla_services.create_calendar(
        name=CALENDAR_KYIV,
        timezone="Europe/Kyiv",
        hours=dict.fromkeys(range(5), OFFICE_HOURS),
        holidays_country="UA",
        days_off=UKRAINIAN_HOLIDAYS_2026,
    )
    premium = sla_services.create_policy(
        name=POLICY_24X7, targets=PREMIUM_TARGETS, calendar_id=always.pk
    )
    business = sla_services.create_policy(
        name=POLICY_KYIV, targets=BUSINESS_TARGETS, calendar_id=kyiv.pk
    )
    sla_services.bind_organization(
        organization_id=organizations["zdorovye"].pk,
        policy_id=premium.pk,
        reference="ZDR-2026-24x7",
    )
    sla_services.bind_organization(
        organization_id=organizations["dnipro"].pk,
        policy_id=business.pk,
        reference="DC-2026-BH",
    )


def play_sla_tickets(
    *,
    actors: dict[str, Actor],
    contacts: dict[str, Contact],
    categories: dict[str, Category],
    now: datetime,
) -> int:
    """Two phoned-in clinic tickets on the 24/7 contract: a P4 nobody has answered for 6 h 40
    min (first response, 8 h, in warning for the next 80 minutes) and a P1 that has waited 5
    hours (first response and resolution breached). Returns how many tickets it created."""
    desk = actors["agent2"]
    clinic = contacts["natalia"]
    ticket_services.create_ticket(
        actor=desk,
        subject="Подключить второй монитор в кабинете 12",
        description=(
            "Позвонила старшая медсестра: в кабинет 12 привезли второй монитор, просят "
            "подключить его к компьютеру врача."
        ),
        type="service_request",
        category_id=categories["hardware"].pk,
        organization_id=clinic.organization_id,
        requester=clinic.pk,
        channel="phone",
        priority="P4",
        received_at=now - timedelta(minutes=400),
    )
    ticket_services.create_ticket(
        actor=desk,
        subject="Лаборатория не может отправить результаты анализов",
        description=(
            "Звонок из лаборатории: результаты анализов не уходят в МИС с утра, врачи не видят "
            "их в картах пациентов."
        ),
        type="incident",
        category_id=categories["servers"].pk,
        organization_id=clinic.organization_id,
        requester=clinic.pk,
        channel="phone",
        priority="P1",
        received_at=now - timedelta(hours=5),
    )
    return 2
