"""The Impact menu entry is shown only to those who can use Impact: who see a dashboard, set
up activity types, or record activity for a role that has activity types."""

import pytest

from capmap.config.navigation import navigation_links
from capmap.impact.tests.factories import activity
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role, manager_of

pytestmark = pytest.mark.django_db


def menu(user) -> list[str]:
    return [link.text for link in navigation_links(user)]


def practitioner(organisation, role_slug: str):
    user = MembershipFactory(organisation=organisation, role=Role.PRACTITIONER).user
    PersonFactory(employer=organisation, job_role=job_role(role_slug), user=user)
    return user


def test_a_practitioner_whose_role_has_no_activity_types_is_not_offered_impact():
    t = tree()
    user = practitioner(t.practice_a, "care-co-ordinator")
    assert "Impact" not in menu(user)
    assert "Organisations" in menu(user)  # the rest of the menu is unchanged


def test_a_practitioner_who_records_their_own_activity_is_offered_impact():
    activity("structured-medication-reviews")  # the clinical pharmacist's seeded types
    t = tree()
    assert "Impact" in menu(practitioner(t.practice_a, "clinical-pharmacist"))


def test_a_manager_who_sees_dashboards_is_offered_impact():
    t = tree()
    assert "Impact" in menu(manager_of(t.pcn_a))


def test_someone_without_any_membership_or_record_is_not_offered_impact():
    from capmap.accounts.tests.factories import UserFactory

    assert "Impact" not in menu(UserFactory())
