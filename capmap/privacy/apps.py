from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "capmap.privacy"
    label = "privacy"
    verbose_name = "People's rights over their data"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.core.signals import after_restore, before_restore
        from capmap.organisations.apps import AUDIT_EXCLUDE

        from . import restore
        from .models import CorrectionRequest, ErasureRecord, RetentionPeriod, SubjectAccessExport

        auditlog.register(ErasureRecord)
        auditlog.register(CorrectionRequest)
        auditlog.register(RetentionPeriod, exclude_fields=["updated_at"])
        auditlog.register(
            SubjectAccessExport, exclude_fields=[*AUDIT_EXCLUDE, "progress", "progress_message"]
        )
        before_restore.connect(restore.remember_erasures, dispatch_uid="privacy-before-restore")
        after_restore.connect(restore.reapply_erasures, dispatch_uid="privacy-after-restore")
