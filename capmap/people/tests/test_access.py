"""Access to staff records: organisation scope, oneself, and supervision across organisations."""

import datetime

import pytest

from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.access import can_view_person, people_visible_to
from capmap.people.tests.factories import PersonFactory, SupervisionFactory

pytestmark = pytest.mark.django_db


def test_manager_of_another_pcn_sees_none_of_our_staff():
    t = tree()
    ours = PersonFactory(employer=t.practice_a)
    outsider = MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user
    assert list(people_visible_to(outsider)) == []
    assert not can_view_person(outsider, ours)


def test_hospital_mentor_sees_their_mentee_and_no_one_else_of_the_pcn():
    t = tree()
    mentee = PersonFactory(employer=t.practice_a)
    colleague = PersonFactory(employer=t.practice_a)
    mentor = MembershipFactory(organisation=t.trust, role=Role.SUPERVISOR).user
    SupervisionFactory(person=mentee, supervisor=mentor)
    visible = set(people_visible_to(mentor))
    assert mentee in visible
    assert colleague not in visible
    assert can_view_person(mentor, mentee)


def test_mentor_loses_access_when_the_relationship_ends():
    t = tree()
    mentee = PersonFactory(employer=t.practice_a)
    mentor = MembershipFactory(organisation=t.trust, role=Role.SUPERVISOR).user
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    SupervisionFactory(
        person=mentee,
        supervisor=mentor,
        starts_on=yesterday - datetime.timedelta(days=60),
        ends_on=yesterday,
    )
    assert mentee not in set(people_visible_to(mentor))
    assert not can_view_person(mentor, mentee)


def test_practitioner_sees_their_own_record():
    t = tree()
    membership = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER)
    me = PersonFactory(employer=t.practice_a, user=membership.user)
    PersonFactory(employer=t.practice_a)
    assert list(people_visible_to(membership.user)) == [me]
