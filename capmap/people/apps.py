from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "capmap.people"
    label = "people"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from capmap.organisations.apps import AUDIT_EXCLUDE

        from .models import JobRole, Person, Supervision

        auditlog.register(JobRole, exclude_fields=AUDIT_EXCLUDE)
        auditlog.register(Person, exclude_fields=AUDIT_EXCLUDE, m2m_fields={"sites"})
        auditlog.register(Supervision, exclude_fields=AUDIT_EXCLUDE)
