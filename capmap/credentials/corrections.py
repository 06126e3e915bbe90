"""Revoking, for a batch of level changes, the credentials they no longer support: what the
CapabilityEvent receiver (signals.py) does one event at a time, for events written in bulk
(assessments.verified_elsewhere), in a few queries whatever the number of people.

Events are taken in order, and a credential is revoked by the first that breaks it, with
the reason the one-at-a-time receiver would give.
"""

from __future__ import annotations

from collections.abc import Sequence

from capmap.assessments.models import CapabilityEvent, CurrentCapability
from capmap.core.actors import SYSTEM, set_actor
from capmap.core.audit import AuditBatch
from capmap.placements.models import Participation

from .completions import _confirmed, _meets
from .models import IssuedCredential, Revocation, SourceKind


def revoke_in_bulk(credentials: Sequence[tuple[IssuedCredential, str]]) -> list[Revocation]:
    """Revoke each standing credential for its reason, as the system, audited as
    services.revoke_credential audits one (organisation loaded with each credential)."""
    revocations = [Revocation(credential=c, reason=reason) for c, reason in credentials]
    if not revocations:
        return []
    audit = AuditBatch()
    with set_actor(SYSTEM):
        Revocation.objects.bulk_create(revocations)
        for revocation in revocations:
            audit.created(revocation)
        audit.save()
    return revocations


def _placements_holding(credentials: list[IssuedCredential]) -> set[int]:
    """Ids of placement credentials whose participation still has its sessions confirmed."""
    wanted = {c.basis.get("participation"): c for c in credentials}
    rows = _confirmed(Participation.objects.filter(pk__in=[p for p in wanted if p is not None]))
    confirmed = {row.pk: row.confirmed_half_days or 0 for row in rows}
    return {
        c.pk
        for participation, c in wanted.items()
        if confirmed.get(participation, -1) >= c.basis.get("sessions", 1)
    }


def revoke_what_events_break(events: Sequence[CapabilityEvent]) -> list[Revocation]:
    """For each new event in order, while CurrentCapability shows the levels before the
    batch: revoke sign-off credentials of a higher level of its competency, and completion
    credentials whose basis no longer holds."""
    if not events:
        return []
    person_ids = {event.person_id for event in events}
    standing = list(
        IssuedCredential.objects.select_for_update(of=("self",))
        .filter(person_id__in=person_ids, revocation__isnull=True)
        .select_related("organisation")
        .order_by("-issued_at", "-pk")
    )
    if not standing:
        return []
    levels: dict[int, dict[int, int]] = {pk: {} for pk in person_ids}
    for person_id, competency_id, level in CurrentCapability.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "competency_id", "level"):
        levels[person_id][competency_id] = level
    placements = [c for c in standing if c.subject_key and c.source == SourceKind.PLACEMENT]
    placements_hold = _placements_holding(placements)
    revoked: list[tuple[IssuedCredential, str]] = []
    done: set[int] = set()
    for event in events:
        held = levels[event.person_id]
        judged = {**held, event.competency_id: event.level}
        for credential in standing:
            if credential.pk in done or credential.person_id != event.person_id:
                continue
            reason = _why_broken(credential, event, judged, placements_hold)
            if reason:
                revoked.append((credential, reason))
                done.add(credential.pk)
        if event.withdraws_id and event.level == 0:
            held.pop(event.competency_id, None)
        else:
            held[event.competency_id] = event.level
    return revoke_in_bulk(revoked)


def _why_broken(
    credential: IssuedCredential,
    event: CapabilityEvent,
    levels: dict[int, int],
    placements_hold: set[int],
) -> str:
    if credential.subject_key:
        if credential.source == SourceKind.PLACEMENT:
            holds = credential.pk in placements_hold
        else:
            holds = _meets(levels, {int(c): level for c, level in credential.basis.items()})
        return (
            ""
            if holds
            else f"Corrected: a later sign-off verified level {event.level} of a "
            "competency this needs."
        )
    if (
        credential.competency_id == event.competency_id
        and credential.level is not None
        and credential.level > event.level
    ):
        return f"Corrected: a later sign-off verified level {event.level}."
    return ""
