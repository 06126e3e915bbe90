"""Maya (a PCN clinical pharmacist) self-assesses, adds evidence and submits; Daniel, her
hospital mentor, reviews, returns, and signs off; her scope of practice then shows it.
Every page is checked with axe."""

import re

from playwright.sync_api import Page, expect

from capmap.frameworks.library import load_starter_library
from tests.system.steps import when_they_follow_the_menu_to


def _rate_every_domain(page: Page, level: str, assert_accessible) -> None:
    forms = page.locator("form:has(input[type=radio])")
    for index in range(forms.count()):
        form = page.locator("form:has(input[type=radio])").nth(index)
        for radio in form.locator(f'input[type=radio][value="{level}"]').all():
            radio.check(force=True)
        form.get_by_role("button", name=re.compile("^Save")).click()
        page.wait_for_load_state()
        expect(page.locator(".nhsuk-notification-banner")).to_contain_text("saved")
    assert_accessible(page)


def test_practitioner_and_mentor_journeys(signed_in_page, assert_accessible):
    load_starter_library()
    # Given Maya, a junior clinical pharmacist, signed in
    page = signed_in_page("practitioner")
    # When she follows "My assessments" and starts against her role profile
    when_they_follow_the_menu_to(page, "My assessments")
    assert_accessible(page)
    profiles = page.get_by_label("Role profile")
    junior = profiles.locator("option", has_text=re.compile("junior", re.I)).first
    profiles.select_option(junior.get_attribute("value"))
    page.get_by_role("button", name="Start or continue").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assessment_url = page.url
    assert_accessible(page)
    # And rates herself, domain by domain
    _rate_every_domain(page, "2", assert_accessible)
    # And adds a piece of evidence
    page.get_by_role("link", name="Add evidence").click()
    assert_accessible(page)
    page.get_by_label("Kind of evidence").select_option("dops")
    page.get_by_label("Title").fill("Observed medication review")
    page.get_by_label("Date").fill("2026-11-02")
    page.locator('input[name="competencies"]').first.check(force=True)
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Observed medication review")
    assert_accessible(page)
    # And submits
    page.goto(assessment_url)
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator("body")).to_contain_text("Submitted")
    page.context.clear_cookies()

    # Given Daniel, her hospital mentor, signed in
    page = signed_in_page("supervisor")
    # When he opens his sign-off queue and her review
    when_they_follow_the_menu_to(page, "Sign-off queue")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Maya")).click()
    assert_accessible(page)
    # And rates one level lower throughout, checks differences and returns it
    for radio in page.locator('input[type=radio][value="1"][name^="level-"]').all():
        radio.check(force=True)
    page.get_by_role("button", name="Check differences").click()
    expect(page.locator("body")).to_contain_text("Self-rating 1 level higher")
    assert_accessible(page)
    page.get_by_label(re.compile("Comments for")).fill("Please add evidence for each domain.")
    page.get_by_role("button", name="Return with comments").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("returned")
    page.context.clear_cookies()

    # Then Maya sees why, and submits again
    page = signed_in_page("practitioner")
    page.goto(assessment_url)
    expect(page.locator("body")).to_contain_text("Please add evidence for each domain.")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("sent to your supervisor")
    page.context.clear_cookies()

    # And Daniel signs it off
    page = signed_in_page("supervisor")
    when_they_follow_the_menu_to(page, "Sign-off queue")
    page.get_by_role("link", name=re.compile("Maya")).click()
    for radio in page.locator('input[type=radio][value="2"][name^="level-"]').all():
        radio.check(force=True)
    page.get_by_role("button", name="Sign off", exact=True).click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("signed off")
    # Then her scope of practice shows the sign-off, by him
    page.goto(assessment_url)
    page.get_by_role("link", name="Scope of practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scope of practice")
    expect(page.locator("table").first).to_contain_text("Daniel")
    assert_accessible(page)
