"""Helen Whitlock manages Cedar Road Surgery."""

from tests.system.steps import then_their_menu_offers, then_they_land_on_home_greeted_by_name


def test_practice_manager_signs_in_and_is_offered_their_people(signed_in_page, assert_accessible):
    # Given the demo story, with Helen the manager of Cedar Road Surgery
    # When she signs in through the sign-in form
    page = signed_in_page("practice_manager")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "practice_manager")
    # And her menu offers organisations and people but no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People"], hides=["Audit trail"])
    # And the page has no serious accessibility problems
    assert_accessible(page)
