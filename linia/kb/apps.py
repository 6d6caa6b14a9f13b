from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeBaseConfig(AppConfig):
    name = "linia.kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from . import handlers, tasks  # noqa: F401  (registers the event handler and the tasks)
