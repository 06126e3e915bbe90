"""Reads of staff records, already scoped to the caller through the access policy."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from capmap.core.compiled import CompiledQuery
from capmap.organisations.models import Organisation, OrganisationKind

from . import policy
from .models import JobRole, Person, Supervision

SORTS: dict[str, list[str]] = {
    "name": ["last_name", "first_name", "pk"],
    "role": ["job_role__name", "last_name", "first_name", "pk"],
    "employer": ["employer__name", "last_name", "first_name", "pk"],
    "start": ["start_date", "last_name", "first_name", "pk"],
}
IN_POST = "in_post"
LEFT = "left"


def _running_on(day: date) -> QuerySet[Supervision]:
    return Supervision.objects.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


def _supervisions_of_person(person_id: int, day: date) -> QuerySet[Supervision]:
    return _running_on(day).filter(person_id=person_id).select_related("supervisor")


# A person's home page names who holds their submitted self-assessment (ADR 0027).
_SUPERVISIONS_OF_PERSON = CompiledQuery(_supervisions_of_person, int, date)


def active_supervisors_of(person: Person) -> list:
    """The users who supervise or mentor the person today (see active_supervisions)."""
    return [row.supervisor for row in _SUPERVISIONS_OF_PERSON(person.pk, timezone.localdate())]


def active_supervisions(
    user=None, on: date | None = None, *, person: Person | None = None
) -> QuerySet[Supervision]:
    """Supervisions running on a day (today by default): those the user (or user id)
    holds, those of the person, or with both, the user's of that person.

    The one reading of "active": a supervision starts on its first day and ends after
    its last; one without an end date runs on. Access across organisations, sign-off
    queues and reminders all follow it.
    """
    if user is None and person is None:
        raise TypeError("active_supervisions needs a user, a person or both.")
    rows = _running_on(on or timezone.localdate())
    if user is not None:
        rows = rows.filter(supervisor=user)
    if person is not None:
        rows = rows.filter(person=person)
    return rows


def people_for(user, action: str = policy.VIEW_PERSON) -> QuerySet[Person]:
    """People the user may take `action` on (see a staff record by default)."""
    return Person.objects.filter(policy.allowed_q(user, action)).select_related(
        "job_role", "employer", "user"
    )


def get_person(user, pk: int, action: str = policy.VIEW_PERSON) -> Person:
    """The person, or Person.DoesNotExist when the caller may not take `action` on them
    (by default: see their staff record)."""
    return people_for(user, action).prefetch_related("sites").get(pk=pk)


def get_person_to_manage(user, pk: int) -> Person:
    """The person, or Person.DoesNotExist when the caller may not change their record."""
    return people_for(user, policy.CHANGE_PERSON).prefetch_related("sites").get(pk=pk)


def _search_q(query: str) -> Q:
    """Every word must match a name, the e-mail address or the registration number."""
    q = Q()
    for word in query.split():
        q &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(registration_number__icontains=word)
        )
    return q


@dataclass(frozen=True)
class PeopleSearch:
    """What the people page searches by (PeopleFilterForm.search), and its plain values:
    a query compiled per caller's scope takes ids and paths, not model instances."""

    query: str = ""
    job_role: JobRole | None = None
    organisation: Organisation | None = None
    status: str = ""
    sort: str = "name"

    def filters(self) -> tuple[str, int | None, str | None, str]:
        return (
            self.query,
            self.job_role.pk if self.job_role is not None else None,
            self.organisation.path if self.organisation is not None else None,
            self.status,
        )


def search_people(user, **search) -> QuerySet[Person]:
    """The people the user may see matching PeopleSearch's keywords, sorted."""
    chosen = PeopleSearch(**search)
    return _search_by_values(user, *chosen.filters(), chosen.sort)


def _search_by_values(
    user,
    query: str,
    job_role_id: int | None,
    organisation_path: str | None,
    status: str,
    sort: str = "name",
) -> QuerySet[Person]:
    """search_people from plain values, as a query compiled per caller's scope builds it."""
    people = people_for(user).filter(_search_q(query))
    if job_role_id is not None:
        people = people.filter(job_role_id=job_role_id)
    if organisation_path is not None:
        people = people.filter(employer__path__startswith=organisation_path)
    today = policy.today(user)
    if status == IN_POST:
        people = people.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
    elif status == LEFT:
        people = people.filter(end_date__lt=today)
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS["name"])
    if descending:
        fields = [f"-{fields[0]}", *fields[1:]]
    return people.order_by(*fields)


