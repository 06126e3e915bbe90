"""Who may see a person's assessments and portfolio, and who may verify them.

Narrower than seeing a staff record: only the person themselves, their active
supervisors and mentors (who may work for another organisation, and lose access when
the relationship ends), and managers with MANAGE_PEOPLE over their employer.
"""

from django.db.models import Q, QuerySet

from capmap.organisations import scoping

# The yes/no checks live with the staff record, which links to these pages; portfolio and
# assessments read them from here.
from capmap.people.access import (  # noqa: F401
    active_supervisions,
    can_see_record,
    can_verify,
    is_supervising,
)
from capmap.people.models import Person


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
