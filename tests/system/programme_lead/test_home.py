"""Grace Ellison leads the ICS workforce programme (placements, outcomes, reports)."""

from tests.system.steps import then_their_menu_offers, then_they_land_on_home_greeted_by_name


def test_programme_lead_signs_in_and_is_offered_the_whole_ics(signed_in_page, assert_accessible):
    # Given the demo story, with Grace a manager at North East Thameside ICS
    # When she signs in through the sign-in form
    page = signed_in_page("programme_lead")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "programme_lead")
    # And her menu offers organisations and people but, not being an admin, no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People"], hides=["Audit trail"])
    # And the page has no serious accessibility problems
    assert_accessible(page)
