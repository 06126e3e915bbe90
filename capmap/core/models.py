"""Base models every app shares."""

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
