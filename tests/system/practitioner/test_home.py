"""Maya Chaudhry, a PCN clinical pharmacist, signs in."""

from tests.system.steps import then_their_menu_offers, then_they_land_on_home_greeted_by_name


def test_practitioner_signs_in_and_sees_their_own_record_offered(signed_in_page, assert_accessible):
    # Given the demo story, with Maya a practitioner at Cedar Road Surgery
    # When she signs in through the sign-in form
    page = signed_in_page("practitioner")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "practitioner")
    # And her menu offers her organisation but no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations"], hides=["Audit trail"])
    # And her home page offers her own staff record
    assert page.get_by_role("link", name="My record").is_visible()
    # And the page has no serious accessibility problems
    assert_accessible(page)
