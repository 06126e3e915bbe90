from django.apps import AppConfig


class CapabilityConfig(AppConfig):
    name = "capmap.capability"
    label = "capability"
    verbose_name = "Capability maps"
