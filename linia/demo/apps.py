from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "linia.demo"
    label = "demo"
