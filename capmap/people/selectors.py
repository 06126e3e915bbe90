"""Reads of staff records, already scoped to the caller through people/access.py."""

from django.db.models import QuerySet

from .access import people_visible_to
from .models import Person


def people_for(user) -> QuerySet[Person]:
    return people_visible_to(user).select_related("job_role", "employer")


def get_person(user, pk: int) -> Person:
    """The person, or Person.DoesNotExist when the caller may not see them."""
    return people_for(user).get(pk=pk)
