"""Framework journeys of a PCN manager: build and version a framework, import and export
a CASE package, set a role profile's levels and write an MDT care pathway.

Samir manages Hackney Downs PCN, so he authors frameworks and pathways owned by it.
Every page visited is checked with axe.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from capmap.demo.story import HOME_PCN
from capmap.frameworks.library import load_starter_library

REPO_ROOT = Path(__file__).resolve().parents[3]
CASE_PACKAGE = (
    REPO_ROOT / "capmap/frameworks/tests/fixtures/case/opensalt-SequenceNumberFramework.json"
)


@pytest.fixture
def starter_library(demo_story) -> None:
    load_starter_library()


def competency_lines(page: Page) -> list[str]:
    """The competencies shown on a framework page, in order (code then title)."""
    texts = page.locator("main p:has(strong)").all_inner_texts()
    return [text.split("Change")[0].strip() for text in texts]


def add_domain(page: Page, assert_accessible, code: str, title: str) -> None:
    page.get_by_role("link", name="Add a domain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a domain")
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("Domain title").fill(title)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=f"{code} {title}")).to_be_visible()


def add_competency(page: Page, assert_accessible, domain: str, code: str, title: str) -> None:
    page.get_by_role("link", name="Add a competency").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a competency")
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(code)
    page.get_by_label("What the person can do").fill(title)
    page.get_by_label("Behavioural indicators").fill("Explains the options\nRecords the outcome")
    page.get_by_label("Domain", exact=True).select_option(label=domain)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name=f"Change {code} {title}")).to_be_visible()


def test_manager_builds_publishes_and_versions_a_framework(signed_in_page, assert_accessible):
    # Given Samir, who manages Hackney Downs PCN, signed in
    page: Page = signed_in_page("pcn_manager")
    # When he creates a framework from scratch, with the default scale
    page.goto("/frameworks/")
    assert_accessible(page)
    page.get_by_role("link", name="Create a framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a framework")
    assert_accessible(page)
    expect(page.get_by_label("Proficiency scale")).to_contain_text("4 Expert")
    page.get_by_label("Title").fill("Hackney Downs care navigator")
    page.get_by_label("Short name for web addresses").fill("hackney-downs-care-navigator")
    page.get_by_label("Who owns the framework").select_option(label=HOME_PCN)
    page.get_by_role("button", name="Create the framework").click()
    # Then it is an empty draft version 1 with the five levels
    expect(page.get_by_role("heading", level=1)).to_have_text("Hackney Downs care navigator")
    expect(page.get_by_text("version 1 (draft)")).to_be_visible()
    expect(page.get_by_role("table", name="Proficiency scale")).to_contain_text("Expert")
    assert_accessible(page)
    # When he adds two domains and three competencies
    add_domain(page, assert_accessible, "NAV", "Navigation")
    add_domain(page, assert_accessible, "SAF", "Safety")
    add_competency(page, assert_accessible, "NAV Navigation", "NAV.1", "Signposts to services")
    add_competency(page, assert_accessible, "NAV Navigation", "NAV.2", "Books follow-up care")
    add_competency(page, assert_accessible, "SAF Safety", "SAF.1", "Spots safeguarding concerns")
    assert competency_lines(page) == [
        "NAV.1 Signposts to services",
        "NAV.2 Books follow-up care",
        "SAF.1 Spots safeguarding concerns",
    ]
    assert_accessible(page)
    # And moves NAV.2 above NAV.1
    page.get_by_role("button", name="Move up NAV.2 Books follow-up care").click()
    expect(page.locator("main p:has(strong)").first).to_contain_text("NAV.2")
    assert competency_lines(page)[:2] == [
        "NAV.2 Books follow-up care",
        "NAV.1 Signposts to services",
    ]
    # And publishes version 1
    page.get_by_role("link", name="Review changes and publish").click()
    expect(page.get_by_text("This is the first version.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("version 1 (published)")).to_be_visible()
    expect(page.get_by_role("link", name="Add a competency")).to_have_count(0)
    assert_accessible(page)
    # When he starts a new draft from it
    page.get_by_role("button", name="Start a new draft from this version").click()
    expect(page.get_by_text("version 2 (draft)")).to_be_visible()
    assert_accessible(page)
    # And adds a competency that replaces NAV.1, mapping it on the change page
    add_competency(page, assert_accessible, "NAV Navigation", "NAV.3", "Uses the service directory")
    page.get_by_role("link", name="Change NAV.3 Uses the service directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change a competency")
    assert_accessible(page)
    page.get_by_label("NAV.1 Signposts to services").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Change NAV.3 Uses the service directory").click()
    expect(page.get_by_label("NAV.1 Signposts to services")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    # Then publishing shows the readable diff against version 1
    page.get_by_role("link", name="Review changes and publish").click()
    expect(page.get_by_role("heading", name="Changes since version 1")).to_be_visible()
    diff = page.get_by_role("table", name="What changed")
    expect(diff.get_by_role("row").filter(has_text="NAV.3")).to_contain_text("added")
    assert_accessible(page)
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_text("version 2 (published)")).to_be_visible()
    expect(page.get_by_text("Version 2 \u2013 Published")).to_be_visible()
    expect(page.get_by_text("Version 1 \u2013 Published")).to_be_visible()
    assert_accessible(page)


def test_manager_imports_a_case_package_with_a_preview_and_downloads_it_again(
    signed_in_page, assert_accessible, tmp_path
):
    assert CASE_PACKAGE.is_file(), f"the CASE package is missing: {CASE_PACKAGE}"
    source = json.loads(CASE_PACKAGE.read_text(encoding="utf-8"))
    # Given Samir signed in, on the import page
    page: Page = signed_in_page("pcn_manager")
    page.goto("/frameworks/")
    page.get_by_role("link", name="Import a framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a framework")
    assert_accessible(page)
    # When he uploads the CASE package for Hackney Downs PCN
    page.locator("input[type=file]").set_input_files(CASE_PACKAGE)
    page.get_by_label("Who owns the framework").select_option(label=HOME_PCN)
    page.get_by_role("button", name="Preview").click()
    # Then he sees a preview, and nothing is stored yet
    expect(page.get_by_role("heading", name="Check before importing")).to_be_visible()
    expect(page.get_by_text(source["CFDocument"]["title"]).first).to_be_visible()
    assert_accessible(page)
    page.goto("/frameworks/")
    expect(page.get_by_role("link", name=source["CFDocument"]["title"])).to_have_count(0)
    page.go_back()
    # When he confirms
    page.get_by_role("button", name="Import as published version 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(source["CFDocument"]["title"])
    expect(page.get_by_text("version 1 (published)")).to_be_visible()
    assert_accessible(page)
    # Then the CASE export gives back every item, with its identifier and statement
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CASE 1.0 JSON package").click()
    target = tmp_path / "export.json"
    download_info.value.save_as(target)
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert exported["CFDocument"]["identifier"] == source["CFDocument"]["identifier"]
    items = {item["identifier"]: item["fullStatement"] for item in exported["CFItems"]}
    assert items == {item["identifier"]: item["fullStatement"] for item in source["CFItems"]}


def test_manager_imports_nothing_from_a_broken_file(signed_in_page, assert_accessible, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"CFItems": []}', encoding="utf-8")
    page: Page = signed_in_page("pcn_manager")
    page.goto("/frameworks/import/")
    page.locator("input[type=file]").set_input_files(broken)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("button", name="Import as published version 1")).to_have_count(0)
    assert_accessible(page)


def test_manager_sets_the_levels_of_a_role_profile(
    starter_library, signed_in_page, assert_accessible
):
    # Given Samir signed in, on the library's care co-ordinator framework
    page: Page = signed_in_page("pcn_manager")
    page.goto("/frameworks/")
    page.get_by_role("link", name="Care co-ordinator", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Care co-ordinator")
    assert_accessible(page)
    # When he adds a senior care co-ordinator profile for Hackney Downs PCN at level 2
    page.get_by_role("link", name="Add a role profile").click()
    assert_accessible(page)
    page.get_by_label("Job role").select_option(label="Care co-ordinator")
    page.get_by_label("Stage").fill("senior")
    page.get_by_label("Whose profile is it").select_option(label=HOME_PCN)
    page.get_by_label("Level needed in every competency to start with").select_option("2")
    page.get_by_role("button", name="Save").click()
    # Then the profile is listed, and he raises the first competency to 3, desirable
    page.get_by_role("link", name="Care co-ordinator (senior)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Care co-ordinator (senior)")
    assert_accessible(page)
    page.get_by_role("link", name="Change the levels").click()
    assert_accessible(page)
    page.locator("select[name^=level_]").first.select_option("3")
    page.locator("select[name^=requirement_]").first.select_option(label="Desirable")
    page.get_by_role("button", name="Save levels").click()
    first = page.get_by_role("table", name="Requirements").get_by_role("row").nth(1)
    expect(first.get_by_role("cell").nth(1)).to_have_text("3")
    expect(first.get_by_role("cell").nth(2)).to_have_text("Desirable")
    assert_accessible(page)


def test_manager_writes_a_care_pathway(starter_library, signed_in_page, assert_accessible):
    # Given Samir signed in, on the pathways page
    page: Page = signed_in_page("pcn_manager")
    page.goto("/frameworks/pathways/")
    assert_accessible(page)
    # When he creates a frailty pathway for Hackney Downs PCN
    page.get_by_role("link", name="Create a care pathway").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Frailty")
    page.get_by_label("Short name for web addresses").fill("hackney-downs-frailty")
    page.get_by_label("Which organisation's pathway is it").select_option(label=HOME_PCN)
    page.get_by_role("button", name="Create the pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Frailty")
    expect(page.get_by_text("This pathway does not list any capabilities yet.")).to_be_visible()
    assert_accessible(page)
    # And asks for two people at level 5, which the scale does not have
    page.get_by_role("link", name="Add a capability").click()
    assert_accessible(page)
    competency = page.get_by_label("Competency")
    label = competency.locator("option").nth(1).inner_text()
    competency.select_option(index=1)
    page.get_by_label("Minimum level").fill("5")
    page.get_by_label("People needed in the team").fill("2")
    page.get_by_role("button", name="Add the capability").click()
    expect(page.get_by_role("alert")).to_contain_text("minimum level")
    assert_accessible(page)
    # Then at level 2 it is added
    page.get_by_label("Minimum level").fill("2")
    page.get_by_role("button", name="Add the capability").click()
    table = page.get_by_role("table", name="Capabilities the pathway needs")
    expect(table).to_contain_text(label.split(": ", 1)[1].strip())
    assert_accessible(page)
    # And he renames it, then removes the capability
    page.get_by_role("link", name="Change the title or description").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Frailty and falls")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Frailty and falls")
    page.get_by_role("link", name="Remove").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("from Frailty and falls?")
    assert_accessible(page)
    page.get_by_role("button", name="Remove the capability").click()
    expect(page.get_by_text("This pathway does not list any capabilities yet.")).to_be_visible()
    assert_accessible(page)
