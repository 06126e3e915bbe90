from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "capmap.population"
    label = "population"
    verbose_name = "Population need"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from . import signals  # noqa: F401  (links starter pathways as they are loaded)
        from .models import PathwayRegister, PopulationImport

        auditlog.register(PopulationImport, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(PathwayRegister)
