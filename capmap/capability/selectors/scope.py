"""Whose capability a user may see: organisations, people, one person."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet

from capmap.organisations.models import Organisation
from capmap.people import policy
from capmap.people.models import JobRole, Person


def team_organisations(user) -> QuerySet[Organisation]:
    """Organisations whose capability the user may see: where they may see staff."""
    return policy.organisations(user, policy.VIEW_PEOPLE)


# The queries of every capability page, compiled once per caller's scope (ADR 0029).
_TEAM_LIST = policy.per_scope(
    lambda caller: team_organisations(caller).values_list("pk", "name", "kind", "path")
)
_TEAM_NAMES = policy.per_scope(lambda caller: team_organisations(caller).values_list("pk", "name"))
_TEAM_ORGANISATION = policy.per_scope(lambda caller, pk: team_organisations(caller).filter(pk=pk))


def team_list(user) -> list[tuple[int, str, str, str]]:
    """team_organisations as (pk, name, kind, path) rows in tree order: the teams page lists
    an ICS's 440 and shows nothing else of them."""
    return _TEAM_LIST(user)


def team_names(user) -> Callable[[], list[tuple[int, str]]]:
    """team_organisations as (pk, name) choices in tree order, read when first asked for."""
    return lambda: _TEAM_NAMES(user)


def get_team_organisation(user, pk: int) -> Organisation:
    """The organisation, or Organisation.DoesNotExist when it is out of the user's scope."""
    try:
        found = _TEAM_ORGANISATION(user, int(pk))
    except (TypeError, ValueError):
        found = []
    if not found:
        raise Organisation.DoesNotExist(f"No organisation {pk} in the user's scope.")
    return found[0]


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
    return team_people_under(user, organisation.path, job_role.pk if job_role else None, stage)


def team_people_under(
    user, path: str, job_role_id: int | None = None, stage: str = ""
) -> QuerySet[Person]:
    """team_people of the organisation at `path`, from plain values, as a query compiled
    per caller's scope builds it (ADR 0029)."""
    today = policy.today(user)
    people = Person.objects.filter(policy.allowed_q(user, policy.VIEW_LEVELS)).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today),
        employer__path__startswith=path,
    )
    if job_role_id is not None:
        people = people.filter(job_role_id=job_role_id)
    if stage:
        people = people.filter(stage=stage)
    return people
