"""Escalation rules (configuration) and their firings (what fired for which ticket, once).

A rule is "when <condition> then <actions>". The scheduler (services.fire_escalations) finds
the tickets whose condition holds by indexed queries on the instants stored on the ticket, and
records one `EscalationFiring` per (rule, ticket, condition instant): the unique constraint is
what makes a rule fire once per condition, even with two schedulers running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from linia.accounts.models import Team

TIER_CHOICES = [(1, "L1"), (2, "L2"), (3, "L3")]
ESCALATION_TIER_CHOICES = [(2, "L2"), (3, "L3")]
PRIORITIES = ("P1", "P2", "P3", "P4")  # tickets.Priority, highest first


class Condition(models.TextChoices):
    TIME_AT_TIER = "time_at_tier", _("Time at a tier without resolution")
    FIRST_RESPONSE_WARNING = "first_response_warning", _("First response: SLA warning")
    FIRST_RESPONSE_BREACH = "first_response_breach", _("First response: SLA breached")
    RESOLUTION_WARNING = "resolution_warning", _("Resolution: SLA warning")
    RESOLUTION_BREACH = "resolution_breach", _("Resolution: SLA breached")
    NO_UPDATE = "no_update", _("No update to the requester in time")
    PRIORITY_CREATED = "priority_created", _("Ticket created with a priority")


class PriorityChange(models.TextChoices):
    KEEP = "", _("Leave the priority as it is")
    RAISE = "raise", _("Raise by one step")
    P1 = "P1", _("Raise to P1")
    P2 = "P2", _("Raise to P2")
    P3 = "P3", _("Raise to P3")


class NotifyRole(models.TextChoices):
    NOBODY = "", _("Nobody by role")
    MANAGER = "manager", _("Service desk managers")
    ADMIN = "admin", _("Administrators")


class EscalationRule(models.Model):
    """When the condition holds for an active, running (not paused) ticket, take the actions."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Rules run in this order, lowest first.")
    )
    # --- when --------------------------------------------------------------------------
    condition = models.CharField(_("condition"), max_length=32, choices=Condition.choices)
    tier = models.PositiveSmallIntegerField(
        _("tier"),
        choices=TIER_CHOICES,
        null=True,
        blank=True,
        help_text=_(
            "Time at a tier: the tier the ticket waits at. Other conditions: only "
            "tickets at this tier (empty: any tier)."
        ),
    )
    minutes = models.PositiveIntegerField(
        _("minutes"),
        default=0,
        help_text=_(
            "Time at a tier: working minutes at the tier. No update: minutes of grace "
            "after the next update was due."
        ),
    )
    priority = models.CharField(
        _("priority"),
        max_length=2,
        blank=True,
        choices=[(p, p) for p in PRIORITIES],
        help_text=_(
            "Ticket created with a priority: that priority. Other conditions: only "
            "tickets of this priority (empty: any priority)."
        ),
    )
    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for organization"),
    )
    category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for category"),
    )
    # --- then ---------------------------------------------------------------------------
    escalate_to_tier = models.PositiveSmallIntegerField(
        _("escalate to tier"),
        choices=ESCALATION_TIER_CHOICES,
        null=True,
        blank=True,
        help_text=_("Functional escalation: move the ticket up to this tier."),
    )
    escalate_to_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalate to team"),
        help_text=_("The team that takes the ticket (empty: the tier's default team)."),
    )
    assign_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assign to"),
        limit_choices_to={"role__in": ["agent", "manager", "admin"], "is_active": True},
    )
    set_priority = models.CharField(
        _("priority change"),
        max_length=8,
        blank=True,
        choices=PriorityChange.choices,
        default=PriorityChange.KEEP,
    )
    notify_role = models.CharField(
        _("notify by role"),
        max_length=16,
        blank=True,
        choices=NotifyRole.choices,
        default=NotifyRole.NOBODY,
        help_text=_("Hierarchical escalation: e-mail everyone with this role."),
    )
    notify_assignee = models.BooleanField(
        _("notify the assignee"),
        default=False,
        help_text=_("E-mail the assignee, or the ticket's team when nobody is assigned."),
    )
    note = models.TextField(
        _("internal note"),
        blank=True,
        help_text=_("Added to the ticket as an internal note when the rule fires."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The scheduler's watermark: every ticket whose condition arose before this instant has
    # been examined. Cleared whenever the rule is saved, so a changed rule looks back again.
    checked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(condition__in=Condition.values), name="escalation_rule_condition"
            ),
            models.CheckConstraint(
                condition=models.Q(tier__isnull=True) | models.Q(tier__in=[1, 2, 3]),
                name="escalation_rule_tier",
            ),
            models.CheckConstraint(
                condition=models.Q(escalate_to_tier__isnull=True)
                | models.Q(escalate_to_tier__in=[2, 3]),
                name="escalation_rule_target_tier",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def notifies(self) -> bool:
        return bool(self.notify_role) or self.notify_assignee

    @property
    def target_tier(self) -> int | None:
        """The tier the rule escalates to (the team's, when only a team is named)."""
        if self.escalate_to_tier:
            return self.escalate_to_tier
        if self.escalate_to_team_id is not None:
            team = self._team_or_none()
            return team.tier if team is not None else None
        return None

    def _team_or_none(self) -> Team | None:
        """The named team, None when there is none or the id is unknown (full_clean reports
        an unknown id as a field error)."""
        try:
            return self.escalate_to_team
        except ObjectDoesNotExist:
            return None

    def clean(self) -> None:
        errors: dict[str, str | Promise] = {}
        if self.condition == Condition.TIME_AT_TIER:
            if not self.tier:
                errors["tier"] = _("Name the tier the ticket waits at.")
            if not self.minutes:
                errors["minutes"] = _("Give the working minutes at the tier (at least 1).")
        if self.condition == Condition.PRIORITY_CREATED and not self.priority:
            errors["priority"] = _("Name the priority of the new tickets.")
        team = self._team_or_none() if self.escalate_to_team_id else None
        if team is not None:
            if team.tier not in (2, 3):
                errors["escalate_to_team"] = _("Escalation goes to an L2 or L3 team.")
            elif self.escalate_to_tier and team.tier != self.escalate_to_tier:
                errors["escalate_to_team"] = _("This team works at another tier.")
        target = self.target_tier
        if target and self.tier and target <= self.tier:
            errors["escalate_to_tier"] = _("Escalation moves a ticket up: choose a higher tier.")
        has_action = any(
            [
                target,
                self.assign_to_id,
                self.set_priority,
                self.notifies,
                self.note.strip(),
            ]
        )
        if not has_action and "escalate_to_team" not in errors:
            errors["__all__"] = _("Choose at least one action.")
        if errors:
            raise ValidationError(errors)


class EscalationFiring(models.Model):
    """One rule fired for one ticket and one condition instant, never twice.

    `condition_at` identifies the condition: the due or warning instant that passed, the moment
    the ticket entered its tier, or its registration. A ticket that gets a new due instant
    (reopened, re-prioritised) or re-enters a tier can therefore fire the same rule again.

    A row without `fired_at` is scheduled: a time-at-tier rule whose working minutes end at
    `due_at` (computed with the ticket's business calendar when the ticket entered the tier).
    """

    rule = models.ForeignKey(
        EscalationRule, on_delete=models.CASCADE, related_name="firings", verbose_name=_("rule")
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="escalation_firings",
        verbose_name=_("ticket"),
    )
    condition_at = models.DateTimeField(_("condition instant"))
    # When the condition holds (time at a tier: the end of the working minutes).
    due_at = models.DateTimeField(_("due"))
    fired_at = models.DateTimeField(_("fired"), null=True, blank=True)
    # What each action did: [{"action": "escalate", "outcome": "done|skipped|failed", "message": …}]
    actions = models.JSONField(_("actions"), default=list, blank=True)

    class Meta:
        ordering = ["-fired_at", "-id"]
        verbose_name = _("escalation firing")
        verbose_name_plural = _("escalation firings")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "condition_at"], name="escalation_fires_once"
            ),
        ]
        indexes = [
            models.Index(fields=["-fired_at"], name="escalation_firing_fired"),
            models.Index(
                fields=["rule", "due_at"],
                name="escalation_scheduled_due",
                condition=models.Q(fired_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on ticket {self.ticket_id} at {self.condition_at:%Y-%m-%d %H:%M}"

    @property
    def is_scheduled(self) -> bool:
        return self.fired_at is None

    @property
    def failed(self) -> bool:
        return any(action.get("outcome") == "failed" for action in self.actions)
