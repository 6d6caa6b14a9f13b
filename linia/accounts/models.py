from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from linia.core.access import Role


class UserRole(models.TextChoices):
    REQUESTER = Role.REQUESTER.value, _("Requester")
    CLIENT_MANAGER = Role.CLIENT_MANAGER.value, _("Client manager")
    AGENT = Role.AGENT.value, _("Agent")
    MANAGER = Role.MANAGER.value, _("Service desk manager")
    ADMIN = Role.ADMIN.value, _("Administrator")


class LiniaUserManager(UserManager["User"]):
    def mailable(self) -> QuerySet[User]:
        """The users Linia may e-mail: active, with an address."""
        return self.filter(is_active=True).exclude(email="")

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: Any,
    ) -> User:
        # `linia createsuperuser` makes an administrator of the product, not a requester.
        extra_fields.setdefault("role", UserRole.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: a client's requester or manager, or a member of the desk staff.

    Requesters and client managers belong to an organization through their contact record
    (`directory.Contact.user`); agents reach organizations through their teams.
    """

    # Indexed: the staff (a few dozen) are read by role among thousands of client accounts
    # (assignable agents, the managers a rule e-mails).
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=UserRole.choices,
        default=UserRole.REQUESTER,
        db_index=True,
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.LINIA_DEFAULT_TIME_ZONE
    )

    objects: ClassVar[LiniaUserManager] = LiniaUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=UserRole.values), name="user_role_valid"
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_desk_staff(self) -> bool:
        return self.role in {UserRole.AGENT, UserRole.MANAGER, UserRole.ADMIN}


class Tier(models.IntegerChoices):
    L1 = 1, _("L1 · service desk")
    L2 = 2, _("L2 · engineers")
    L3 = 3, _("L3 · lead specialists")


class Team(models.Model):
    """A group of agents at one support tier; teams serve organizations."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices, default=Tier.L1)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="teams", blank=True, verbose_name=_("members")
    )
    serves_all_organizations = models.BooleanField(
        _("serves every organization"),
        default=False,
        help_text=_("For an in-house desk or a central L3 team."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["tier", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.CheckConstraint(condition=models.Q(tier__in=[1, 2, 3]), name="team_tier_valid")
        ]

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=120, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
