from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "linia.web.desk"
    label = "desk"
