"""Ada Okafor, admin of the demo's ICS, North East London's ICB (QMF), builds more of its
practices and PCNs from the NHS ODS files: upload, check the preview, import; on a desktop
and a phone. The import updates the demo's ICB: it never adds a second one."""

from pathlib import Path

from playwright.sync_api import Page, expect

from capmap.demo.story import ICS_NAME
from capmap.organisations.models import Organisation, OrganisationKind
from tests.system.steps import when_they_follow_the_menu_to
from tests.system.widths import then_it_is_accessible_on_desktop_and_phone

FIXTURES = Path(__file__).resolve().parents[3] / "capmap/organisations/tests/fixtures/ods"


def when_she_opens_the_import(page: Page) -> None:
    when_they_follow_the_menu_to(page, "Organisations")
    page.get_by_role("link", name="Import organisations from ODS files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import organisations from ODS files")


def test_admin_imports_the_ods_files_after_checking_the_preview(signed_in_page):
    page = signed_in_page("admin")
    when_she_opens_the_import(page)
    then_it_is_accessible_on_desktop_and_phone(page)

    # When she uploads the files and asks for a check
    # (the NHS.UK file upload puts a button over each input: files go to the input itself)
    for field, name in [
        ("practice_map", "gp-reg-pat-prac-map.csv"),
        ("epraccur", "epraccur.csv"),
        ("epcn", "ePCN.xlsx"),
    ]:
        page.locator(f'input[type="file"][name="{field}"]').set_input_files(FIXTURES / name)
    page.get_by_role("button", name="Check the files").click()

    # Then she sees what would change, and what is left out, before anything is saved
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_text("14 to add")).to_be_visible()
    expect(page.get_by_role("table", name="Left out of the tree")).to_contain_text(
        "outside the integrated care systems you manage"
    )
    then_it_is_accessible_on_desktop_and_phone(page)

    # When she confirms
    page.get_by_role("button", name="Import these organisations").click()
    # Then the new PCNs are in her tree
    expect(page.get_by_text("The ODS files have been imported")).to_be_visible()
    expect(page.get_by_role("link", name="HACKNEY MARSHES PCN")).to_be_visible()
    # And they sit in the demo's ICB, still the only one
    (ics,) = Organisation.objects.filter(kind=OrganisationKind.ICS)
    assert (ics.name, ics.ods_code) == (ICS_NAME, "QMF")
    assert Organisation.objects.get(ods_code="U05451").parent_id == ics.pk


def test_admin_is_told_to_choose_a_file_when_she_uploads_none(signed_in_page):
    page = signed_in_page("admin")
    when_she_opens_the_import(page)

    page.get_by_role("button", name="Check the files").click()

    expect(page.get_by_role("alert")).to_contain_text("Choose at least one ODS file to upload.")
    then_it_is_accessible_on_desktop_and_phone(page)
