"""Ada Okafor, admin of the ICS, answers a subject access request for Maya Chaudhry, erases
her, and looks at a PCN's retention schedule, checking each page with axe on a desktop and on
a phone."""

import re
import zipfile

from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from tests.system.steps import given_the_demo_assessments_and_scheme, when_they_follow_the_menu_to
from tests.system.widths import then_it_is_accessible_on_desktop_and_phone


def when_she_opens_the_data_of(page: Page, first: str, last: str) -> None:
    when_they_follow_the_menu_to(page, "People")
    page.get_by_role("link", name=f"{last}, {first}").or_(
        page.get_by_role("link", name=f"{first} {last}")
    ).first.click()
    page.get_by_role(
        "link", name=re.compile(r"^Export, correct or erase the data held about")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Their data")


def test_admin_exports_everything_about_a_person_then_erases_them(
    demo_stages, signed_in_page, tmp_path
):
    given_the_demo_assessments_and_scheme(demo_stages)
    # Given Ada, signed in, on Maya's data page
    page = signed_in_page("admin")
    when_she_opens_the_data_of(page, "Maya", "Chaudhry")
    then_it_is_accessible_on_desktop_and_phone(page)

    # When she asks for an export
    page.get_by_role("button", name="Export everything about this person").click()
    # Then it is made and offered for download
    expect(page.get_by_text("The export is ready.")).to_be_visible()
    then_it_is_accessible_on_desktop_and_phone(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download the export")).click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    names = zipfile.ZipFile(path).namelist()
    assert "summary.pdf" in names and "data/people.person.json" in names

    # When she previews the erasure
    page.get_by_role("link", name="Their data").click()
    page.get_by_role("link", name="Preview the erasure of Maya Chaudhry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase this person")
    expect(page.get_by_role("table").first).to_be_visible()
    then_it_is_accessible_on_desktop_and_phone(page)
    # And forgets to confirm
    page.get_by_role("button", name="Erase this person").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select the box to confirm")
    then_it_is_accessible_on_desktop_and_phone(page)
    # Then confirms
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Erase this person").click()
    # Then she is told the pseudonym, and the page shows the erased record
    expect(page.get_by_text(re.compile(r"They are now P[0-9A-F]{8}"))).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Their data")
    expect(page.locator(".nhsuk-caption-l")).to_contain_text("Erased person")
    then_it_is_accessible_on_desktop_and_phone(page)

    # When she opens Hackney Downs PCN's retention schedule
    when_they_follow_the_menu_to(page, "Organisations")
    page.get_by_role("link", name=HOME_PCN, exact=True).first.click()
    page.get_by_role("link", name=f"Retention schedule of {HOME_PCN}").click()
    # Then every kind of record has its period, sign-offs included
    expect(page.get_by_role("heading", level=1)).to_have_text("Retention schedule")
    expect(page.get_by_label("Sign-offs and verified levels (years)")).to_have_value("25")
    then_it_is_accessible_on_desktop_and_phone(page)
