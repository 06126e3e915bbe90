"""Supervisions: the one service that starts and ends them, and the one "active" query."""

import datetime

import pytest
from auditlog.models import LogEntry

from capmap.accounts.tests.factories import UserFactory
from capmap.core.exceptions import DomainError, NotPermitted
from capmap.organisations.tests.factories import OrganisationFactory, tree
from capmap.people import services
from capmap.people.models import SupervisionKind
from capmap.people.selectors import active_supervisions
from capmap.people.tests.factories import PersonFactory, SupervisionFactory, manager_of

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def world():
    t = tree()
    return t, PersonFactory(employer=t.practice_a), UserFactory()


def test_a_manager_starts_a_supervision_and_the_audit_trail_names_them(world):
    t, person, mentor = world
    manager = manager_of(t.pcn_a)

    supervision = services.start_supervision(
        actor=manager,
        person=person,
        supervisor=mentor,
        kind=SupervisionKind.MENTOR,
        starts_on=TODAY,
    )

    entry = LogEntry.objects.get_for_object(supervision).get()
    assert entry.actor == manager
    assert entry.additional_data["organisation_path"] == t.practice_a.path
    assert list(active_supervisions(mentor, TODAY)) == [supervision]


def test_a_manager_of_a_sibling_pcn_or_another_ics_cannot_start_one(world):
    t, person, mentor = world
    for outsider in (manager_of(t.pcn_b), manager_of(OrganisationFactory(name="Other ICS"))):
        with pytest.raises(NotPermitted):
            services.start_supervision(
                actor=outsider, person=person, supervisor=mentor, kind="mentor", starts_on=TODAY
            )
    assert not active_supervisions(mentor, TODAY).exists()


def test_a_lead_checked_by_the_calling_service_may_start_one(world):
    _, person, mentor = world
    lead = UserFactory()

    supervision = services.start_supervision(
        actor=lead,
        person=person,
        supervisor=mentor,
        kind="mentor",
        starts_on=TODAY,
        lead_checked=True,
    )

    assert supervision.person == person


@pytest.mark.parametrize(
    ("kind", "ends_on", "message"),
    [
        ("friend", None, "Choose supervisor or mentor."),
        ("mentor", TODAY - datetime.timedelta(days=1), "on or after the start date"),
    ],
)
def test_a_supervision_must_be_a_known_kind_and_end_after_it_starts(world, kind, ends_on, message):
    t, person, mentor = world
    with pytest.raises(DomainError, match=message):
        services.start_supervision(
            actor=manager_of(t.pcn_a),
            person=person,
            supervisor=mentor,
            kind=kind,
            starts_on=TODAY,
            ends_on=ends_on,
        )


def test_nobody_supervises_themselves(world):
    t, person, _ = world
    person.user = UserFactory()
    person.save()
    with pytest.raises(DomainError, match="cannot supervise themselves"):
        services.start_supervision(
            actor=manager_of(t.pcn_a),
            person=person,
            supervisor=person.user,
            kind="mentor",
            starts_on=TODAY,
        )


def test_ending_a_supervision_ends_access_after_its_last_day(world):
    t, person, mentor = world
    supervision = SupervisionFactory(person=person, supervisor=mentor, starts_on=TODAY)
    last_day = TODAY + datetime.timedelta(days=10)

    services.end_supervision(actor=manager_of(t.pcn_a), supervision=supervision, ends_on=last_day)

    assert active_supervisions(mentor, last_day).exists()
    assert not active_supervisions(mentor, last_day + datetime.timedelta(days=1)).exists()


def test_only_the_persons_managers_may_end_a_supervision(world):
    t, person, mentor = world
    supervision = SupervisionFactory(person=person, supervisor=mentor, starts_on=TODAY)

    with pytest.raises(NotPermitted):
        services.end_supervision(actor=manager_of(t.pcn_b), supervision=supervision, ends_on=TODAY)


def test_active_supervisions_start_on_the_first_day_and_answer_by_person_too(world):
    _, person, mentor = world
    supervision = SupervisionFactory(
        person=person, supervisor=mentor, starts_on=TODAY, ends_on=TODAY
    )
    SupervisionFactory(supervisor=mentor, starts_on=TODAY)  # someone else's

    assert not active_supervisions(mentor, TODAY - datetime.timedelta(days=1)).exists()
    assert list(active_supervisions(on=TODAY, person=person)) == [supervision]
    assert list(active_supervisions(mentor, TODAY, person=person)) == [supervision]
    with pytest.raises(TypeError):
        active_supervisions()


def test_the_people_supervising_someone_today_are_those_of_their_active_supervisions(world):
    """A person's home page names them, from a compiled query of the one reading of active."""
    from django.utils import timezone

    from capmap.people.selectors import active_supervisors_of

    _, person, mentor = world
    today, day = timezone.localdate(), datetime.timedelta(days=1)
    SupervisionFactory(person=person, supervisor=mentor, starts_on=today, ends_on=today)
    SupervisionFactory(person=person, starts_on=today - 9 * day, ends_on=today - day)
    SupervisionFactory(person=person, starts_on=today + day)
    SupervisionFactory(supervisor=mentor, starts_on=today)  # someone else's
    expected = [row.supervisor for row in active_supervisions(person=person)]
    assert active_supervisors_of(person) == expected == [mentor]
    assert active_supervisors_of(PersonFactory()) == []
