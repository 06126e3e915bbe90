from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "capmap.placements"
    label = "placements"
    verbose_name = "Placements"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from . import models

        for model in (
            models.Scheme,
            models.SchemeStatusChange,
            models.Placement,
            models.EligibilityRule,
            models.PrescribingStatus,
            models.Application,
            models.AllocationRun,
            models.AllocationRunStatus,
            models.AllocationAdjustment,
            models.Participation,
            models.SessionLog,
            models.Survey,
            models.Question,
            models.Measure,
            models.MeasureValue,
        ):
            auditlog.register(model, exclude_fields=AUDIT_EXCLUDE)
        # The token's hash is a secret of its own: never copied into the audit trail.
        auditlog.register(models.Invitation, exclude_fields=[*AUDIT_EXCLUDE, "token_hash"])
        # That a response arrived is audited (see services/feedback.py: with no actor, so it
        # stays anonymous); what it says, its answers, never enters the audit trail.
        auditlog.register(models.Response)
