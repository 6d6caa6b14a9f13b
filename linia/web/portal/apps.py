from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "linia.web.portal"
    label = "portal"
