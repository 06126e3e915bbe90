"""Ada Okafor, admin of North East London's ICB, looks after who has which role, the job roles,
the activity types and reads the audit trail, on a desktop and on a phone."""

from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from tests.system.steps import when_they_follow_the_menu_to
from tests.system.widths import then_it_is_accessible_on_desktop_and_phone

NEWCOMER = "jo.baxter@example.nhs.net"


def when_she_opens_the_members_of(page: Page, organisation: str) -> None:
    when_they_follow_the_menu_to(page, "Organisations")
    page.get_by_role("link", name=organisation, exact=True).first.click()
    page.get_by_role("link", name=f"Members and their roles at {organisation}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members")


def the_members_row_of(page: Page, email: str):
    return page.get_by_role("row").filter(has_text=email)


def test_admin_adds_a_member_changes_their_role_and_removes_them(signed_in_page):
    # Given Ada, signed in
    page = signed_in_page("admin")
    # When she opens the members of Hackney Downs PCN
    when_she_opens_the_members_of(page, HOME_PCN)
    then_it_is_accessible_on_desktop_and_phone(page)

    # And adds a newcomer as a viewer
    page.get_by_role("button", name="Add a member").click()
    then_it_is_accessible_on_desktop_and_phone(page)
    page.get_by_label("E-mail address").fill(NEWCOMER)
    page.get_by_label("Viewer").check()
    page.get_by_role("button", name="Add member").click()
    # Then the newcomer is listed with that role
    expect(the_members_row_of(page, NEWCOMER)).to_contain_text("Viewer")

    # When she makes them a manager
    page.get_by_role("link", name=f"Change role of {NEWCOMER}").click()
    then_it_is_accessible_on_desktop_and_phone(page)
    page.get_by_label("Manager").check()
    page.get_by_role("button", name="Save role").click()
    # Then the list shows the new role
    expect(the_members_row_of(page, NEWCOMER)).to_contain_text("Manager")

    # When she removes them, and confirms
    page.get_by_role("link", name=f"Remove {NEWCOMER}").click()
    then_it_is_accessible_on_desktop_and_phone(page)
    page.get_by_role("button", name="Yes, remove this member").click()
    # Then they are no longer a member
    expect(page.get_by_role("heading", level=1)).to_contain_text("Members")
    expect(the_members_row_of(page, NEWCOMER)).to_have_count(0)


def test_admin_is_told_what_to_correct_when_adding_a_member_without_an_address(signed_in_page):
    page = signed_in_page("admin")
    when_she_opens_the_members_of(page, HOME_PCN)
    page.get_by_role("button", name="Add a member").click()
    # When she saves without an e-mail address or a role
    page.get_by_role("button", name="Add member").click()
    # Then the error summary says what to do next
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter their e-mail address")
    expect(summary).to_contain_text("Choose a role")
    then_it_is_accessible_on_desktop_and_phone(page)


def test_admin_adds_a_job_role(signed_in_page):
    # Given Ada on the job roles page
    page = signed_in_page("admin")
    when_they_follow_the_menu_to(page, "People")
    page.get_by_role("link", name="Job roles").click()
    then_it_is_accessible_on_desktop_and_phone(page)
    # When she adds a role, first forgetting its name
    page.get_by_role("link", name="Add a job role").click()
    page.get_by_role("button", name="Add job role").click()
    # Then she is told what to enter
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the name of the job role")
    then_it_is_accessible_on_desktop_and_phone(page)
    # When she gives it a name and staff group
    page.get_by_label("Name of the role").fill("Digital transformation lead")
    page.get_by_label("Non-clinical", exact=True).check()
    page.get_by_role("button", name="Add job role").click()
    # Then it is in the list
    added = "The job role Digital transformation lead has been added."
    expect(page.get_by_text(added)).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Digital transformation lead")


def test_admin_adds_and_changes_an_activity_type(signed_in_page):
    # Given Ada, who sets up the activities each role records
    page = signed_in_page("admin")
    when_they_follow_the_menu_to(page, "Impact")
    page.get_by_role("link", name="See the activities counted for each job role").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Activity types")
    then_it_is_accessible_on_desktop_and_phone(page)
    # When she adds one for care co-ordinators
    page.get_by_role("link", name="Add an activity type").click()
    then_it_is_accessible_on_desktop_and_phone(page)
    page.get_by_label("Name", exact=True).fill("Care plans reviewed")
    page.get_by_label("Job role").select_option(label="Care co-ordinator")
    page.get_by_role("button", name="Save").click()
    # Then it is listed under that role
    expect(page.get_by_text("Activity type Care plans reviewed saved.")).to_be_visible()
    table = page.get_by_role("table", name="Care co-ordinator")
    expect(table).to_contain_text("Care plans reviewed")
    # When she changes how many GP appointments each releases
    page.get_by_role("link", name="Change Care plans reviewed for Care co-ordinator").click()
    page.get_by_label("GP appointments released per unit").fill("0.5")
    page.get_by_role("button", name="Save").click()
    # Then the list shows the new figure
    expect(page.get_by_role("table", name="Care co-ordinator")).to_contain_text("0.5")


def test_admin_reads_and_filters_the_audit_trail(signed_in_page):
    # Given Ada, signed in
    page = signed_in_page("admin")
    # When she opens the audit trail
    when_they_follow_the_menu_to(page, "Audit trail")
    # Then she sees who changed what, newest first, and it fits her phone
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_role("table", name="Changes, newest first")).to_be_visible()
    then_it_is_accessible_on_desktop_and_phone(page)
    # When she filters to changes of one kind
    page.get_by_label("What changed").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    # Then the filtered list is still readable on a phone
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    then_it_is_accessible_on_desktop_and_phone(page)
