"""Samir, who manages Hackney Downs PCN, reads his clinical pharmacists' circle."""

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from capmap.development.demo import load_demo_development
from tests.system.conftest import at_phone_width
from tests.system.steps import when_they_follow_the_menu_to


@pytest.fixture
def capability_demo(demo_story, demo_stages) -> None:
    demo_stages.load(load_demo_development)


def test_pcn_manager_reads_the_team_circle_of_a_role(
    capability_demo, page: Page, signed_in_page, assert_accessible
):
    page.set_default_timeout(45_000)  # a busy shared machine: several SVGs a page
    # Given Samir signed in
    signed_in_page("pcn_manager")
    # When he opens Capability and his network's team circle
    when_they_follow_the_menu_to(page, "Capability")
    page.get_by_role("link", name=f"Team circle of {HOME_PCN}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team circle: {HOME_PCN}")
    # (the circle's script writes the focused segment into the caption: let it start first)
    page.wait_for_load_state()
    # Then he sees the median and the middle half of the most common role
    circle = page.locator("#team-circle-svg")
    expect(circle).to_be_visible()
    first = circle.locator(".app-circle__segment").first
    first.focus()
    label = page.evaluate("() => document.activeElement.getAttribute('aria-label')")
    assert "median verified level" in label and "middle half of the team" in label
    expect(page.locator(".app-circle-figure__caption")).to_have_text(label)
    expect(page.get_by_role("table", name="Team circle", exact=False)).to_be_visible()
    assert_accessible(page)
    # And he downloads it as SVG
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the circle as SVG").click()
    assert download.value.suggested_filename.endswith(".svg")
    # And it reads on a phone
    at_phone_width(page)
    page.reload()
    expect(page.locator("#team-circle-compact-svg")).to_be_visible()
    assert_accessible(page)
