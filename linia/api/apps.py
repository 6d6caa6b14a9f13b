from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "linia.api"
    label = "api"
