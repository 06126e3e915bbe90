"""Who may see or change a staff record: organisation scope, oneself, or supervision.

Access to a person comes three ways: a membership role over their employer, being
that person, or an active supervision relationship (which crosses organisations and
ends with the relationship). Everything that lists or opens people goes through here.
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from capmap.organisations import scoping

from .models import Person, Supervision


def active_supervisions(user, on: date | None = None) -> QuerySet[Supervision]:
    day = on or timezone.localdate()
    return Supervision.objects.filter(supervisor=user, starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def person_access_q(user, permission: str = scoping.VIEW_PEOPLE) -> Q:
    """Filter for the people the user may see (or manage, with MANAGE_PEOPLE)."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    q = scoping.path_q(user, permission, "employer__path")
    if permission == scoping.VIEW_PEOPLE:
        q |= Q(user=user)
        q |= Q(Exists(active_supervisions(user).filter(person=OuterRef("pk"))))
    return q


def people_visible_to(user, permission: str = scoping.VIEW_PEOPLE) -> QuerySet[Person]:
    return Person.objects.filter(person_access_q(user, permission))


def can_view_person(user, person: Person) -> bool:
    if not user.is_authenticated:
        return False
    if person.user_id == user.pk or scoping.can(user, scoping.VIEW_PEOPLE, person.employer):
        return True
    return active_supervisions(user).filter(person=person).exists()


def can_manage_person(user, person: Person) -> bool:
    return scoping.can(user, scoping.MANAGE_PEOPLE, person.employer)


def is_supervising(user, person: Person) -> bool:
    return active_supervisions(user).filter(person=person).exists()


def can_verify(user, person: Person) -> bool:
    """Review evidence and sign off: an active supervisor or mentor, or a manager of the
    person's employer — never the person themselves."""
    if not user or not user.is_authenticated or person.user_id == user.pk:
        return False
    return is_supervising(user, person) or scoping.can(user, scoping.MANAGE_PEOPLE, person.employer)


def can_see_record(user, person: Person) -> bool:
    """Assessments and portfolio: narrower than the staff record (see portfolio/access.py)."""
    if not user or not user.is_authenticated:
        return False
    return person.user_id == user.pk or can_verify(user, person)
