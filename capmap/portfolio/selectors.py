"""Reads of the evidence portfolio, already scoped to the caller by the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from capmap.core.workflow import with_status
from capmap.people import policy
from capmap.people.models import Person

from .models import EvidenceItem


def evidence_for(user) -> QuerySet[EvidenceItem]:
    items = EvidenceItem.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, via="person__"))
    return with_status(items.select_related("person__employer", "added_by"))


def evidence_of(user, person: Person) -> QuerySet[EvidenceItem]:
    return evidence_for(user).filter(person=person).prefetch_related("competencies")


def get_evidence(user, pk: int) -> EvidenceItem:
    """The item, or EvidenceItem.DoesNotExist when the caller may not see it."""
    return evidence_for(user).prefetch_related("competencies", "statuses__actor").get(pk=pk)


def competencies_for_person(person: Person):
    """Competencies of the role profiles the person has been assessed against, or else of
    the published profiles for their job role."""
    from django.db.models import Q

    from capmap.frameworks.models import Competency

    ancestors = [p for p in person.employer.path.split("/") if p]
    return (
        Competency.objects.filter(
            role_requirements__profile__job_role=person.job_role,
            role_requirements__profile__version__status="published",
        )
        .filter(
            Q(role_requirements__profile__owner__isnull=True)
            | Q(role_requirements__profile__owner_id__in=ancestors)
        )
        .distinct()
        .order_by("version__framework__title", "domain__order", "order")
    )
