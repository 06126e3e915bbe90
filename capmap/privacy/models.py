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


class RecordKind(models.TextChoices):
    """The kinds of record a retention schedule gives a period to (see the README for the
    defaults and why). Each is kept that many whole years after employment ends."""

    NOTIFICATIONS = "notifications", "Notifications and reminders"
    SIGN_IN = "sign_in", "Sign-in details and tokens"
    PLACEMENTS = "placements", "Placement applications, sessions and feedback invitations"
    EVIDENCE = "evidence", "Evidence and its files"
    ASSESSMENTS = "assessments", "Assessments, ratings and plans that were never signed off"
    STAFF_RECORD = "staff_record", "Staff record: then the person is erased"
    SIGN_OFFS = "sign_offs", "Sign-offs and verified levels"


# Whole years after employment ends; the reasoning is in the README's privacy section.
DEFAULT_RETENTION_YEARS = {
    RecordKind.NOTIFICATIONS: 1,
    RecordKind.SIGN_IN: 1,
    RecordKind.PLACEMENTS: 2,
    RecordKind.EVIDENCE: 3,
    RecordKind.ASSESSMENTS: 3,
    RecordKind.STAFF_RECORD: 6,
    # Clinical assurance outlives the staff record: kept under the pseudonym as long as the
    # longest health record the person's work could be questioned from (README).
    RecordKind.SIGN_OFFS: 25,
}
MAX_RETENTION_YEARS = 100


class RetentionPeriod(models.Model):
    """How long an organisation keeps one kind of record after a person's employment ends,
    before `capmap apply-retention` removes it (the staff record: erases the person,
    deleting what has no retention need and pseudonymising clinical-assurance records).
    Applies to the organisation and every organisation below it without a period of its
    own for that kind; without any, the default applies."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_periods"
    )
    kind = models.CharField(max_length=20, choices=RecordKind.choices)
    years = models.PositiveSmallIntegerField(
        help_text="Whole years after the end of employment before these records are removed."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="privacy_one_period_a_kind"
            ),
            models.CheckConstraint(
                condition=Q(years__lte=MAX_RETENTION_YEARS),
                name="privacy_retention_at_most_100_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.organisation}: {self.years} years"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}
