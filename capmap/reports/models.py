"""Report requests: what was asked for, by whom, over which organisation, and the file made."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from capmap.core.jobs import FileJob, JobStatus
from capmap.organisations.models import Organisation

ReportStatus = JobStatus


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "Excel spreadsheet (XLSX)"


class ReportRequest(FileJob):
    """One report asked for by one person; only that person may open or download it."""

    keep_days_setting = "CAPMAP_REPORT_RETENTION_DAYS"

    # An unguessable id in addresses, so one report's address says nothing of others.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=60)
    format = models.CharField(max_length=10, choices=ReportFormat.choices)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_requests"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="report_requests"
    )
    title = models.CharField(max_length=200, blank=True, default="")
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_at_most_100")
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.title or f"{self.kind} report"

    @property
    def filename(self) -> str:
        stem = (self.title or self.kind).lower().replace(" ", "-")
        stamp = self.created_at.strftime("%Y-%m-%d") if self.created_at else ""
        return f"{stem}-{stamp}.{self.format}"

    def get_additional_data(self) -> dict:
        return {"organisation_path": self.organisation.path}


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, so tasks held by a dead worker can be put back."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200, blank=True, default="")
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id} (last seen {self.last_seen:%H:%M:%S})"


class ReminderKind(models.TextChoices):
    OVERDUE_ASSESSMENT = "overdue_assessment", "Overdue assessment"
    SESSION_TO_CONFIRM = "session_to_confirm", "Session to confirm"
    OBJECTIVE_PAST_DUE = "objective_past_due", "Objective past due"


class ReminderLog(models.Model):
    """One weekly reminder about one thing to one person, so `capmap send-reminders` can
    run twice in the same ISO week and send nothing the second time."""

    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    object_key = models.CharField(max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    iso_week = models.CharField(max_length=8)  # e.g. "2026-W48"
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_key", "recipient", "iso_week"],
                name="one_reminder_a_week",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_key} ({self.iso_week})"
