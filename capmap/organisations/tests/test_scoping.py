"""The permission layer: roles apply to an organisation and its descendants, nothing else."""

import pytest

from capmap.organisations import scoping
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

pytestmark = pytest.mark.django_db


def test_pcn_manager_sees_their_pcn_and_its_practices_only():
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    visible = set(scoping.organisation_scope(manager))
    assert visible == {t.pcn_a, t.practice_a}


def test_ics_admin_sees_the_whole_ics():
    t = tree()
    admin = MembershipFactory(organisation=t.ics, role=Role.ADMIN).user
    assert scoping.organisation_scope(admin).count() == 6


def test_practitioner_cannot_view_people_of_their_practice():
    t = tree()
    practitioner = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER).user
    assert not scoping.can(practitioner, scoping.VIEW_PEOPLE, t.practice_a)
    assert scoping.can(practitioner, scoping.VIEW_ORGANISATION, t.practice_a)


def test_manager_cannot_grant_admin():
    t = tree()
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    assert Role.ADMIN not in scoping.grantable_roles(manager, t.practice_a)
    assert Role.SUPERVISOR in scoping.grantable_roles(manager, t.practice_a)
    assert scoping.grantable_roles(manager, t.pcn_b) == []
