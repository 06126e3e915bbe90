"""Grace Ellison leads the ICS workforce programme: her home page shows each scheme's state
and what is late."""

from playwright.sync_api import expect

from capmap.placements.demo import SCHEME_TITLE
from tests.system.conftest import DESKTOP, at_phone_width
from tests.system.steps import (
    given_the_demo_assessments_and_scheme,
    then_their_menu_offers,
    then_they_land_on_home_greeted_by_name,
)


def test_programme_lead_sees_her_scheme_and_what_is_late_and_opens_it(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo, with Grace's placement scheme running and sessions still to confirm
    given_the_demo_assessments_and_scheme(demo_stages)
    # When she signs in through the sign-in form
    page = signed_in_page("programme_lead")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "programme_lead")
    # And her menu offers organisations and people but, not being an admin, no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People"], hides=["Audit trail"])
    # And her scheme is listed with its state and what is late
    schemes = page.get_by_role("region", name="Placement schemes you lead")
    expect(schemes.get_by_role("link", name=SCHEME_TITLE)).to_be_visible()
    expect(schemes).to_contain_text("Running")
    expect(schemes).to_contain_text("completed their sessions")
    expect(schemes.get_by_role("link", name="wait for a mentor to confirm")).to_be_visible()
    # And the page has no serious accessibility problems, at 1280 px or on a phone
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    # When she opens the scheme
    schemes.get_by_role("link", name=SCHEME_TITLE).click()
    # Then its page opens
    expect(page.get_by_role("heading", level=1)).to_contain_text(SCHEME_TITLE)
