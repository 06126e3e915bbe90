from django.apps import AppConfig

AUDIT_EXCLUDE = ["created_at", "updated_at"]


class OrganisationsConfig(AppConfig):
    name = "capmap.organisations"
    label = "organisations"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Membership, Organisation

        # Listed fields only: other apps add reverse relations that would otherwise show as
        # noise, and the path is derived from the parent (a move shows as a new parent).
        auditlog.register(
            Organisation, include_fields=["name", "kind", "ods_code", "parent", "hard_to_recruit"]
        )
        auditlog.register(Membership, include_fields=["user", "organisation", "role"])
