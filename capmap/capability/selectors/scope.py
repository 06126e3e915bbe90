"""Whose capability a user may see: organisations, people, one person."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person


def team_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose capability the user may see: where they may see staff."""
    return policy.organisations(user, policy.VIEW_PEOPLE)


def team_list(user) -> list[tuple[int, str, str, str]]:
    """team_organisations as (pk, name, kind, path) rows in tree order: the teams page lists
    an ICS's 440 and shows nothing else of them."""
    return list(team_organisations(user).values_list("pk", "name", "kind", "path"))


def team_names(user) -> Callable[[], list[tuple[int, str]]]:
    """team_organisations as (pk, name) choices in tree order, read when first asked for."""
    return lambda: list(team_organisations(user).values_list("pk", "name"))


def get_team_organisation(user, pk: int) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when it is out of the user's scope."""
    return team_organisations(user).get(pk=pk)


def get_person(user, pk: int) -> Person:
    """A person whose verified levels the user may see (whoever sees their staff record)."""
    return (
        Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS))
        .select_related("job_role", "employer")
        .get(pk=pk)
    )


def own_person(user) -> Person | None:
    """The user's own staff record in post, if they have one they may see."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS), user=user)
        .order_by("-start_date", "-pk")
        .first()
    )


def team_people(
    user,
    organisation: Organisation,
    *,
    job_role: JobRole | None = None,
    stage: str = "",
) -> QuerySet[Person]:
    """Staff in post in the organisation's subtree that the user may see."""
    today = timezone.localdate()
    people = Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        employer__path__startswith=organisation.path,
    )
    if job_role is not None:
        people = people.filter(job_role=job_role)
    if stage:
        people = people.filter(stage=stage)
    return people
