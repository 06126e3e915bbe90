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
