"""Daniel Osei, a hospital specialist pharmacist, mentors a PCN pharmacist: his home page
tells him what waits for him."""

from playwright.sync_api import expect

from tests.system.conftest import DESKTOP, at_phone_width
from tests.system.steps import (
    given_the_demo_assessments_and_scheme,
    then_one_menu_section_is_current,
    then_their_menu_offers,
    then_they_land_on_home_greeted_by_name,
    what_waits,
)


def test_mentor_is_told_a_self_assessment_waits_and_follows_the_link_to_it(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo, where Maya's self-assessment waits for her mentor Daniel
    given_the_demo_assessments_and_scheme(demo_stages)
    # When he signs in through the sign-in form
    page = signed_in_page("supervisor")
    # Then he lands on his home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "supervisor")
    # And it tells him what waits for him: the sign-off, her evidence and a session
    waiting = what_waits(page)
    assert waiting[0].startswith("1 self-assessment waits for your sign-off")
    assert any(line.startswith("2 pieces of evidence wait for your review") for line in waiting)
    assert any(line.startswith("1 placement session waits for you to confirm") for line in waiting)
    # And the notification of her submission is on his home page too
    notifications = page.get_by_role("region", name="Notifications")
    expect(notifications.get_by_role("link", name="Maya Chaudhry submitted")).to_be_visible()
    expect(notifications.get_by_role("link", name="See all notifications")).to_be_visible()
    # And his menu still offers people, but no audit trail
    then_their_menu_offers(page, offers=["Home", "People"], hides=["Audit trail"])
    then_one_menu_section_is_current(page, "Home")
    # And the page has no serious accessibility problems at 1280 px or on a phone
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    # When he follows the sign-off link
    page.get_by_role("link", name="1 self-assessment waits for your sign-off").click()
    # Then Maya's self-assessment is in his sign-off queue
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-off queue")
    expect(page.get_by_role("link", name="Maya Chaudhry")).to_be_visible()
    # And only "Sign-off queue" is underlined in the menu, not "My assessments" too
    then_one_menu_section_is_current(page, "Sign-off queue")


def test_mentor_with_nothing_waiting_is_told_so(signed_in_page, assert_accessible):
    # Given the demo story alone: nothing has been submitted yet
    # When Daniel signs in
    page = signed_in_page("supervisor")
    # Then his home page says nothing waits for him
    expect(page.get_by_role("region", name="What waits for you")).to_contain_text(
        "Nothing waits for you."
    )
    # And his sections are listed for navigation
    sections = page.get_by_role("navigation", name="Your sections")
    expect(sections.get_by_role("link", name="Sign-off queue")).to_be_visible()
    at_phone_width(page)
    # And on a phone the header folds its menu under "More" instead of filling the screen
    # (it took about 390 of 812 px when the NHS.UK scripts did not start; folded it is ~215)
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.locator(".nhsuk-header__menu-toggle")).to_be_visible()
    header = page.locator("header.nhsuk-header").bounding_box()
    assert header is not None and header["height"] < 250, header
    assert_accessible(page)
