"""A PCN manager keeps Hackney Downs' training catalogue: adds a course and maps it to the
competencies it builds, then finds it by search. Every page is checked with axe at
1280 px and at 375 px.
"""

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from capmap.development.demo import load_demo_development
from tests.system.conftest import DESKTOP, at_phone_width
from tests.system.steps import when_they_follow_the_menu_to


@pytest.fixture
def catalogue_demo(demo_story, demo_stages, live_server) -> None:
    demo_stages.load(load_demo_development)


def at_both_widths(page: Page, assert_accessible) -> None:
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)


def test_pcn_manager_adds_a_course_and_maps_it_to_competencies(
    catalogue_demo, signed_in_page, assert_accessible
):
    # Given Samir, who manages Hackney Downs PCN, signed in
    page: Page = signed_in_page("pcn_manager")
    # When he opens the training catalogue from the frameworks page
    when_they_follow_the_menu_to(page, "Frameworks")
    page.get_by_role("link", name="Training catalogue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training catalogue")
    expect(page.get_by_role("link", name="Structured medication reviews")).to_be_visible()
    at_both_widths(page, assert_accessible)
    # And adds a course, forgetting its title at first
    page.get_by_role("link", name="Add a course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a course")
    at_both_widths(page, assert_accessible)
    page.get_by_label("Provider").fill("Hackney Downs training hub")
    page.get_by_label("Kind of training").select_option(label="Workshop")
    page.get_by_label("Hours").fill("3.5")
    page.get_by_label("Cost in pounds").fill("40")
    page.get_by_label("Whose catalogue is it in").select_option(label=HOME_PCN)
    page.get_by_text("Clinical pharmacist in general practice").click()
    page.get_by_label("CP.C3 Monitors high-risk medicines").check()
    page.get_by_label("CP.B3 Interprets blood results for medicines safety").check()
    page.get_by_role("button", name="Add the course").click()
    # Then he is told what to fix, and his choices are kept
    expect(page.get_by_role("alert")).to_contain_text("Enter the course title")
    expect(page.get_by_label("CP.C3 Monitors high-risk medicines")).to_be_checked()
    at_both_widths(page, assert_accessible)
    page.get_by_label("Course title").fill("Anticoagulant monitoring workshop")
    page.get_by_role("button", name="Add the course").click()
    # And the catalogue lists the course, in Hackney Downs' catalogue, with what it builds
    expect(page.get_by_text("Anticoagulant monitoring workshop added")).to_be_visible()
    page.get_by_label("Search by title or provider").fill("anticoagulant")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text="Anticoagulant monitoring workshop")
    expect(row).to_contain_text("CP.C3 Monitors high-risk medicines")
    expect(row).to_contain_text(HOME_PCN)
    at_both_widths(page, assert_accessible)
    # When he changes it to build one competency only
    page.get_by_role("link", name="Change Anticoagulant monitoring workshop").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change Anticoagulant monitoring workshop"
    )
    at_both_widths(page, assert_accessible)
    page.get_by_label("CP.B3 Interprets blood results for medicines safety").uncheck()
    page.get_by_role("button", name="Save the course").click()
    expect(page.get_by_text("Anticoagulant monitoring workshop saved")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Anticoagulant monitoring workshop")
    expect(row).not_to_contain_text("CP.B3")
