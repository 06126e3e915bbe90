from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "capmap.assessments"
    label = "assessments"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from . import models

        for model in (
            models.AssessmentCycle,
            models.Assessment,
            models.AssessmentStatus,
            models.SelfRating,
            models.AssessorRating,
            models.SignOff,
            models.CompetencySignOff,
            models.CapabilityEvent,
            models.CurrentCapability,
        ):
            auditlog.register(model, exclude_fields=AUDIT_EXCLUDE)

        # A level of a scale that ratings or verified levels use is never removed.
        from capmap.frameworks.level_uses import register

        from .selectors import level_uses_in_assessments

        register(level_uses_in_assessments)
