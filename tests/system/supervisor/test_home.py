"""Daniel Osei, a hospital specialist pharmacist, mentors a PCN pharmacist."""

from tests.system.steps import then_their_menu_offers, then_they_land_on_home_greeted_by_name


def test_mentor_signs_in_and_is_offered_people(signed_in_page, assert_accessible):
    # Given the demo story, with Daniel a supervisor at Eastbrook Hospitals who mentors Maya
    # When he signs in through the sign-in form
    page = signed_in_page("supervisor")
    # Then he lands on his home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "supervisor")
    # And his menu offers people (his trust's staff and his mentee) but no audit trail
    then_their_menu_offers(page, offers=["Home", "People"], hides=["Audit trail"])
    # And the page has no serious accessibility problems
    assert_accessible(page)
