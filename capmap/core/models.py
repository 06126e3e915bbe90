"""Base models every app shares."""

from django.conf import settings
from django.db import models

from .exceptions import DomainError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ImmutableRow(models.Model):
    """A row written once: history is appended, never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise DomainError("This record is part of the history and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError("This record is part of the history and cannot be removed.")


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
