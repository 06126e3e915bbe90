"""Receivers that keep credentials true to the assessments below: credentials sits above
assessments, which cannot call it, so a new verified level reaches it by a signal."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from capmap.assessments.models import CapabilityEvent


@receiver(post_save, sender=CapabilityEvent, dispatch_uid="credentials_revoke_superseded")
def revoke_superseded_credentials(sender, instance: CapabilityEvent, created: bool, **kwargs):
    if created and not kwargs.get("raw"):
        from .services import revoke_superseded

        revoke_superseded(event=instance)
