"""Who may see or change a staff record: organisation scope, oneself, or supervision.

Access to a person comes three ways: a membership role over their employer, being
that person, or an active supervision relationship (which crosses organisations and
ends with the relationship). Everything that lists or opens people goes through here.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from capmap.organisations import scoping

from . import selectors
from .models import Person


def person_access_q(user, permission: str = scoping.VIEW_PEOPLE) -> Q:
    """Filter for the people the user may see (or manage, with MANAGE_PEOPLE)."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    q = scoping.path_q(user, permission, "employer__path")
    if permission == scoping.VIEW_PEOPLE:
        q |= Q(user=user)
        q |= Exists(selectors.active_supervisions(user).filter(person=OuterRef("pk")))
    return q


def people_visible_to(user, permission: str = scoping.VIEW_PEOPLE) -> QuerySet[Person]:
    return Person.objects.filter(person_access_q(user, permission))


def can_view_person(user, person: Person) -> bool:
    if not user.is_authenticated:
        return False
    if person.user_id == user.pk or scoping.can(user, scoping.VIEW_PEOPLE, person.employer):
        return True
    return selectors.active_supervisions(user, person=person).exists()


def can_manage_person(user, person: Person) -> bool:
    return scoping.can(user, scoping.MANAGE_PEOPLE, person.employer)
