from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "capmap.development"
    label = "development"
    verbose_name = "Development plans and training"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from .models import DevelopmentPlan, Objective, PlanStatus, TrainingItem

        auditlog.register(TrainingItem, exclude_fields=AUDIT_EXCLUDE, m2m_fields={"competencies"})
        auditlog.register(DevelopmentPlan, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(PlanStatus, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(Objective, exclude_fields=AUDIT_EXCLUDE, m2m_fields={"competencies"})
