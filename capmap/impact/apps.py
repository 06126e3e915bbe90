from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "capmap.impact"
    label = "impact"
    verbose_name = "Impact of roles"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from .models import ActivityRecord, ActivityType, ImpactAssumption

        auditlog.register(ActivityType, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(ActivityRecord, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(ImpactAssumption, exclude_fields=AUDIT_EXCLUDE)
