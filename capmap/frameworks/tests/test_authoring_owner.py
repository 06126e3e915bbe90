"""Whose a new framework, profile, pathway or course can be: the choices every authoring
form offers, and the owner the service accepts, both from the one policy."""

import pytest

from capmap.accounts.tests.factories import UserFactory
from capmap.core.exceptions import NotPermitted
from capmap.development.forms import TrainingForm
from capmap.frameworks.forms import ImportForm
from capmap.frameworks.selectors import LIBRARY, authoring_owner, authoring_owner_choices
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, OrganisationFactory, tree


@pytest.fixture
def t(db):
    return tree()


def test_a_manager_is_offered_their_own_tree_and_not_the_shared_library(t):
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    choices = authoring_owner_choices(manager)
    assert [label for _, label in choices] == [t.pcn_a.name, t.practice_a.name]
    assert authoring_owner(manager, str(t.pcn_a.pk)) == t.pcn_a
    with pytest.raises(NotPermitted, match="shared library"):
        authoring_owner(manager, LIBRARY)


def test_a_superuser_is_offered_the_shared_library_and_only_where_they_hold_a_role(t):
    superuser = UserFactory(is_superuser=True)
    assert authoring_owner_choices(superuser) == [(LIBRARY, "The shared library")]
    assert authoring_owner(superuser, LIBRARY) is None
    with pytest.raises(NotPermitted):
        authoring_owner(superuser, str(t.pcn_a.pk))


def test_a_user_of_another_organisation_is_offered_nothing_of_this_tree(t):
    stranger = MembershipFactory(organisation=OrganisationFactory(), role=Role.MANAGER).user
    offered = {value for value, _ in authoring_owner_choices(stranger)}
    assert not offered & {str(o.pk) for o in (t.ics, t.pcn_a, t.practice_a)}
    with pytest.raises(NotPermitted):
        authoring_owner(stranger, str(t.practice_a.pk))


def test_every_authoring_form_offers_the_same_owners(t):
    superuser = UserFactory(is_superuser=True)
    MembershipFactory(user=superuser, organisation=t.pcn_a, role=Role.ADMIN)
    expected = authoring_owner_choices(superuser)
    assert expected[0] == (LIBRARY, "The shared library")
    assert ImportForm(user=superuser).fields["owner"].choices == expected
    course = TrainingForm(user=superuser, competencies=[])
    assert course.fields["owner"].choices == expected
