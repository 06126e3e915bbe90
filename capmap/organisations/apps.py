from django.apps import AppConfig

AUDIT_EXCLUDE = ["created_at", "updated_at"]


class OrganisationsConfig(AppConfig):
    name = "capmap.organisations"
    label = "organisations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Membership, Organisation

        auditlog.register(Organisation, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(Membership, exclude_fields=AUDIT_EXCLUDE)
