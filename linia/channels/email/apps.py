from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailChannelConfig(AppConfig):
    name = "linia.channels.email"
    label = "email_channel"
    verbose_name = _("E-mail channel")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from linia.core import crypto
        from linia.core.mail import register_reference_provider

        from . import tasks  # noqa: F401  (registers the periodic IMAP poll)
        from .services import rotate_mailbox_secrets
        from .threading import received_message_ids

        register_reference_provider(received_message_ids)
        crypto.register_rotator("mailbox secret(s)", rotate_mailbox_secrets)
