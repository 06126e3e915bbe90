"""Samir, who manages Hackney Downs PCN, prints his clinical pharmacists' team circle: the print
button opens the browser's print, and the printed page is the circle and its table only."""

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from capmap.development.demo import load_demo_development
from tests.system.conftest import at_phone_width
from tests.system.steps import when_they_follow_the_menu_to


@pytest.fixture
def capability_demo(demo_story, demo_stages) -> None:
    demo_stages.load(load_demo_development)


def then_the_printed_page_is_the_circle_and_its_table(page: Page) -> None:
    page.emulate_media(media="print")
    expect(page.locator("#team-circle-svg")).to_be_visible()
    expect(page.locator("#team-circle-compact-svg")).to_be_hidden()
    expect(page.locator("table.app-circle-table")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team circle: {HOME_PCN}")
    # No header, breadcrumbs, role chooser or download buttons on paper
    for hidden in (
        ".nhsuk-header",
        ".nhsuk-breadcrumb",
        ".app-circle-downloads",
        "form.app-circle-compare",
    ):
        expect(page.locator(hidden).first).to_be_hidden()
    page.emulate_media(media="screen")


def test_pcn_manager_prints_the_team_circle(
    capability_demo, page: Page, signed_in_page, assert_accessible
):
    page.set_default_timeout(45_000)  # a busy shared machine: several SVGs a page
    # Given Samir signed in, with the browser's print dialog recorded instead of opened
    page.add_init_script(
        "window.print = () => { window.__printed = (window.__printed || 0) + 1; };"
    )
    signed_in_page("pcn_manager")
    # When he opens his network's team circle
    when_they_follow_the_menu_to(page, "Capability")
    page.get_by_role("link", name=f"Team circle of {HOME_PCN}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team circle: {HOME_PCN}")
    assert_accessible(page)
    # And presses Print
    page.get_by_role("button", name="Print").click()
    # Then the browser is asked to print the page
    assert page.evaluate("() => window.__printed") == 1
    # And the printed page is the full circle and its table, without the screen's controls
    then_the_printed_page_is_the_circle_and_its_table(page)
    # And a page printed from a phone carries the full circle too
    at_phone_width(page)
    then_the_printed_page_is_the_circle_and_its_table(page)
