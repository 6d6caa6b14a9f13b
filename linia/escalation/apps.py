from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "linia.escalation"
    label = "escalation"
    verbose_name = _("Escalation")

    def ready(self) -> None:
        from . import handlers, tasks  # noqa: F401  (registers the event handler and the tasks)
