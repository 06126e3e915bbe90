"""The header marks one section as current: the longest menu link above the page."""

from capmap.config.navigation import Link, current_href

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
