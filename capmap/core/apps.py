from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "capmap.core"
    label = "core"
