"""Subject access exports and the erasure log.

An erasure is recorded by primary keys and a pseudonym, never by the personal data it
removed, so the log can be kept (and re-applied after a restore) without undoing itself.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from capmap.core.jobs import FileJob, JobStatus
from capmap.organisations.models import Organisation
from capmap.people.models import Person

ExportStatus = JobStatus


class SubjectAccessExport(FileJob):
    """Everything Capmap holds about one person, asked for by them or an admin over them."""

    keep_days_setting = "CAPMAP_EXPORT_RETENTION_DAYS"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="subject_access_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(upload_to="privacy/exports/", max_length=300, blank=True, default="")
    size_bytes = models.PositiveBigIntegerField(default=0)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="privacy_export_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"Subject access export {self.public_id}"

    @property
    def filename(self) -> str:
        stamp = self.created_at.strftime("%Y-%m-%d") if self.created_at else ""
        return f"subject-access-{self.person_id or 'erased'}-{stamp}.zip"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path if self.person else ""}


class ErasureRecord(models.Model):
    """One erasure: who was erased (by keys and pseudonym), by whom, when, and what it did.

    Kept for good, also in a log file beside the database, so `capmap restore` of an older
    backup erases the person again and says so.
    """

    person_id_erased = models.PositiveBigIntegerField(unique=True)
    # sha256 of the staff record's key and creation time: matches the same record in a
    # backup, never another installation's record that happens to share the key.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    user_id_erased = models.PositiveBigIntegerField(null=True, blank=True)
    pseudonym = models.CharField(max_length=40, unique=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    erased_by_label = models.CharField(max_length=200, blank=True, default="")
    reason = models.CharField(max_length=300, blank=True, default="")
    erased_at = models.DateTimeField()
    # {"deleted": {"app.Model": n}, "pseudonymised": {...}, "kept": {...}, "files": n}
    summary = models.JSONField(default=dict, blank=True)
    # The employer's place in the tree when erased: the erasure's audit entry is seen by the
    # admins over it, as every other entry about that person was.
    organisation_path = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return f"Erasure of {self.pseudonym}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation_path}


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an admin"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"


class CorrectableField(models.TextChoices):
    FIRST_NAME = "first_name", "First name"
    LAST_NAME = "last_name", "Last name"
    EMAIL = "email", "E-mail address"
    REGISTRATION_NUMBER = "registration_number", "Registration number"
    STAGE = "stage", "Stage"


class CorrectionRequest(models.Model):
    """A person's proposed correction to their own staff record, decided by an admin.
    The old and new values stay in the audit trail of the record and of this request."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=30, choices=CorrectableField.choices)
    current_value = models.CharField(max_length=200, blank=True, default="")
    proposed_value = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True, default="")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Correction of {self.get_field_display().lower()}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.person.employer.path}


DEFAULT_RETENTION_YEARS = 6


class RetentionSchedule(models.Model):
    """How long an organisation keeps a person's records after their employment ends,
    before `capmap apply-retention` erases them (deleting what has no retention need and
    pseudonymising clinical-assurance records). Applies to the organisation and every
    organisation below it without a schedule of its own. Defaults: see the README."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="retention_schedule"
    )
    years_after_employment = models.PositiveSmallIntegerField(
        default=DEFAULT_RETENTION_YEARS,
        help_text="Whole years after the end of employment before the person is erased.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Retention at {self.organisation}: {self.years_after_employment} years"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}
