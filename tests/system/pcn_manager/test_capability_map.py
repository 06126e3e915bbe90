"""The capability map a PCN manager reads in five seconds: one role at a time, totals,
names on focus, a sticky name column and a cell's history, at 1280 px and at 375 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from capmap.development.demo import load_demo_development
from tests.system.conftest import at_phone_width
from tests.system.steps import when_they_follow_the_menu_to


@pytest.fixture
def capability_demo(demo_story, demo_stages, page: Page) -> None:
    demo_stages.load(load_demo_development)
    # The demo's largest pages render slowly on a shared two-core machine.
    page.context.set_default_timeout(30_000)


def given_samir_on_his_networks_map(signed_in_page, *, phone: bool = False) -> Page:
    page: Page = signed_in_page("pcn_manager")
    if phone:
        at_phone_width(page)
    when_they_follow_the_menu_to(page, "Capability")
    page.get_by_role("link", name=HOME_PCN, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team capability: {HOME_PCN}")
    return page


def the_map(page: Page):
    return page.get_by_role("region", name=re.compile(r"(people|person) by competency"))


def then_the_largest_role_is_shown_with_its_totals(page: Page) -> None:
    expect(page.get_by_label("Show")).to_have_value("role:clinical-pharmacist")
    people = int((page.locator("#heatmap-caption").text_content() or "0").split()[0])
    rows = the_map(page).locator("tbody tr")
    expect(rows).to_have_count(people)
    maya = rows.filter(has=page.get_by_role("link", name="Maya Chaudhry"))
    expect(maya.locator(".app-heatmap__met")).to_have_text(re.compile(r"^\d+ of 21$"))
    totals = the_map(page).locator("tfoot tr")
    expect(totals.get_by_role("rowheader")).to_have_text("People who meet it")
    expect(totals.locator("td").nth(1)).to_have_text(re.compile(rf"^\d+ of {people}$"))
    expect(page.get_by_text(f"requirements met by {people} people")).to_be_visible()


def then_focus_on_a_column_header_shows_its_name(page: Page) -> None:
    the_map(page).focus()
    page.keyboard.press("Tab")  # the first column's code comes first in the table
    code = the_map(page).locator(".app-heat-col__code").first
    expect(code).to_be_focused()
    name = the_map(page).locator(".app-heat-col__name").first
    box = name.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 10, box
    # The header cell holds the name as text, so it is read with every cell below it.
    expect(code.locator("xpath=..")).to_contain_text(name.text_content() or "?")


def then_the_name_column_stays_when_the_table_scrolls(page: Page) -> None:
    region = the_map(page)
    maya = region.get_by_role("link", name="Maya Chaudhry")
    maya.scroll_into_view_if_needed()
    region.evaluate("element => { element.scrollLeft = 0; }")
    before = maya.bounding_box()
    region.evaluate("element => { element.scrollLeft = 600; }")
    assert region.evaluate("element => element.scrollLeft") > 0, "the table should scroll"
    after = maya.bounding_box()
    assert before and after and abs(after["x"] - before["x"]) < 2, (before, after)
    expect(maya).to_be_in_viewport()
    region.evaluate("element => { element.scrollLeft = 0; }")


def when_they_open_mayas_first_cell(page: Page) -> None:
    row = the_map(page).locator("tbody tr").filter(has=page.get_by_role("link", name="Maya"))
    row.locator("td a").first.click()


def then_they_read_her_history_in_that_competency(page: Page) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("CP.A1")
    expect(page.get_by_text("Maya Chaudhry, Clinical pharmacist")).to_be_visible()
    expect(page.get_by_role("heading", name="Sign-offs")).to_be_visible()
    expect(page.get_by_role("table", name="Verified levels, newest first")).to_be_visible()
    expect(page.get_by_text("Their role requires level 2")).to_be_visible()


def test_pcn_manager_reads_one_role_with_totals_and_opens_a_cells_history(
    capability_demo, signed_in_page, assert_accessible
):
    # Given Samir, who manages Hackney Downs PCN, on his network's capability map
    page = given_samir_on_his_networks_map(signed_in_page)
    # Then it shows the role with most people, its totals per person and per competency
    then_the_largest_role_is_shown_with_its_totals(page)
    assert_accessible(page)
    # And a column's code, focused from the keyboard, shows the competency's name
    then_focus_on_a_column_header_shows_its_name(page)
    # When he chooses the receptionists instead
    page.get_by_label("Show").select_option("role:receptionist")
    page.get_by_role("button", name="Show").click()
    # Then only they are rows, and only what their role requires are columns
    expect(page.get_by_label("Show")).to_have_value("role:receptionist")
    expect(the_map(page).locator(".app-heat-col__code").first).not_to_have_text("CP.A1")
    assert_accessible(page)
    # When he goes back to the pharmacists and opens one of Maya's cells
    page.go_back()
    when_they_open_mayas_first_cell(page)
    # Then he reads her sign-offs in that competency
    then_they_read_her_history_in_that_competency(page)
    assert_accessible(page)


def test_pcn_manager_reads_the_map_on_a_phone(capability_demo, signed_in_page, assert_accessible):
    # Given Samir on his network's capability map on a phone
    page = given_samir_on_his_networks_map(signed_in_page, phone=True)
    # Then the page itself does not scroll sideways: the table scrolls in its own region
    then_the_largest_role_is_shown_with_its_totals(page)
    assert_accessible(page)
    # And a column's name shows on focus, and the names stay while the table scrolls
    then_focus_on_a_column_header_shows_its_name(page)
    page.evaluate("() => document.activeElement.blur()")
    then_the_name_column_stays_when_the_table_scrolls(page)
    # And a cell's history reads without sideways scrolling too
    when_they_open_mayas_first_cell(page)
    then_they_read_her_history_in_that_competency(page)
    assert_accessible(page)
