"""Receivers that keep credentials true to the records below them: credentials sits above
assessments and beside placements, which do not call it, so a correction reaches it by a
signal and revokes the credentials that no longer hold."""

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from capmap.assessments.models import CapabilityEvent
from capmap.assessments.verified_elsewhere import levels_recorded_in_bulk
from capmap.placements.models import Application, Participation, SessionLog

PLACEMENT_CORRECTED = "Corrected: the placement record no longer shows its sessions confirmed."


@receiver(post_save, sender=CapabilityEvent, dispatch_uid="credentials_revoke_superseded")
def revoke_superseded_credentials(sender, instance: CapabilityEvent, created: bool, **kwargs):
    if created and not kwargs.get("raw"):
        from .completions import revoke_broken_completions
        from .services import revoke_superseded

        revoke_superseded(event=instance)
        revoke_broken_completions(
            person_id=instance.person_id,
            reason=f"Corrected: a later sign-off verified level {instance.level} of a "
            "competency this needs.",
            corrected=(instance.competency_id, instance.level),
        )


@receiver(levels_recorded_in_bulk, dispatch_uid="credentials_revoke_broken_in_bulk")
def revoke_credentials_broken_in_bulk(sender, events: list[CapabilityEvent], **kwargs):
    from .corrections import revoke_what_events_break

    revoke_what_events_break(events)


@receiver(post_save, sender=SessionLog, dispatch_uid="credentials_session_saved")
@receiver(post_delete, sender=SessionLog, dispatch_uid="credentials_session_removed")
def revoke_uncompleted_placements(sender, instance: SessionLog, **kwargs):
    if kwargs.get("raw"):
        return
    from .completions import revoke_broken_completions

    person_id = (
        Participation.objects.filter(pk=instance.participation_id)
        .values_list("application__applicant_id", flat=True)
        .first()
    )
    if person_id is not None:
        revoke_broken_completions(person_id=person_id, reason=PLACEMENT_CORRECTED)


@receiver(pre_delete, sender=Participation, dispatch_uid="credentials_participation_leaving")
def note_participant(sender, instance: Participation, **kwargs):
    # The application may be gone by post_delete: remember whose placement this was.
    instance._credential_person_id = (  # type: ignore[attr-defined]
        Application.objects.filter(pk=instance.application_id)
        .values_list("applicant_id", flat=True)
        .first()
    )


@receiver(post_delete, sender=Participation, dispatch_uid="credentials_participation_removed")
def revoke_removed_placement(sender, instance: Participation, **kwargs):
    from .completions import revoke_broken_completions

    person_id = getattr(instance, "_credential_person_id", None)
    if person_id is not None:
        revoke_broken_completions(person_id=person_id, reason=PLACEMENT_CORRECTED)
