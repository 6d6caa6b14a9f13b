"""The raw store of every inbound message (which doubles as the quarantine), the Message-ID
↔ ticket map used for threading, and the configured IMAP mailboxes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from linia.core import crypto

# The secrets of a mailbox, sealed with linia.core.crypto (AES-GCM, key rotation).
SECRET_FIELDS = ("password", "oauth_client_secret", "oauth_refresh_token", "oauth_access_token")


class Source(models.TextChoices):
    IMAP = "imap", _("IMAP")
    SMTP = "smtp", _("SMTP")
    PIPE = "pipe", _("MTA pipe")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Being processed")
    CREATED = "created", _("Ticket created")
    APPENDED = "appended", _("Added to a ticket")
    DUPLICATE = "duplicate", _("Duplicate")
    IGNORED = "ignored", _("Ignored")
    QUARANTINED = "quarantined", _("Quarantined")
    DISCARDED = "discarded", _("Discarded")


class Security(models.TextChoices):
    SSL = "ssl", _("TLS (IMAPS, port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (loopback tests only)")


class Auth(models.TextChoices):
    PASSWORD = "password", _("Password")
    XOAUTH2 = "xoauth2", _("OAuth 2 (XOAUTH2)")


class UnknownSenderPolicy(models.TextChoices):
    CATCH_ALL = "catch_all", _("Create a contact in the catch-all organization")
    REJECT = "reject", _("Reject with a polite reply")


class Mailbox(models.Model):
    """An IMAP mailbox Linia polls. Administrators configure these in the admin."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(
        _("security"), max_length=8, choices=Security.choices, default=Security.SSL
    )
    username = models.CharField(_("user name"), max_length=255)
    password = models.BinaryField(_("password (sealed)"), null=True, blank=True, editable=False)
    auth = models.CharField(_("log-in"), max_length=8, choices=Auth.choices, default=Auth.PASSWORD)
    oauth_client_id = models.CharField(_("OAuth client id"), max_length=255, blank=True)
    oauth_client_secret = models.BinaryField(null=True, blank=True, editable=False)
    oauth_refresh_token = models.BinaryField(null=True, blank=True, editable=False)
    oauth_token_url = models.URLField(_("OAuth token URL"), max_length=500, blank=True)
    oauth_access_token = models.BinaryField(null=True, blank=True, editable=False)
    oauth_access_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    default_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default team"),
    )
    default_category = models.ForeignKey(
        "tickets.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("default category"),
    )
    unknown_sender_policy = models.CharField(
        _("unknown senders"),
        max_length=12,
        choices=UnknownSenderPolicy.choices,
        default=UnknownSenderPolicy.CATCH_ALL,
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_success_at = models.DateTimeField(_("last successful poll"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name

    def secret(self, name: str) -> str:
        """The clear text of one sealed secret ("" when unset)."""
        token = getattr(self, name)
        if not token:
            return ""
        return crypto.decrypt(token, purpose=f"email_channel.mailbox.{name}")

    def set_secret(self, name: str, value: str) -> None:
        if name not in SECRET_FIELDS:
            raise ValueError(name)
        sealed = crypto.encrypt(value, purpose=f"email_channel.mailbox.{name}") if value else None
        setattr(self, name, sealed)


class InboundEmail(models.Model):
    """Every message that reached Linia, raw bytes first, then what became of it.

    Stored before processing, so nothing is lost; rows with outcome "quarantined" are the
    quarantine staff can retry or discard.
    """

    raw = models.BinaryField()
    raw_sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(default=0)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    mailbox = models.ForeignKey(
        Mailbox, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=500, blank=True, db_index=True)
    sender = models.CharField(_("sender"), max_length=320, blank=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=12,
        choices=Outcome.choices,
        default=Outcome.PENDING,
        db_index=True,
    )
    ticket_number = models.BigIntegerField(_("ticket"), null=True, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")

    def __str__(self) -> str:
        return f"{self.subject} ← {self.sender}"


class MessageLink(models.Model):
    """A Message-ID Linia received, and the ticket it went to (what Linia sent is read from
    the outbox, notifications.OutboundEmail)."""

    message_id = models.CharField(max_length=500, db_index=True)
    ticket_number = models.BigIntegerField()
    inbound = models.ForeignKey(
        InboundEmail, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    # The ticket message the mail became (None: the ticket's opening description).
    ticket_message = models.ForeignKey(
        "tickets.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The mail's HTML, sanitized (parse.sanitize_html), with its inline images still as
    # `cid:` sources and `inline_images` mapping each content id to its stored attachment id;
    # the views point them at their own (tenancy-checked) download URL.
    html = models.TextField(blank=True)
    inline_images = models.JSONField(default=dict, blank=True)
    # False when the shown text folded quoted history away: the HTML (which still has it)
    # is then offered as the formatted original rather than shown in place.
    html_in_place = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["ticket_number", "created_at"])]

    def __str__(self) -> str:
        return f"{self.message_id} → #{self.ticket_number}"


class FailingAddress(models.Model):
    """An address a delivery-status report said is failing (RFC 3464)."""

    email = models.EmailField(unique=True)
    failing_since = models.DateTimeField()
    last_report_at = models.DateTimeField()
    diagnostic = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.email
