"""Helen Whitlock manages The Nightingale Practice."""

from playwright.sync_api import expect

from capmap.demo.story import HOME_PRACTICE
from tests.system.conftest import at_phone_width
from tests.system.steps import (
    given_the_demo_assessments_and_scheme,
    then_their_menu_offers,
    then_they_land_on_home_greeted_by_name,
)


def test_practice_manager_signs_in_and_sees_her_practice_at_a_glance(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo, with Helen the manager of The Nightingale Practice
    given_the_demo_assessments_and_scheme(demo_stages)
    # When she signs in through the sign-in form
    page = signed_in_page("practice_manager")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "practice_manager")
    # And her menu offers organisations and people but no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People"], hides=["Audit trail"])
    # And she sees what waits for her and how her practice meets its role profiles
    expect(page.get_by_role("heading", name="What waits for you")).to_be_visible()
    team = page.get_by_role("region", name=f"How {HOME_PRACTICE} meets its role profiles")
    expect(
        team.get_by_role("link", name=f"See the capability map of {HOME_PRACTICE}")
    ).to_be_visible()
    # And the page has no serious accessibility problems, at 1280 px or on a phone
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
