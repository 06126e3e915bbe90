"""Grace Ellison, ICS programme lead, shows the board what the new roles add."""

from playwright.sync_api import expect

from tests.system.steps import when_they_follow_the_menu_to


def test_programme_lead_opens_the_impact_dashboard_and_downloads_the_report(
    signed_in_page, assert_accessible
):
    # Given Grace, programme lead of the demo ICS, signed in
    page = signed_in_page("programme_lead")
    # When she follows the menu to Impact and opens her ICS
    when_they_follow_the_menu_to(page, "Impact")
    assert_accessible(page)
    page.get_by_role("main").get_by_role("listitem").get_by_role("link").first.click()
    # Then she sees the dashboard, its charts drawn as pictures with tables beside them
    expect(page.get_by_role("heading", level=1)).to_contain_text("Impact in")
    expect(page.get_by_role("img", name="GP time released each month")).to_be_visible()
    expect(page.locator("caption", has_text="GP time released each month (table)")).to_be_visible()
    assert_accessible(page)
    # When she asks for the PDF report
    page.get_by_role("button", name="Make a PDF report").click()
    # Then the report page offers the download once the background task has made it
    link = page.get_by_role("link", name="Download")
    expect(link).to_be_visible(timeout=30_000)
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read(4) == b"%PDF"


def test_programme_lead_asks_for_a_staff_list_spreadsheet(signed_in_page, assert_accessible):
    # Given Grace, signed in
    page = signed_in_page("programme_lead")
    # When she asks for a staff list of her ICS as a spreadsheet from the reports page
    when_they_follow_the_menu_to(page, "Reports")
    assert_accessible(page)
    page.get_by_label("Report").select_option(label="Staff list")
    page.get_by_label("Excel spreadsheet (XLSX)").check()
    page.get_by_role("button", name="Make the report").click()
    # Then she can download it
    expect(page.get_by_role("link", name="Download")).to_be_visible(timeout=30_000)
    assert_accessible(page)
