"""Reads for people's rights over their data, scoped by the one access policy."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import Person

from .models import CorrectionRequest, ErasureRecord, SubjectAccessExport


def person_by_email(email: str) -> Person:
    """The one staff record with this e-mail address (its own or its account's), for the
    command line. Person.DoesNotExist or Person.MultipleObjectsReturned otherwise."""
    email = email.strip().lower()
    matches = Person.objects.filter(Q(email__iexact=email) | Q(user__email__iexact=email))
    return matches.select_related("user", "employer").distinct().get()


def person_to_export(user, pk: int) -> Person:
    return Person.objects.filter(policy.allowed_q(user, policy.EXPORT_PERSONAL_DATA)).get(pk=pk)


def person_to_erase(user, pk: int) -> Person:
    rows = Person.objects.filter(policy.allowed_q(user, policy.ERASE_PERSON))
    return rows.select_related("user", "employer").get(pk=pk)


def may_erase(user, person: Person) -> bool:
    return policy.allows(user, policy.ERASE_PERSON, person)


def exports_of(user, person: Person) -> QuerySet[SubjectAccessExport]:
    """The user's own requests for exports about this person."""
    return SubjectAccessExport.objects.filter(requested_by=user, person=person)


def get_export(user, public_id) -> SubjectAccessExport:
    """The user's export, while they may still export its person; DoesNotExist otherwise."""
    export = SubjectAccessExport.objects.select_related("person", "person__employer").get(
        requested_by=user, public_id=public_id
    )
    if export.person is None or not policy.allows(user, policy.EXPORT_PERSONAL_DATA, export.person):
        raise SubjectAccessExport.DoesNotExist
    return export


def erasure_of(person: Person) -> ErasureRecord | None:
    return ErasureRecord.objects.filter(person_id_erased=person.pk).first()


def corrections_of(person: Person) -> QuerySet[CorrectionRequest]:
    return CorrectionRequest.objects.filter(person=person)


def may_decide_corrections(user, person: Person) -> bool:
    return policy.allows(user, policy.APPROVE_CORRECTION, person)


def correction_to_decide(user, pk: int) -> CorrectionRequest:
    rows = CorrectionRequest.objects.filter(
        policy.allowed_q(user, policy.APPROVE_CORRECTION, via="person__")
    )
    return rows.select_related("person").get(pk=pk)


def organisation_for_retention(user, pk: int) -> Organisation:
    """An organisation whose retention schedule the user may set (manage_organisations over
    it); Organisation.DoesNotExist otherwise."""
    rows = Organisation.objects.filter(policy.allowed_q(user, policy.MANAGE_ORGANISATIONS))
    return rows.get(pk=pk)