# What a row of the people list shows: not the linked account, timestamps and contact
# details of each person, nor every column of their job role and employer.
LIST_FIELDS = (
    "first_name",
    "last_name",
    "stage",
    "start_date",
    "end_date",
    "job_role__name",
    "employer__name",
)


def _listed(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.select_related(None).select_related("job_role", "employer").only(*LIST_FIELDS)


def _page_of_people(caller, query, job_role_id, organisation_path, status, sort, start, stop):
    return _listed(_search_by_values(caller, query, job_role_id, organisation_path, status, sort))[
        start:stop
    ]


def _people_found(caller, query, job_role_id, organisation_path, status):
    found = _search_by_values(caller, query, job_role_id, organisation_path, status)
    return found.order_by().values_list("pk")


# The people page: a page of rows and how many there are, compiled per caller's scope and
# search (ADR 0029).
_PAGE_OF_PEOPLE = policy.per_scope(_page_of_people)
_PEOPLE_FOUND = policy.per_scope(_people_found, count=True)


class PeopleListing:
    """search_people's people (same keyword arguments) with only what the people page
    shows, as its paginator reads them: how many, and one page of rows."""

    def __init__(self, user, **search):
        chosen = PeopleSearch(**search)
        self._user = user
        self._filters = chosen.filters()
        self._sort = chosen.sort

    def count(self) -> int:
        return _PEOPLE_FOUND(self._user, *self._filters)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Person]:
        if not isinstance(window, slice):
            raise TypeError("A PeopleListing is read a page (a slice) at a time.")
        start, stop = window.start or 0, window.stop
        return _PAGE_OF_PEOPLE(self._user, *self._filters, self._sort, start, stop)


def organisations_to_filter_by(user) -> QuerySet[Organisation]:
    return policy.organisations(user, policy.VIEW_PEOPLE)


def employers_for(user) -> QuerySet[Organisation]:
    """Organisations where the user may add or change staff records."""
    return policy.organisations(user, policy.MANAGE_PEOPLE)


def job_roles() -> QuerySet[JobRole]:
    return JobRole.objects.all()


def linkable_user(actor, email: str):
    """A user with this e-mail who is a member somewhere the actor manages staff, or None."""
    User = get_user_model()
    return (
        User.objects.filter(email__iexact=email.strip())
        .filter(policy.allowed_q(actor, policy.MANAGE_PEOPLE, via="memberships__organisation__"))
        .distinct()
        .first()
    )


@dataclass(frozen=True)
class OrganisationSummary:
    """An admin's organisations at a glance: how many of each kind, staff in post, and
    leavers who can still sign in (their access is the admin's to remove)."""

    kinds: list[tuple[str, int]]  # (kind value, number), in the order of OrganisationKind
    staff_in_post: int
    leavers_with_access: int


def _organisation_kinds(caller) -> QuerySet:
    return (
        policy.organisations(caller)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("kind", "n")
    )


def _people_seen(caller) -> QuerySet[Person]:
    return Person.objects.filter(policy.allowed_q(caller, policy.VIEW_PERSON))


def _in_post(caller) -> QuerySet:
    today = policy.today(caller)
    return _people_seen(caller).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def _leavers_with_access(caller) -> QuerySet:
    today = policy.today(caller)
    return (
        _people_seen(caller)
        .filter(end_date__lt=today, user__memberships__isnull=False)
        .values_list("pk")
        .distinct()
    )


# An admin's home asks for all three (ADR 0029).
_ORGANISATION_KINDS = policy.per_scope(_organisation_kinds)
_IN_POST = policy.per_scope(lambda caller: _in_post(caller).values_list("pk"), count=True)
_LEAVERS_WITH_ACCESS = policy.per_scope(_leavers_with_access, count=True)


def organisation_summary(user) -> OrganisationSummary:
    counted = dict(_ORGANISATION_KINDS(user))
    kinds = [(kind.value, counted[kind.value]) for kind in OrganisationKind if counted.get(kind)]
    return OrganisationSummary(kinds, _IN_POST(user), _LEAVERS_WITH_ACCESS(user))
