from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "capmap.frameworks"
    label = "frameworks"
    verbose_name = "Competency frameworks"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from . import models

        for model in (
            models.Framework,
            models.FrameworkVersion,
            models.ProficiencyScale,
            models.ProficiencyLevel,
            models.Domain,
            models.Competency,
            models.CompetencyMapping,
            models.RoleProfile,
            models.RoleRequirement,
            models.CarePathway,
            models.PathwayCapability,
        ):
            auditlog.register(model, exclude_fields=AUDIT_EXCLUDE)
