"""Reads of the evidence portfolio, already scoped to the caller by the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from capmap.core.workflow import with_status
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency
from capmap.people import policy
from capmap.people.models import Person

from .models import EvidenceItem, EvidenceReview


def evidence_for(user) -> QuerySet[EvidenceItem]:
    items = EvidenceItem.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, via="person__"))
    return with_status(items.select_related("person__employer", "added_by"))


def my_evidence_awaiting_review(user) -> QuerySet[EvidenceItem]:
    """The user's own evidence submitted and not yet reviewed: it waits on the supervisor."""
    if not user.is_authenticated:
        return EvidenceItem.objects.none()
    return evidence_for(user).filter(
        person__user=user,
        status=EvidenceReview.SUBMITTED,  # type: ignore[misc]  # annotated by with_status
    )


def evidence_of(user, person: Person) -> QuerySet[EvidenceItem]:
    return evidence_for(user).filter(person=person).prefetch_related("competencies")


def get_evidence(user, pk: int) -> EvidenceItem:
    """The item, or EvidenceItem.DoesNotExist when the caller may not see it."""
    return evidence_for(user).prefetch_related("competencies", "statuses__actor").get(pk=pk)


def competencies_for_person(person: Person) -> QuerySet[Competency]:
    """Competencies of the role profiles that apply to the person (their evidence may
    claim these)."""
    return (
        Competency.objects.filter(
            role_requirements__profile__in=framework_selectors.applicable_role_profiles(person)
        )
        .distinct()
        .order_by("version__framework__title", "domain__order", "order")
    )


def evidence_to_review(user) -> QuerySet[EvidenceItem]:
    """Submitted evidence of the people the user supervises or mentors now, not yet reviewed.

    Reviewing evidence is the supervisor's part of the assessment loop, so a manager's
    own list is their people's records, not this one."""
    people = sorted(policy.supervised_person_ids(user)) if user.is_authenticated else []
    if not people:
        return EvidenceItem.objects.none()
    return evidence_for(user).filter(
        person_id__in=people,
        status=EvidenceReview.SUBMITTED,  # type: ignore[misc]  # annotated by with_status
    )
