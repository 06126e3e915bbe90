from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "capmap.reports"
    label = "reports"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from .models import ReportRequest

        auditlog.register(
            ReportRequest, exclude_fields=[*AUDIT_EXCLUDE, "progress", "progress_message"]
        )
