"""A query compiled once a process gives what the queryset gives, for every caller's own
values, and a shape whose SQL depends on its values is refused when it is first run."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capmap.accounts.backends import AuthenticationBackend
from capmap.accounts.tests.factories import UserFactory
from capmap.core.compiled import CompiledQuery
from capmap.organisations import scoping
from capmap.organisations.models import Organisation, Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory
from capmap.people import policy
from capmap.people.models import Person, Supervision
from capmap.people.tests.factories import PersonFactory, SupervisionFactory

pytestmark = pytest.mark.django_db

PEOPLE_OF_EMPLOYER_SINCE = CompiledQuery(
    lambda employer_id, since: (
        Person.objects.select_related("employer", "job_role")
        .filter(employer_id=employer_id, start_date__gte=since)
        .order_by("pk")
    ),
    int,
    datetime.date,
)
NAMES_OF_EMPLOYER = CompiledQuery(
    lambda employer_id: (
        Person.objects.filter(employer_id=employer_id)
        .order_by("last_name")
        .values_list("last_name", flat=True)
    ),
    int,
)
ORGANISATION_BY_CODE = CompiledQuery(
    lambda code: Organisation.objects.filter(ods_code=code).values_list("name", "kind"), str
)


def test_model_rows_come_with_their_related_records_and_match_the_queryset():
    practice, other = OrganisationFactory(), OrganisationFactory()
    early = PersonFactory(employer=practice, start_date=datetime.date(2023, 1, 1))
    late = PersonFactory(employer=practice, start_date=datetime.date(2025, 6, 1))
    PersonFactory(employer=other, start_date=datetime.date(2025, 6, 1))

    for since, expected in [
        (datetime.date(2020, 1, 1), [early, late]),
        (datetime.date(2024, 1, 1), [late]),
    ]:
        people = PEOPLE_OF_EMPLOYER_SINCE(practice.pk, since)
        assert people == expected
        assert [p.start_date for p in people] == [p.start_date for p in expected]
        with CaptureQueriesContext(connection) as queries:
            assert {p.employer.name for p in people} == {practice.name}
            assert all(p.job_role.name for p in people)
        assert len(queries) == 0, "the employer and job role came in the same query"

    assert PEOPLE_OF_EMPLOYER_SINCE(other.pk, datetime.date(2026, 1, 1)) == []


def test_value_rows_and_flat_values_match_the_queryset():
    practice = OrganisationFactory(ods_code="F86001")
    OrganisationFactory(ods_code="F86002")
    for name in ["Zed", "Adams", "Moss"]:
        PersonFactory(employer=practice, last_name=name)
    PersonFactory(last_name="Elsewhere")

    assert NAMES_OF_EMPLOYER(practice.pk) == ["Adams", "Moss", "Zed"]
    assert ORGANISATION_BY_CODE(practice.ods_code) == [(practice.name, practice.kind)]
    assert ORGANISATION_BY_CODE("NO-SUCH-CODE") == []


def test_each_call_is_one_query_in_the_log():
    practice = OrganisationFactory()
    NAMES_OF_EMPLOYER(practice.pk)
    with CaptureQueriesContext(connection) as queries:
        NAMES_OF_EMPLOYER(practice.pk)
    assert len(queries) == 1


def test_a_shape_whose_sql_depends_on_its_values_is_refused():
    expands_a_list = CompiledQuery(
        lambda first: Organisation.objects.filter(pk__in=range(1, max(2, -first % 5))), int
    )
    wraps_its_value = CompiledQuery(
        lambda name: Organisation.objects.filter(name__contains=name), str
    )
    never_uses_it = CompiledQuery(lambda employer_id: Organisation.objects.all(), int)
    prefetches = CompiledQuery(
        lambda pk: Organisation.objects.filter(pk=pk).prefetch_related("children"), int
    )
    for shape in [expands_a_list, wraps_its_value, never_uses_it, prefetches]:
        with pytest.raises(ImproperlyConfigured):
            shape(1) if shape is not wraps_its_value else shape("x")


def test_the_signed_in_user_is_read_with_their_staff_record_and_only_if_active():
    user = UserFactory()
    person = PersonFactory(user=user)
    backend = AuthenticationBackend()

    read = backend.get_user(user.pk)
    assert read == user
    with CaptureQueriesContext(connection) as queries:
        assert read.person == person
        assert read.person.employer == person.employer
        assert read.person.job_role == person.job_role
    assert len(queries) == 0

    without_record = UserFactory()
    assert backend.get_user(without_record.pk).pk == without_record.pk
    assert backend.get_user(str(user.pk)) == user
    assert backend.get_user(999_999_999) is None
    assert backend.get_user("not a number") is None
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None


def test_memberships_and_supervisions_are_the_users_own():
    user, stranger = UserFactory(), UserFactory()
    practice = OrganisationFactory()
    MembershipFactory(user=user, organisation=practice, role=Role.SUPERVISOR)
    MembershipFactory(user=stranger, organisation=OrganisationFactory(), role=Role.ADMIN)
    today = datetime.date.today()
    current = SupervisionFactory(supervisor=user)
    SupervisionFactory(supervisor=user, ends_on=today - datetime.timedelta(days=1))
    SupervisionFactory(supervisor=stranger)

    assert scoping.holds_role(user, Role.SUPERVISOR)
    assert not scoping.holds_role(user, Role.ADMIN)
    assert scoping.scope_paths(user, scoping.VIEW_PEOPLE) == [practice.path]
    assert policy.supervisions(user) == [(current.pk, current.person_id)]
    Supervision.objects.filter(pk=current.pk).update(starts_on=today + datetime.timedelta(days=1))
    fresh = get_user_model().objects.get(pk=user.pk)
    assert policy.supervisions(fresh) == []
    assert policy.supervisions(fresh, on=today + datetime.timedelta(days=2)) == [
        (current.pk, current.person_id)
    ]
    assert not scoping.holds_role(stranger, Role.SUPERVISOR)
    assert policy.supervisions(stranger) != policy.supervisions(user)
