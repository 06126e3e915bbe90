"""Credentials for completions: a role profile (every requirement verified at its level),
a care pathway's capabilities (each held at the pathway's minimum level) and a placement
(its sessions confirmed). Signed by services.sign_and_store, like every credential, and
revoked when a later correction means they no longer hold.

A completion credential names the role profile, the pathway or the placement (scheme,
specialty, host, dates): never a session's activities, reflections or any clinical detail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum

from capmap.assessments.models import CurrentCapability
from capmap.core.actors import SYSTEM, set_actor
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.frameworks.models import CarePathway, Competency, RoleRequirement
from capmap.frameworks.selectors import applicable_role_profiles
from capmap.people.models import Person
from capmap.placements.models import Participation

from . import publishing, services
from .models import CountedLevel, IssuedCredential, Revocation, SourceKind
from .vc.ob3 import Alignment, Award


@dataclass(frozen=True)
class Completion:
    """Something the person has completed that a credential can certify."""

    source: str
    subject_key: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    basis: dict[str, Any]
    competency_ids: tuple[int, ...] = ()
    extra_achievement: dict[str, Any] = field(default_factory=dict)
    extra_subject: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return SourceKind(self.source).label


def _levels(person: Person) -> dict[int, int]:
    return dict(
        CurrentCapability.objects.filter(person=person).values_list("competency_id", "level")
    )


def _meets(levels: dict[int, int], needed: dict[int, int]) -> bool:
    return bool(needed) and all(levels.get(c, -1) >= level for c, level in needed.items())


def _role_profiles(person: Person, levels: dict[int, int]) -> list[Completion]:
    profiles = list(applicable_role_profiles(person))
    needed: dict[int, dict[int, int]] = {p.pk: {} for p in profiles}
    for profile_id, competency_id, level in RoleRequirement.objects.filter(
        profile__in=profiles
    ).values_list("profile_id", "competency_id", "level"):
        needed[profile_id][competency_id] = level
    found = []
    for profile in profiles:
        if not _meets(levels, needed[profile.pk]):
            continue
        version = profile.version
        count = len(needed[profile.pk])
        found.append(
            Completion(
                source=SourceKind.ROLE_PROFILE,
                subject_key=f"role_profile:{profile.pk}",
                name=f"{profile} role profile",
                description=(
                    f"Every competency the {profile} role profile requires in "
                    f"{version.framework.title} (version {version.number}), verified at "
                    "the level it requires."
                ),
                criteria=(
                    f"All {count} requirements of the role profile verified and signed off "
                    f"at or above the required level, against {version.framework.title} "
                    f"(version {version.number})."
                ),
                achievement_type="Certificate",
                basis={str(c): level for c, level in needed[profile.pk].items()},
                competency_ids=tuple(needed[profile.pk]),
            )
        )
    return found


def _pathways(person: Person, levels: dict[int, int]) -> list[Completion]:
    pathways = (
        CarePathway.objects.filter(
            Q(owner__isnull=True) | Q(owner_id__in=person.employer.ancestor_ids())
        )
        .prefetch_related("capabilities")
        .order_by("title")
    )
    found = []
    for pathway in pathways:
        needed = {c.competency_id: c.minimum_level for c in pathway.capabilities.all()}
        if not _meets(levels, needed):
            continue
        found.append(
            Completion(
                source=SourceKind.PATHWAY,
                subject_key=f"pathway:{pathway.pk}",
                name=f"{pathway.title} care pathway capability",
                description=(
                    f"Every capability the {pathway.title} care pathway needs, held at the "
                    "pathway's minimum level."
                ),
                criteria=(
                    f"Each of the {len(needed)} capabilities of the {pathway.title} pathway "
                    "verified and signed off at or above its minimum level."
                ),
                achievement_type="Competency",
                basis={str(c): level for c, level in needed.items()},
                competency_ids=tuple(needed),
            )
        )
    return found


def _instant(day: date) -> str:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _confirmed(participations):
    return participations.annotate(
        confirmed_half_days=Sum(
            "sessions__half_days", filter=Q(sessions__confirmed_at__isnull=False)
        ),
    )


def _placements(person: Person) -> list[Completion]:
    rows = _confirmed(
        Participation.objects.filter(application__applicant=person).select_related(
            "placement__scheme", "placement__host"
        )
    )
    found = []
    for participation in rows:
        placement = participation.placement
        scheme = placement.scheme
        done = participation.confirmed_half_days or 0  # type: ignore[attr-defined]
        if done < scheme.sessions_required:
            continue
        dates = participation.sessions.filter(confirmed_at__isnull=False).order_by("date")
        first, last = dates.first(), dates.last()
        assert first is not None and last is not None  # done >= 1 session
        specialty = placement.get_specialty_display()  # type: ignore[attr-defined]
        found.append(
            Completion(
                source=SourceKind.PLACEMENT,
                subject_key=f"placement:{participation.pk}",
                name=f"{specialty} placement with {placement.host.name}",
                description=(
                    f"A cross-sector placement in {specialty.lower()} hosted by "
                    f"{placement.host.name}, part of the {scheme.title} scheme."
                ),
                criteria=(
                    f"{done} sessions with a specialist mentor, confirmed by the mentor, "
                    f"between {first.date:%d %B %Y} and {last.date:%d %B %Y} (the scheme "
                    f"asks for {scheme.sessions_required})."
                ),
                achievement_type="Fieldwork",
                basis={"participation": participation.pk, "sessions": scheme.sessions_required},
                extra_achievement={"fieldOfStudy": specialty},
                extra_subject={
                    "activityStartDate": _instant(first.date),
                    "activityEndDate": _instant(last.date),
                },
            )
        )
    return found


def completions_of(person: Person) -> list[Completion]:
    """Every completion the person holds now (the caller has checked access)."""
    levels = _levels(person)
    return [*_role_profiles(person, levels), *_pathways(person, levels), *_placements(person)]


def _standing(person: Person) -> set[str]:
    return set(
        IssuedCredential.objects.filter(person=person, revocation__isnull=True)
        .exclude(subject_key="")
        .values_list("subject_key", flat=True)
    )


def completions_without_credential(person: Person) -> list[Completion]:
    issued = _standing(person)
    return [c for c in completions_of(person) if c.subject_key not in issued]


def levels_verified_elsewhere(person: Person, completion: Completion) -> list[CountedLevel]:
    """The levels a completion rests on that credentials from other issuers gave the person
    (their current level of a competency it needs, still counting), in competency order."""
    current = CurrentCapability.objects.filter(
        person=person, competency_id__in=completion.competency_ids
    ).values("event_id")
    return list(
        CountedLevel.objects.filter(event_id__in=current, withdrawn_at__isnull=True)
        .select_related("accepted", "event__competency")
        .order_by("event__competency__domain__order", "event__competency__order", "pk")
    )


def _evidence(counted: CountedLevel) -> dict[str, Any]:
    """OB 3.0 Evidence naming the credential from elsewhere that verified a level, and its
    issuer: whoever checks the completion can check that credential too."""
    accepted, event = counted.accepted, counted.event
    competency = event.competency
    original = accepted.document.get("id")
    issuer = accepted.document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    entry: dict[str, Any] = {
        "type": ["Evidence"],
        "name": f"{competency.code or competency.title} verified elsewhere",
        "description": (
            f"{competency.code} {competency.title}".strip()
            + f" at level {event.level}, verified by {accepted.issuer_name} ({issuer_id}) in "
            f"credential {original or 'without an id'}, accepted by "
            f"{accepted.person.employer.name} on {accepted.accepted_at:%d %B %Y}."
        ),
        "genre": "Credential from another issuer",
    }
    if isinstance(original, str) and original:
        entry["id"] = original
    return entry


def _award(
    person: Person,
    completion: Completion,
    public_id: uuid.UUID,
    status: dict,
    elsewhere: list[CountedLevel],
) -> Award:
    kind, _, pk = completion.subject_key.partition(":")
    competencies = Competency.objects.filter(pk__in=completion.competency_ids).select_related(
        "version__framework"
    )
    alignments: list[Alignment] = []
    for competency in competencies.order_by("domain__order", "order", "pk"):
        alignments.extend(services.alignments(competency))
    return Award(
        credential_id=publishing.credential_url(public_id),
        issuer=publishing.profile_ref(person.employer),
        valid_from=datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        achievement_id=f"{publishing.public_url()}/credentials/achievements/{kind}/{pk}",
        achievement_name=completion.name,
        achievement_description=completion.description,
        criteria=completion.criteria
        + (
            f" {len(elsewhere)} of them verified by other issuers, each named in the evidence."
            if elsewhere
            else ""
        ),
        holder_email=person.email or (person.user.email if person.user else ""),
        holder_salt=services.new_salt(),
        level_value=None,
        level_name="",
        scale_name="",
        alignments=tuple(alignments),
        status=status,
        achievement_type=completion.achievement_type,
        extra_achievement=completion.extra_achievement,
        extra_subject=completion.extra_subject,
        evidence=tuple(_evidence(counted) for counted in elsewhere),
    )


@transaction.atomic
def issue_completion(*, actor: Any, person: Person, subject_key: str) -> IssuedCredential:
    """Issue the credential for a completion the person holds now. Asking again, while the
    first still stands, returns it."""
    if not services.may_issue(actor, person):
        raise NotPermitted("Only the person or their supervisor can ask for this credential.")
    existing = IssuedCredential.objects.filter(
        person=person, subject_key=subject_key, revocation__isnull=True
    ).first()
    if existing is not None:
        return existing
    completion = next((c for c in completions_of(person) if c.subject_key == subject_key), None)
    if completion is None:
        raise DomainError(
            "This is not complete: every requirement must be verified at its level (or every "
            "placement session confirmed) before it can be issued as a credential."
        )
    public_id = uuid.uuid4()
    elsewhere = levels_verified_elsewhere(person, completion)
    credential = services.sign_and_store(
        actor=actor,
        person=person,
        public_id=public_id,
        make_award=lambda status: _award(person, completion, public_id, status, elsewhere),
        source=completion.source,
        subject_key=completion.subject_key,
        basis=completion.basis,
        level_name="Completed",
    )
    if elsewhere:
        with set_actor(actor):
            credential.rests_on.set(elsewhere)
    return credential


def _still_holds(credential: IssuedCredential, levels: dict[int, int]) -> bool:
    basis = credential.basis
    if credential.source == SourceKind.PLACEMENT:
        row = _confirmed(Participation.objects.filter(pk=basis.get("participation"))).first()
        return row is not None and (row.confirmed_half_days or 0) >= basis.get("sessions", 1)  # type: ignore[attr-defined]
    return _meets(levels, {int(c): level for c, level in basis.items()})


def revoke_broken_completions(
    *, person_id: int, reason: str, corrected: tuple[int, int] | None = None
) -> list[Revocation]:
    """Revoke the person's standing completion credentials that no longer hold, judged by
    what each rests on: a competency corrected below what a profile or pathway needs
    (`corrected`: the competency and its new level, when the caller knows it first), or a
    placement's confirmed sessions withdrawn or its record removed. (Called by signals.)"""
    standing = list(
        IssuedCredential.objects.filter(person_id=person_id, revocation__isnull=True).exclude(
            subject_key=""
        )
    )
    if not standing:
        return []
    levels = dict(
        CurrentCapability.objects.filter(person_id=person_id).values_list("competency_id", "level")
    )
    if corrected is not None:
        levels[corrected[0]] = corrected[1]
    return [
        services.revoke_credential(actor=SYSTEM, credential=credential, reason=reason)
        for credential in standing
        if not _still_holds(credential, levels)
    ]
