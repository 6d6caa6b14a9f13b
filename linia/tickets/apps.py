from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "linia.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from . import search, tasks  # noqa: F401  (registers the Huey tasks, search handlers)
