"""The Impact menu entry is shown only to those who can use Impact: who see a dashboard, set
up activity types, or record activity for a role that has activity types."""

import pytest
from django.test import Client

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


def test_a_practitioner_whose_roles_activity_types_are_all_retired_is_not_offered_impact():
    from capmap.impact.models import ActivityType

    ActivityType.objects.filter(job_role__slug="clinical-pharmacist").update(active=False)
    t = tree()
    assert "Impact" not in menu(practitioner(t.practice_a, "clinical-pharmacist"))


def test_a_practitioners_entry_is_decided_from_their_own_record_in_one_query(
    django_assert_num_queries,
):
    """Every page's menu asks: for someone who records only their own activity, the
    question left after the request's user, memberships and supervisions are read is
    whether their role has an activity type, one query."""
    from capmap.accounts.backends import AuthenticationBackend
    from capmap.impact.selectors import may_use_impact
    from capmap.people import policy

    t = tree()
    user = AuthenticationBackend().get_user(practitioner(t.practice_a, "clinical-pharmacist").pk)
    policy.allows_anywhere(user, policy.VIEW_PEOPLE)  # memberships: read for the page anyway
    policy.supervisions(user)
    with django_assert_num_queries(1):
        assert may_use_impact(user)


def test_a_manager_who_sees_dashboards_is_offered_impact():
    t = tree()
    assert "Impact" in menu(manager_of(t.pcn_a))


def test_someone_without_any_membership_or_record_is_not_offered_impact():
    from capmap.accounts.tests.factories import UserFactory

    assert "Impact" not in menu(UserFactory())


# The same rule as the pages render it: the header menu and the home page's sections.


def impact_links_on(user, path: str = "/") -> int:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().count('href="/impact/"')


def test_a_practitioner_with_nothing_to_record_finds_no_impact_link_on_any_page():
    t = tree()
    user = practitioner(t.practice_a, "care-co-ordinator")
    assert impact_links_on(user, "/") == 0
    assert impact_links_on(user, "/assessments/") == 0


def test_a_manager_finds_impact_in_the_menu_and_on_the_home_page():
    t = tree()
    manager = manager_of(t.pcn_a)
    assert impact_links_on(manager, "/") == 2  # header menu and "Your sections"
    # The entry leads to their own PCN's dashboard, never another organisation's.
    client = Client()
    client.force_login(manager)
    page = client.get("/impact/").content.decode()
    assert t.pcn_a.name in page
    assert t.pcn_b.name not in page
