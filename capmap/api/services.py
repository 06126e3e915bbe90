"""Making, checking and revoking API tokens.

A token reads `<prefix>.<secret>`. The prefix (12 hex digits) is stored in clear to
find the row; the whole token is stored only as its SHA-256 hash, compared in constant
time. The clear token exists once, in the return value of `create_token`.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from capmap.core.actors import is_system, require_actor, set_actor
from capmap.core.exceptions import DomainError, NotPermitted

from .models import ApiToken

PREFIX_BYTES = 6
SECRET_BYTES = 32
# Recording every use would write on every request; once a minute is enough to tell.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@transaction.atomic
def create_token(actor, *, user, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the clear token (shown once).

    The command line acts as the system (SYSTEM); a signed-in actor may only make
    tokens for themselves.
    """
    require_actor(actor)
    if not is_system(actor) and actor.pk != user.pk:
        raise NotPermitted("You can only make API tokens for yourself.")
    if not user.is_active:
        raise DomainError("That account is not active.")
    prefix = secrets.token_hex(PREFIX_BYTES)
    raw = f"{prefix}.{secrets.token_urlsafe(SECRET_BYTES)}"
    with set_actor(actor):
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=prefix, secret_hash=hash_token(raw)
        )
    return token, raw


@transaction.atomic
def revoke_token(actor, *, prefix: str) -> ApiToken:
    """Revoke the token with this prefix (the command line, or its owner)."""
    token = ApiToken.objects.select_for_update().filter(prefix=prefix.strip()).first()
    require_actor(actor)
    if token is None or (not is_system(actor) and actor.pk != token.user_id):
        raise DomainError(f"No API token has the prefix {prefix}.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        with set_actor(actor):
            token.save(update_fields=["revoked_at"])
    return token


def user_for_token(raw: str):
    """The active user a live token belongs to, or None. Notes when the token was used."""
    prefix, dot, _secret = raw.partition(".")
    if not dot or not prefix or "\x00" in raw:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token(raw)):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
