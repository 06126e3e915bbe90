from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "capmap.credentials"
    label = "credentials"
    verbose_name = "Verifiable credentials"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from . import models, signals  # noqa: F401  (signals connects the receivers)

        auditlog.register(models.IssuerKey, exclude_fields=[*AUDIT_EXCLUDE, "encrypted_seed"])
        auditlog.register(models.StatusList, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(
            models.IssuedCredential,
            exclude_fields=[*AUDIT_EXCLUDE, "document"],
            m2m_fields={"rests_on"},
        )
        auditlog.register(models.Revocation, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(models.RecognisedIssuer, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(models.AcceptedCredential, exclude_fields=[*AUDIT_EXCLUDE, "document"])
        auditlog.register(models.AcceptedCredentialCheck, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(models.CountedLevel, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(models.FetchedStatusList, exclude_fields=[*AUDIT_EXCLUDE, "document"])
