"""Uploaded files waiting for their owner to confirm an import, kept server-side.

A preview keeps the file under a random token; confirming opens it again (only its
owner can, before it expires, and only while its hash still matches) and reads it anew,
so nothing parsed is held in the session and nothing stale is written.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import PendingUpload

KEPT_FOR = timedelta(hours=2)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def keep_upload(
    *, actor, purpose: str, content: bytes, options: dict[str, Any] | None = None
) -> str:
    """Keep the file for its owner; returns the token that names it. Drops the owner's
    earlier uploads for the same purpose and anyone's expired ones."""
    now = timezone.now()
    PendingUpload.objects.filter(expires_at__lt=now).delete()
    PendingUpload.objects.filter(owner=actor, purpose=purpose).delete()
    token = secrets.token_urlsafe(24)
    PendingUpload.objects.create(
        token=token,
        owner=actor,
        purpose=purpose,
        content=content,
        sha256=_digest(content),
        options=options or {},
        expires_at=now + KEPT_FOR,
    )
    return token


def open_upload(*, actor, purpose: str, token: str) -> PendingUpload | None:
    """The actor's own unexpired upload under this token, with its content intact; or None."""
    upload = PendingUpload.objects.filter(
        token=token, owner=actor, purpose=purpose, expires_at__gte=timezone.now()
    ).first()
    if upload is None:
        return None
    upload.content = bytes(upload.content)
    if _digest(upload.content) != upload.sha256:
        return None
    return upload


def forget_upload(*, actor, token: str) -> None:
    PendingUpload.objects.filter(token=token, owner=actor).delete()
