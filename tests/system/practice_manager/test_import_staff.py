"""Helen Whitlock, manager of The Nightingale Practice (F84018), adds new staff from a
spreadsheet."""

from playwright.sync_api import Page, expect

from tests.system.steps import when_they_follow_the_menu_to
from tests.system.widths import then_it_is_accessible_on_desktop_and_phone

NEW_STAFF = (
    "first_name,last_name,email,job_role,employer_ods,start_date\n"
    "Priya,Raman,priya.raman@example.nhs.net,Practice nurse,F84018,2026-01-05\n"
    "Tom,Ellery,,Receptionist,F84018,01/02/2026\n"
)
WITH_A_MISTAKE = (
    "first_name,last_name,job_role,employer_ods,start_date\n"
    "Priya,Raman,Practice nurse,F84018,2026-01-05\n"
    "Tom,Ellery,Astronaut,F84018,2026-02-01\n"
)


def when_she_uploads(page: Page, content: str) -> None:
    page.locator("input[type=file]").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()


def when_she_opens_the_import_page(page: Page) -> None:
    when_they_follow_the_menu_to(page, "People")
    page.get_by_role("link", name="Import staff from a spreadsheet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import staff")


def test_practice_manager_previews_then_imports_new_staff(signed_in_page):
    # Given Helen, signed in
    page = signed_in_page("practice_manager")
    # When she opens the staff import from the People page
    when_she_opens_the_import_page(page)
    then_it_is_accessible_on_desktop_and_phone(page)
    # And uploads a spreadsheet of two new staff
    when_she_uploads(page, NEW_STAFF)
    # Then she sees what will be added before anything is saved
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_text("2 to add, 0 to update, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("table", name="People to add")).to_contain_text("Priya Raman")
    then_it_is_accessible_on_desktop_and_phone(page)
    # When she confirms
    page.get_by_role("button", name="Import these staff").click()
    # Then both are imported and she is told so
    expect(page.get_by_text("Staff imported: 2 added, 0 updated, 0 unchanged.")).to_be_visible()
    # And they are in her people list
    page.goto("/people/?q=Raman")
    expect(page.get_by_role("link", name="Raman, Priya")).to_be_visible()


def test_practice_manager_sees_each_mistake_in_her_file_and_nothing_is_imported(signed_in_page):
    # Given Helen on the import page
    page = signed_in_page("practice_manager")
    when_she_opens_the_import_page(page)
    # When she uploads a file whose second person has a job role Capmap does not know
    when_she_uploads(page, WITH_A_MISTAKE)
    # Then she is told nothing was imported, and which row and column to correct
    expect(page.get_by_role("heading", level=1)).to_have_text("Problems in the file")
    expect(page.get_by_text("Nothing has been imported.")).to_be_visible()
    problems = page.get_by_role("table", name="1 problem")
    expect(problems).to_contain_text("3")
    expect(problems).to_contain_text("job_role")
    then_it_is_accessible_on_desktop_and_phone(page)


def test_practice_manager_reads_the_job_roles_but_is_not_offered_to_add_one(signed_in_page):
    # Given Helen, signed in
    page = signed_in_page("practice_manager")
    # When she opens the job roles from the People page
    when_they_follow_the_menu_to(page, "People")
    page.get_by_role("link", name="Job roles").click()
    # Then she sees every role with its name in imports, on a phone as on a desktop
    expect(page.get_by_role("heading", level=1)).to_have_text("Job roles")
    expect(page.get_by_role("table")).to_contain_text("Practice nurse")
    # And is not offered to add one (job roles are shared: only admins add them)
    expect(page.get_by_role("link", name="Add a job role")).to_have_count(0)
    then_it_is_accessible_on_desktop_and_phone(page)


def test_practice_manager_is_not_offered_a_scheme_she_cannot_create(signed_in_page):
    # Given Helen, whose practice cannot run placement schemes (PCNs, trusts and ICSs do)
    page = signed_in_page("practice_manager")
    # When she opens the placement schemes
    page.goto("/placements/")
    # Then no "Create a scheme" button leads her to a refusal
    expect(page.get_by_role("heading", level=1)).to_have_text("Placement schemes")
    expect(page.get_by_role("button", name="Create a scheme")).to_have_count(0)
    expect(page.get_by_role("link", name="Create a scheme")).to_have_count(0)
    # And if she types the address, the page says why and who can, not Django's debug page
    response = page.goto("/placements/new/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("main")).to_contain_text("run by a primary care network")
    expect(page.get_by_role("link", name="Go to the Capmap home page")).to_be_visible()
    then_it_is_accessible_on_desktop_and_phone(page)
