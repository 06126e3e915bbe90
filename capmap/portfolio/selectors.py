"""Reads of the evidence portfolio, already scoped to the caller (see access.py)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency
from capmap.people.models import Person

from . import access
from .models import EvidenceItem, EvidenceStatus


def latest_status_subquery(field: str = "status") -> Subquery:
    rows = EvidenceStatus.objects.filter(evidence=OuterRef("pk")).order_by("-at", "-pk")
    return Subquery(rows.values(field)[:1])


def evidence_for(user) -> QuerySet[EvidenceItem]:
    return (
        EvidenceItem.objects.filter(access.record_q(user, "person__"))
        .select_related("person__employer", "added_by")
        .annotate(
            status=latest_status_subquery(),
            status_comment=latest_status_subquery("comment"),
        )
    )


def evidence_of(user, person: Person) -> QuerySet[EvidenceItem]:
    return evidence_for(user).filter(person=person).prefetch_related("competencies")


def get_evidence(user, pk: int) -> EvidenceItem:
    """The item, or EvidenceItem.DoesNotExist when the caller may not see it."""
    return evidence_for(user).prefetch_related("competencies", "statuses__actor").get(pk=pk)


def get_person_record(user, pk: int) -> Person:
    """A person whose assessments and portfolio the caller may see, or Person.DoesNotExist."""
    return (
        access.people_with_records_for(user)
        .select_related("employer", "job_role", "user")
        .get(pk=pk)
    )


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
