"""The header marks one section as current: the longest menu link above the page."""

import pytest

from capmap.config.navigation import Link, current_href
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree

MENU = [
    Link("Home", "/"),
    Link("My assessments", "/assessments/"),
    Link("Sign-off queue", "/assessments/queue/"),
    Link("Assessment cycles", "/assessments/cycles/"),
    Link("Organisations", "/organisations/"),
    Link("Audit trail", "/organisations/audit/"),
    Link("People", "/people/"),
]


def test_the_sign_off_queue_is_its_own_section_not_also_my_assessments():
    assert current_href(MENU, "/assessments/queue/") == "/assessments/queue/"


def test_the_audit_trail_is_its_own_section_not_also_organisations():
    assert current_href(MENU, "/organisations/audit/") == "/organisations/audit/"
    assert current_href(MENU, "/organisations/audit/?page=2") == "/organisations/audit/"


def test_a_page_inside_a_section_marks_that_section():
    assert current_href(MENU, "/assessments/12/") == "/assessments/"
    assert current_href(MENU, "/organisations/4/members/") == "/organisations/"


def test_home_is_current_only_on_home():
    assert current_href(MENU, "/") == "/"
    assert current_href(MENU, "/reports/") is None


def test_a_link_is_not_a_prefix_of_a_longer_word():
    assert current_href([Link("People", "/people/")], "/peoplex/") is None


@pytest.mark.django_db
def test_each_person_gets_their_own_header_and_it_follows_a_change_of_role(client):
    """The header's HTML is kept for the same menu, never for the same person: a role
    taken away takes its section out of the next page's header."""
    t = tree()
    manager = MembershipFactory(organisation=t.practice_a, role=Role.MANAGER)
    practitioner = MembershipFactory(organisation=t.practice_a, role=Role.PRACTITIONER).user

    client.force_login(manager.user)
    page = client.get("/").content.decode()
    assert manager.user.email in page and ">People<" in page

    client.force_login(practitioner)
    page = client.get("/").content.decode()
    assert practitioner.email in page
    assert manager.user.email not in page and ">People<" not in page

    manager.delete()
    client.force_login(manager.user)
    assert ">People<" not in client.get("/").content.decode()
