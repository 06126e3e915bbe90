"""Samir Haddad manages Leaside PCN."""

from tests.system.steps import then_their_menu_offers, then_they_land_on_home_greeted_by_name


def test_pcn_manager_signs_in_and_is_offered_their_network(signed_in_page, assert_accessible):
    # Given the demo story, with Samir the manager of Leaside PCN
    # When he signs in through the sign-in form
    page = signed_in_page("pcn_manager")
    # Then he lands on his home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "pcn_manager")
    # And his menu offers organisations and people but no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People"], hides=["Audit trail"])
    # And the page has no serious accessibility problems
    assert_accessible(page)
