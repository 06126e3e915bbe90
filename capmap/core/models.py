"""Base models every app shares."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from .exceptions import DomainError

if TYPE_CHECKING:
    from .workflow import Workflow


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


CANNOT_CHANGE = "This record is part of the history and cannot be changed."
CANNOT_REMOVE = "This record is part of the history and cannot be removed."


class ImmutableQuerySet(models.QuerySet):
    """Refuses the bulk paths round save() and delete(): history is only appended."""

    def update(self, **kwargs: Any) -> int:
        raise DomainError(CANNOT_CHANGE)

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise DomainError(CANNOT_CHANGE)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DomainError(CANNOT_REMOVE)


class ImmutableRow(models.Model):
    """A row written once: history is appended, never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise DomainError(CANNOT_CHANGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError(CANNOT_REMOVE)


class StatusRow(ImmutableRow):
    """One step of a workflow: the subject's status from `at` on, who moved it and why.

    A concrete row model adds the foreign key to its subject (named in `subject_field`,
    with related_name "statuses"), narrows `status` to its choices and names its
    `workflow`. The subject's current status is its latest row (capmap.core.workflow).
    """

    workflow: ClassVar[Workflow]
    subject_field: ClassVar[str]

    status = models.CharField(max_length=20)
    # Null only when the system (a command, a data migration) made the move.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True, default="")

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.subject}: {self.label}"

    @property
    def subject(self) -> models.Model:
        return getattr(self, self.subject_field)

    @property
    def label(self) -> str:
        return self.workflow.label(self.status)

    def get_additional_data(self) -> dict:
        # The subject's organisation path, so admins of that organisation see the move.
        return self.subject.get_additional_data()


class PendingUpload(models.Model):
    """An uploaded file kept between a preview and its confirmation (see core/uploads.py).

    The file (bounded by CAPMAP_MAX_IMPORT_BYTES) waits here rather than its parsed rows
    in the session: it is re-read and re-checked when the owner confirms.
    """

    token = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_uploads"
    )
    purpose = models.CharField(max_length=40)
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.purpose} upload {self.token[:6]}…"
