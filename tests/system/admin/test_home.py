"""Ada Okafor administers the demo's ICS, NHS North East London Integrated Care Board."""

from playwright.sync_api import expect

from capmap.demo.story import HOME_PCN
from tests.system.conftest import at_phone_width
from tests.system.steps import (
    then_one_menu_section_is_current,
    then_their_menu_offers,
    then_they_land_on_home_greeted_by_name,
    when_they_follow_the_menu_to,
)


def test_admin_signs_in_and_browses_organisations_and_people(signed_in_page, assert_accessible):
    # Given the demo story, with Ada an admin of the ICS
    # When she signs in through the sign-in form
    page = signed_in_page("admin")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "admin")
    # And her menu offers organisations, people and the audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People", "Audit trail"])
    # And her home page sums up her organisations
    summary = page.get_by_role("region", name="Your organisations")
    expect(summary).to_contain_text("1 integrated care system, 3 NHS trusts")
    expect(summary).to_contain_text("people in post")
    # And the page has no serious accessibility problems, at 1280 px or on a phone
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # When she opens the organisations list
    when_they_follow_the_menu_to(page, "Organisations")
    # Then she sees the trusts and PCNs of her ICS
    expect(page.get_by_text("Eastbrook Hospitals NHS Trust").first).to_be_visible()
    expect(page.get_by_text(HOME_PCN).first).to_be_visible()
    assert_accessible(page)

    # When she opens the people list
    when_they_follow_the_menu_to(page, "People")
    # Then she sees staff from across the ICS
    expect(page.get_by_text("Chaudhry").first).to_be_visible()
    assert_accessible(page)


def test_the_audit_trail_alone_is_the_current_section_on_its_page(signed_in_page):
    # Given Ada signed in
    page = signed_in_page("admin")
    # When she opens the audit trail
    page.goto("/organisations/audit/")
    # Then only "Audit trail" is marked in the menu, not "Organisations" too
    then_one_menu_section_is_current(page, "Audit trail")
