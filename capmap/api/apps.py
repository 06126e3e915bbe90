from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "capmap.api"
    label = "api"
    verbose_name = "API"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ApiToken

        # The hash is a secret's fingerprint and last use changes on every call:
        # neither belongs in the audit trail.
        auditlog.register(ApiToken, exclude_fields=["secret_hash", "last_used_at"])
