"""Capability journeys: from the ICS heatmap to a person's plan, and pathway cover.

The demo's capability data comes from `capmap.development.demo.load_demo_development()`,
loaded here on top of the demo story.
"""

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN, ICS_NAME
from capmap.development.demo import load_demo_development
from tests.system.steps import when_they_follow_the_menu_to


@pytest.fixture
def capability_demo(demo_story, demo_stages) -> None:
    demo_stages.load(load_demo_development)


def test_programme_lead_goes_from_ics_heatmap_to_a_pcn_a_circle_and_a_plan(
    capability_demo, signed_in_page, assert_accessible
):
    # Given Grace, who leads the ICS, signed in
    page: Page = signed_in_page("programme_lead")
    # When she opens Capability and the ICS's heatmap
    when_they_follow_the_menu_to(page, "Capability")
    assert_accessible(page)
    page.get_by_role("link", name=ICS_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team capability: {ICS_NAME}")
    expect(page.get_by_role("link", name="Maya Chaudhry")).to_be_visible()
    assert_accessible(page)
    # And narrows it to Hackney Downs PCN with the organisation filter
    page.get_by_label("Team").select_option(label=HOME_PCN)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team capability: {HOME_PCN}")
    # Then she opens Maya's circle of competence, drawn with a table alternative
    page.get_by_role("link", name="Maya Chaudhry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Circle of competence: Maya Chaudhry")
    expect(page.locator("#circle-svg")).to_be_visible()
    expect(page.get_by_role("heading", name="Gaps against the role profile")).to_be_visible()
    assert_accessible(page)
    # And from there Maya's development plan, proposed from her gaps
    page.get_by_role("link", name="Development plan of Maya Chaudhry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development plan: Maya Chaudhry")
    expect(page.get_by_text("Proposed", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Agree this plan")).to_be_visible()
    assert_accessible(page)


def test_pcn_manager_checks_pathway_cover_and_gets_a_recruit_or_train_answer(
    capability_demo, signed_in_page, assert_accessible
):
    # Given Samir, who manages Hackney Downs PCN, signed in
    page: Page = signed_in_page("pcn_manager")
    # When he opens Capability: only his own network is offered
    when_they_follow_the_menu_to(page, "Capability")
    expect(page.get_by_role("link", name=ICS_NAME, exact=True)).to_have_count(0)
    page.get_by_role("link", name=f"Pathway coverage of {HOME_PCN}").click()
    assert_accessible(page)
    # And chooses the type 2 diabetes pathway
    page.get_by_role("link", name="Type 2 diabetes", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOME_PCN)
    expect(page.get_by_role("table", name="Who holds each capability")).to_be_visible()
    # Then he sees the recruit-or-train recommendation
    expect(page.get_by_role("heading", name="Recruit or train")).to_be_visible()
    assert_accessible(page)
    # And the training needs of his network link to training that addresses them
    page.goto(page.url.split("/pathways/")[0] + "/training-needs/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Training needs: {HOME_PCN}")
    assert_accessible(page)
