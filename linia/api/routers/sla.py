"""Service-level configuration as code: administrators write calendars and policies, managers
may read them. Binding an organization to a policy is `PATCH /organizations/{id}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.responses import Status

from linia.core.errors import Invalid, NotFound
from linia.escalation import queries as escalation_queries
from linia.escalation import services as escalation_services
from linia.escalation.models import EscalationRule
from linia.sla import queries, services
from linia.sla.models import Calendar, SlaPolicy
from linia.sla.services import TargetSpec

from ..auth import actor_of, require_admin, require_manager
from ..pagination import paginate
from ..schemas.common import ERRORS, Page, PageParams, PathId
from ..schemas.sla import (
    CalendarIn,
    CalendarOut,
    PolicyIn,
    PolicyOut,
    PolicyPatch,
    Priority,
    RuleIn,
    RuleOut,
    RulePatch,
    TargetIn,
)

router = Router(tags=["sla"])


def _specs(targets: dict[Priority, TargetIn]) -> dict[str, TargetSpec]:
    return {
        priority: TargetSpec(
            first_response=target.first_response,
            resolution=target.resolution,
            next_update=target.next_update,
        )
        for priority, target in targets.items()
    }


def _unknown_calendar() -> Invalid:
    return Invalid(_("There is no calendar with this id."), code="invalid_calendar")


def _get_calendar(calendar_id: int) -> Calendar:
    calendar = queries.list_calendars().filter(pk=calendar_id).first()
    if calendar is None:
        raise NotFound(_("Calendar not found."))
    return calendar


def _get_policy(policy_id: int) -> SlaPolicy:
    policy = queries.list_policies().filter(pk=policy_id).first()
    if policy is None:
        raise NotFound(_("SLA policy not found."))
    return policy


@router.get("/sla/calendars", response={200: Page[CalendarOut], **ERRORS})
def list_calendars(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    require_manager(actor_of(request))
    return paginate(queries.list_calendars().order_by("name", "pk"), page)


@router.post("/sla/calendars", response={201: CalendarOut, **ERRORS})
def create_calendar(request: HttpRequest, payload: CalendarIn) -> Status[Calendar]:
    require_admin(actor_of(request))
    calendar = services.create_calendar(
        name=payload.name,
        timezone=payload.timezone,
        hours=payload.weekly(),
        holidays_country=payload.holidays_country,
        days_off=payload.extra_days_off,
        working_days={day: [] for day in payload.extra_working_days},
        is_24x7=payload.is_24x7,
    )
    return Status(201, _get_calendar(calendar.pk))


@router.get("/sla/calendars/{calendar_id}", response={200: CalendarOut, **ERRORS})
def get_calendar(request: HttpRequest, calendar_id: PathId) -> Calendar:
    require_manager(actor_of(request))
    return _get_calendar(calendar_id)


@router.get("/sla/policies", response={200: Page[PolicyOut], **ERRORS})
def list_policies(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    require_manager(actor_of(request))
    return paginate(queries.list_policies().order_by("name", "pk"), page)


@router.post("/sla/policies", response={201: PolicyOut, **ERRORS})
def create_policy(request: HttpRequest, payload: PolicyIn) -> Status[SlaPolicy]:
    require_admin(actor_of(request))
    try:
        policy = services.create_policy(
            name=payload.name,
            targets=_specs(payload.targets),
            warning_percent=payload.warn_at_percent,
            pause_statuses=payload.pause_statuses,
            calendar_id=payload.calendar,
        )
    except NotFound:
        raise _unknown_calendar() from None
    return Status(201, _get_policy(policy.pk))


@router.get("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def get_policy(request: HttpRequest, policy_id: PathId) -> SlaPolicy:
    require_manager(actor_of(request))
    return _get_policy(policy_id)


@router.patch("/sla/policies/{policy_id}", response={200: PolicyOut, **ERRORS})
def update_policy(request: HttpRequest, payload: PolicyPatch, policy_id: PathId) -> SlaPolicy:
    """Omitted fields stay as they are; `targets` replaces all of them."""
    require_admin(actor_of(request))
    _get_policy(policy_id)  # 404 before the body's references are checked
    given = payload.model_fields_set
    try:
        services.update_policy(
            policy_id=policy_id,
            name=payload.name,
            targets=_specs(payload.targets) if payload.targets is not None else None,
            warning_percent=payload.warn_at_percent,
            pause_statuses=payload.pause_statuses,
            calendar_id=payload.calendar if "calendar" in given else False,
        )
    except NotFound:
        raise _unknown_calendar() from None
    return _get_policy(policy_id)


# --- escalation rules ------------------------------------------------------------------------


def _get_rule(rule_id: int) -> EscalationRule:
    rule = escalation_queries.list_rules().filter(pk=rule_id).first()
    if rule is None:
        raise NotFound(_("Escalation rule not found."))
    return rule


@router.get("/sla/rules", response={200: Page[RuleOut], **ERRORS})
def list_rules(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every escalation rule, in the order the scheduler runs them (position, then id)."""
    require_manager(actor_of(request))
    return paginate(escalation_queries.list_rules(), page)


@router.post("/sla/rules", response={201: RuleOut, **ERRORS})
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[EscalationRule]:
    actor = actor_of(request)
    require_admin(actor)
    fields = payload.fields()
    rule = escalation_services.create_rule(
        actor=actor, name=fields.pop("name"), condition=fields.pop("condition"), **fields
    )
    return Status(201, _get_rule(rule.pk))


@router.get("/sla/rules/{rule_id}", response={200: RuleOut, **ERRORS})
def get_rule(request: HttpRequest, rule_id: PathId) -> EscalationRule:
    require_manager(actor_of(request))
    return _get_rule(rule_id)


@router.patch("/sla/rules/{rule_id}", response={200: RuleOut, **ERRORS})
def update_rule(request: HttpRequest, payload: RulePatch, rule_id: PathId) -> EscalationRule:
    """Omitted fields stay as they are. A changed rule looks back again (`checked_until` is
    cleared); it never fires twice for the same condition of a ticket."""
    actor = actor_of(request)
    require_admin(actor)
    escalation_services.update_rule(
        actor=actor, rule_id=rule_id, **payload.fields(payload.model_fields_set)
    )
    return _get_rule(rule_id)


@router.api_operation(["DELETE"], "/sla/rules/{rule_id}", response={204: None, **ERRORS})
def delete_rule(request: HttpRequest, rule_id: PathId) -> Status[None]:
    """Removes the rule and its firing records; the tickets' timelines keep what it did."""
    actor = actor_of(request)
    require_admin(actor)
    escalation_services.delete_rule(actor=actor, rule_id=rule_id)
    return Status(204, None)
