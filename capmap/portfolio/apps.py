from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "capmap.portfolio"
    label = "portfolio"
    verbose_name = "Evidence portfolio"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from .models import EvidenceItem, EvidenceStatus

        auditlog.register(EvidenceItem, exclude_fields=AUDIT_EXCLUDE, m2m_fields={"competencies"})
        auditlog.register(EvidenceStatus, exclude_fields=AUDIT_EXCLUDE)
