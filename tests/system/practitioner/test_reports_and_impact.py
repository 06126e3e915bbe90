"""Maya Chaudhry, a PCN clinical pharmacist, finds only what she may use in Reports and Impact."""

from playwright.sync_api import expect

from tests.system.steps import when_they_follow_the_menu_to
from tests.system.widths import then_it_is_accessible_on_desktop_and_phone


def test_practitioner_asks_for_her_own_portfolio_report(signed_in_page):
    # Given Maya, who manages no team
    page = signed_in_page("practitioner")
    # When she opens Reports
    when_they_follow_the_menu_to(page, "Reports")
    # Then she is not offered an empty list of organisations
    expect(page.get_by_label("Organisation")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Reports about teams and organisations")
    # But she is offered a report of her own portfolio and scope of practice
    expect(page.get_by_role("heading", name="Your portfolio and scope of practice")).to_be_visible()
    then_it_is_accessible_on_desktop_and_phone(page)
    # When she asks for it as a spreadsheet (made while she waits in the test settings)
    page.get_by_role("button", name="Make a spreadsheet (XLSX)").click(timeout=30_000)
    # Then she follows the report she asked for
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maya Chaudhry")
    then_it_is_accessible_on_desktop_and_phone(page)


def test_practitioner_is_not_offered_activity_types_she_cannot_open(signed_in_page):
    # Given Maya, who sees no organisation's impact figures
    page = signed_in_page("practitioner")
    # When she opens Impact
    page.goto("/impact/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Impact of roles")
    # Then she is told what she can do there, and offered no link to a refusal
    expect(page.get_by_role("main")).to_contain_text("You can record your own activity")
    activity_types = page.get_by_role("link", name="See the activities counted for each job role")
    expect(activity_types).to_have_count(0)
    record = page.get_by_role("link", name="Record activity for yourself or your staff")
    expect(record).to_be_visible()
    then_it_is_accessible_on_desktop_and_phone(page)
