"""Who may see a person's assessments and portfolio, and who may verify them.

Narrower than seeing a staff record: only the person themselves, their active
supervisors and mentors (who may work for another organisation, and lose access when
the relationship ends), and managers with MANAGE_PEOPLE over their employer.
"""

from django.db.models import Q, QuerySet

from capmap.organisations import scoping
from capmap.people.models import Person
from capmap.people.selectors import active_supervisions


def record_q(user, prefix: str = "") -> Q:
    """Filter on Person (or on a model through `prefix`, e.g. "person__")."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    q = Q(**{f"{prefix}user": user})
    q |= scoping.path_q(user, scoping.MANAGE_PEOPLE, f"{prefix}employer__path")
    people = active_supervisions(user).values("person")
    q |= Q(**{f"{prefix}in" if prefix else "pk__in": people})
    return q


def people_with_records_for(user) -> QuerySet[Person]:
    return Person.objects.filter(record_q(user))


def can_see_record(user, person: Person) -> bool:
    if not user or not user.is_authenticated:
        return False
    return person.user_id == user.pk or can_verify(user, person)


def is_supervising(user, person: Person) -> bool:
    return active_supervisions(user).filter(person=person).exists()


def can_verify(user, person: Person) -> bool:
    """Review evidence and sign off: an active supervisor or mentor, or a manager of the
    person's employer — never the person themselves."""
    if not user or not user.is_authenticated or person.user_id == user.pk:
        return False
    return is_supervising(user, person) or scoping.can(user, scoping.MANAGE_PEOPLE, person.employer)
