"""Maya Chaudhry, a PCN clinical pharmacist, signs in: her home page says what waits for her."""

from playwright.sync_api import expect

from capmap.accounts.models import User
from capmap.assessments import selectors, services
from capmap.demo.story import persona
from tests.system.conftest import DESKTOP, at_phone_width
from tests.system.steps import (
    given_the_demo_assessments_and_scheme,
    then_their_menu_offers,
    then_they_land_on_home_greeted_by_name,
    what_waits,
)


def test_practitioner_signs_in_and_sees_their_own_record_offered(signed_in_page, assert_accessible):
    # Given the demo story, with Maya a practitioner at The Nightingale Practice
    # When she signs in through the sign-in form
    page = signed_in_page("practitioner")
    # Then she lands on her home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "practitioner")
    # And her menu offers her organisation but no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations"], hides=["Audit trail"])
    # And her sections offer her own staff record
    sections = page.get_by_role("navigation", name="Your sections")
    expect(sections.get_by_role("link", name="My record")).to_be_visible()
    # And the page has no serious accessibility problems, at 1280 px or on a phone
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)


def test_practitioner_is_told_her_returned_self_assessment_waits_and_opens_it(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo, and Daniel returns Maya's submitted self-assessment with comments
    given_the_demo_assessments_and_scheme(demo_stages)
    daniel = User.objects.get(email=persona("supervisor")[0])
    [waiting] = selectors.sign_off_queue_rows(daniel)
    assessment = selectors.get_assessment(daniel, waiting.pk)
    services.return_assessment(
        actor=daniel, assessment=assessment, comment="Add an example for each level 3."
    )
    # When Maya signs in
    page = signed_in_page("practitioner")
    # Then her home page says her self-assessment came back to her, with what to do
    [waiting] = what_waits(page)
    assert waiting.startswith("Your supervisor returned your self-assessment against")
    assert "change your ratings and submit it again" in waiting
    # And the notification of the return is there too
    notifications = page.get_by_role("region", name="Notifications")
    expect(notifications.locator("li")).not_to_have_count(0)
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    # When she follows the link
    page.get_by_role("link", name="Your supervisor returned your self-assessment").click()
    # Then her self-assessment opens
    page.wait_for_url(f"**/assessments/{assessment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
