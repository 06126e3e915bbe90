"""Reads of the evidence portfolio, already scoped to the caller by the access policy."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from capmap.core.compiled import CompiledQuery
from capmap.core.workflow import with_status
from capmap.frameworks import selectors as framework_selectors
from capmap.frameworks.models import Competency
from capmap.people import policy
from capmap.people import selectors as people_selectors
from capmap.people.models import Person

from .models import EvidenceItem, EvidenceReview


def evidence_for(user) -> QuerySet[EvidenceItem]:
    items = EvidenceItem.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, via="person__"))
    return with_status(items.select_related("person__employer", "added_by"))


def _own_evidence_awaiting_review(user_id: int) -> QuerySet[EvidenceItem, int]:
    return (
        with_status(EvidenceItem.objects.all())
        .filter(person__user_id=user_id, status=EvidenceReview.SUBMITTED)  # type: ignore[misc]
        .values_list("pk", flat=True)
    )


# Every home page of someone with a staff record asks (ADR 0027).
_OWN_EVIDENCE_AWAITING_REVIEW = CompiledQuery(_own_evidence_awaiting_review, int)


def my_evidence_awaiting_review(user) -> int:
    """How many pieces of the user's own evidence are submitted and not yet reviewed: they
    wait on the supervisor."""
    own = policy.own_rows(user, policy.VIEW_RECORD, _OWN_EVIDENCE_AWAITING_REVIEW, "person__")
    return len(own)


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


def _evidence_waiting_on(supervisor_id: int, day: date) -> QuerySet[EvidenceItem, int]:
    """Whose submitted, unreviewed evidence waits on the supervisor on the day: one person id
    an item, for the people they supervise or mentor."""
    supervised = people_selectors.active_supervisions(supervisor_id, on=day).values("person_id")
    return (
        with_status(EvidenceItem.objects.all())
        .filter(person_id__in=supervised, status=EvidenceReview.SUBMITTED)
        .values_list("person_id", flat=True)
    )


# Every supervisor's home page asks (ADR 0027).
_EVIDENCE_WAITING_ON = CompiledQuery(_evidence_waiting_on, int, date)


def evidence_owners_to_review(user) -> list[int]:
    """The person of each piece of submitted evidence, not yet reviewed, of the people the
    user supervises or mentors now.

    Reviewing evidence is the supervisor's part of the assessment loop, so a manager's
    own list is their people's records, not this one."""
    return policy.supervised_rows(user, policy.VIEW_RECORD, _EVIDENCE_WAITING_ON, via="person__")
