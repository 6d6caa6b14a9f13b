from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "linia.web.ui"
    label = "ui"
