"""API tokens: a user's key to the JSON API. Only a SHA-256 hash of each token is kept."""

from django.conf import settings
from django.db import models

from capmap.organisations.models import audit_data_for_member


class ApiToken(models.Model):
    """A bearer token `<prefix>.<secret>`; the prefix finds the row, the hash checks it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, default="")
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField("SHA-256 of the token", max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.name or 'unnamed'})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def get_additional_data(self) -> dict:
        return audit_data_for_member(self.user)
