"""Reads for one heatmap cell: a person's history in one competency.

Verified levels (sign-offs) are capability-map data: whoever may see the person's levels
sees them. Self-ratings and links to the assessment behind a sign-off belong to the
person's own record, so they come only to those the policy lets see that record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from capmap.assessments.models import CapabilityEvent, SelfRating
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency, ProficiencyLevel
from capmap.people import policy
from capmap.people.models import Person, Supervision, SupervisionKind

from . import selectors


@dataclass(frozen=True)
class SignOffLine:
    """A verified level from a date, who verified it and in what role."""

    at: datetime
    level: int
    level_label: str
    verifier: str
    verifier_role: str
    assessment_id: int | None  # only for those who may see the person's record
    source: str = "Sign-off"


@dataclass(frozen=True)
class SelfRatingLine:
    at: datetime
    level: int
    level_label: str
    round: int
    assessment_id: int


@dataclass
class CompetencyHistory:
    person: Person
    competency: Competency
    required: int | None
    current: int | None
    sign_offs: list[SignOffLine]
    self_ratings: list[SelfRatingLine] | None  # None: the reader may not see them


def get_competency(user, pk: int) -> Competency:
    """A competency of a framework the user may see, or Competency.DoesNotExist."""
    return framework_selectors.get_competency(user, pk)


def competency_history(user, person: Person, competency: Competency) -> CompetencyHistory:
    """The person's sign-offs in the competency, oldest first, and their self-ratings for
    readers of their record. `person` was opened through selectors.get_person."""
    labels = dict(
        ProficiencyLevel.objects.filter(scale__version_id=competency.version_id).values_list(
            "value", "label"
        )
    )
    sees_record = policy.allows(user, policy.VIEW_RECORD, person)
    events = list(
        CapabilityEvent.objects.filter(person=person, competency=competency)
        .select_related("signed_by", "sign_off")
        .order_by("valid_from", "pk")
    )
    roles = _verifier_roles(person, {e.signed_by_id for e in events})
    sign_offs = [
        SignOffLine(
            at=e.valid_from,
            level=e.level,
            level_label=labels.get(e.level, ""),
            verifier=_verifier(e),
            verifier_role=_verifier_role(e, roles),
            source=_source(e),
            assessment_id=e.sign_off.assessment_id if sees_record and e.sign_off else None,
        )
        for e in events
    ]
    self_ratings = None
    if sees_record:
        self_ratings = [
            SelfRatingLine(r.rated_at, r.level, labels.get(r.level, ""), r.round, r.assessment_id)
            for r in SelfRating.objects.filter(
                assessment__person=person, competency=competency
            ).order_by("rated_at", "pk")
        ]
    required = next((level for c, level, _ in _requirements(person) if c == competency.pk), None)
    current = sign_offs[-1].level if sign_offs else None
    return CompetencyHistory(person, competency, required, current, sign_offs, self_ratings)


def _verifier(event: CapabilityEvent) -> str:
    if event.verified_elsewhere_by:
        return f"Verified elsewhere by {event.verified_elsewhere_by}"
    return event.signed_by.get_full_name() or event.signed_by.email


def _verifier_role(event: CapabilityEvent, roles: dict[int, str]) -> str:
    if event.verified_elsewhere_by:  # the role of whoever accepted the credential
        accepter = event.signed_by.get_full_name() or event.signed_by.email
        return f"credential accepted by {accepter}"
    return roles.get(event.signed_by_id, "")


def _source(event: CapabilityEvent) -> str:
    if event.withdraws_id:
        return "Withdrawn: a level verified elsewhere no longer counts"
    if event.verified_elsewhere_by:
        return "Accepted credential"
    return "Sign-off"


def _requirements(person: Person):
    profiles = selectors.Profiles([person.job_role_id])
    return profiles.requirements(person.job_role_id, person.stage, person.employer.path)


def _verifier_roles(person: Person, user_ids: set[int]) -> dict[int, str]:
    """Each verifier's role towards the person: their supervisor or mentor if they ever
    were, otherwise the verifier's own job role."""
    roles: dict[int, str] = {}
    for supervisor_id, kind in Supervision.objects.filter(
        person=person, supervisor_id__in=user_ids
    ).values_list("supervisor_id", "kind"):
        roles[supervisor_id] = SupervisionKind(kind).label
    for user_id, role in Person.objects.filter(user_id__in=user_ids - set(roles)).values_list(
        "user_id", "job_role__name"
    ):
        roles[user_id] = role
    return roles
