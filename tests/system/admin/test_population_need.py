"""Ada Okafor, admin of North East London's ICB (the demo's), imports QOF prevalence for
three more of its real PCNs (the practices of the vendored extract) and reads need against
capability, table and chart, every page checked with axe."""

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import ICS_NAME
from capmap.frameworks.library import load_starter_library
from capmap.organisations.models import Organisation
from capmap.population.tests.factories import PREVALENCE_2425, nel_tree
from tests.system.steps import when_they_follow_the_menu_to


@pytest.fixture
def north_east_london(demo_story):
    """Given the demo story, the starter pathways (linked to their QOF registers) and three
    more real PCNs of North East London under the demo's ICB, which Ada administers."""
    load_starter_library()
    return nel_tree(icb=Organisation.objects.get(name=ICS_NAME))


def test_admin_imports_qof_prevalence_and_sees_need_against_capability(
    north_east_london, signed_in_page, assert_accessible
):
    page: Page = signed_in_page("admin")
    # When she opens Population need and chooses to import a year of QOF
    when_they_follow_the_menu_to(page, "Population need")
    assert_accessible(page)
    page.get_by_role("link", name="Import QOF prevalence for a year").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import QOF prevalence")
    assert_accessible(page)
    # And uploads the 2024-25 file without a year: she is told what to enter
    page.locator("input[type=file][name=file]").set_input_files(str(PREVALENCE_2425))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the QOF year")
    assert_accessible(page)
    page.locator("input[type=file][name=file]").set_input_files(str(PREVALENCE_2425))
    page.get_by_label("QOF year").fill("2024-25")
    page.get_by_role("button", name="Check the file").click()
    # Then the preview says what will be imported and what is skipped
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_text("483 register counts for 23 practices")).to_be_visible()
    expect(page.get_by_text("2 practices, 42 rows")).to_be_visible()
    assert_accessible(page)
    # When she confirms
    page.get_by_role("button", name="Import these figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Population need")
    expect(page.get_by_text("QOF 2024-25 imported")).to_be_visible()
    # Then North East London's need against capability ranks the pathways' gaps
    page.get_by_role("link", name=ICS_NAME).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Need against capability: {ICS_NAME}"
    )
    expect(page.locator("#need-chart svg")).to_be_visible()
    table = page.locator("#need-table")
    expect(table).to_contain_text("Type 2 diabetes MDT pathway")
    expect(table).to_contain_text("Heart failure MDT pathway")
    assert_accessible(page)
