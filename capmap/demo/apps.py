from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "capmap.demo"
    label = "demo"
