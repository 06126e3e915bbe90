"""A PCN manager tidies a draft framework (deletes a competency, renames the scale's
levels) and changes what a care pathway asks of the team. Every page is checked with axe
at 1280 px and at 375 px.
"""

import pytest
from playwright.sync_api import Page, expect

from capmap.core.actors import SYSTEM
from capmap.demo.story import HOME_PCN
from capmap.frameworks import services
from capmap.frameworks.library import load_starter_library
from capmap.frameworks.models import Competency
from capmap.organisations.models import Organisation
from tests.system.conftest import DESKTOP, at_phone_width


@pytest.fixture
def hackney_downs(demo_story, live_server) -> Organisation:
    return Organisation.objects.get(name=HOME_PCN)


@pytest.fixture
def draft_framework(hackney_downs) -> str:
    framework = services.create_framework(
        actor=SYSTEM,
        title="Hackney Downs care navigator",
        slug="hackney-downs-care-navigator",
        owner=hackney_downs,
    )
    version = framework.versions.get()
    domain = services.add_domain(actor=SYSTEM, version=version, code="NAV", title="Navigation")
    for code, title in (("NAV.1", "Signposts to services"), ("NAV.2", "Books follow-up care")):
        services.add_competency(
            actor=SYSTEM, version=version, domain=domain, code=code, title=title
        )
    return framework.slug


@pytest.fixture
def pathway(hackney_downs) -> str:
    load_starter_library()
    pathway = services.create_pathway(
        actor=SYSTEM, title="Hackney Downs asthma", slug="hackney-downs-asthma", owner=hackney_downs
    )
    for code in ("CP.B5", "CP.C3"):
        services.add_pathway_capability(
            actor=SYSTEM,
            pathway=pathway,
            competency=Competency.objects.get(
                version__framework__slug="clinical-pharmacist-general-practice", code=code
            ),
            minimum_level=2,
        )
    return pathway.slug


def at_both_widths(page: Page, assert_accessible) -> None:
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)


def test_author_deletes_a_draft_competency_and_renames_the_scale(
    draft_framework, signed_in_page, assert_accessible
):
    # Given Samir, who manages Hackney Downs PCN, on his draft framework
    page: Page = signed_in_page("pcn_manager")
    page.goto(f"/frameworks/{draft_framework}/?version=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hackney Downs care navigator")
    at_both_widths(page, assert_accessible)
    # When he deletes a competency, the page asks first and says it cannot be undone
    page.get_by_role("link", name="Delete NAV.2 Books follow-up care").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delete the competency NAV.2 Books follow-up care?"
    )
    expect(page.get_by_text("You cannot undo this.")).to_be_visible()
    at_both_widths(page, assert_accessible)
    page.get_by_role("button", name="Delete the competency").click()
    # Then the draft no longer has it
    expect(page.get_by_text("NAV.2 Books follow-up care deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Change NAV.1 Signposts to services")).to_be_visible()
    expect(page.get_by_role("link", name="Change NAV.2 Books follow-up care")).to_have_count(0)
    # And a domain's delete page says what else goes
    page.get_by_role("link", name="Delete the domain NAV Navigation").click()
    expect(page.get_by_text("1 competency in it.")).to_be_visible()
    at_both_widths(page, assert_accessible)
    page.get_by_role("link", name="Keep it and go back to the framework").click()
    # When he renames a level of the scale, leaving another name empty by mistake
    page.get_by_role("link", name="Change the proficiency scale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the proficiency scale")
    at_both_widths(page, assert_accessible)
    page.get_by_label("Name of level 2").fill("Capable")
    page.get_by_label("What level 2 means").fill("Works without supervision")
    page.get_by_label("Name of level 3").fill("")
    page.get_by_role("button", name="Save the scale").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for level 3")
    at_both_widths(page, assert_accessible)
    page.get_by_label("Name of level 3").fill("Proficient")
    page.get_by_role("button", name="Save the scale").click()
    # Then the scale shows the new name and meaning
    expect(page.get_by_text("Scale saved.")).to_be_visible()
    scale = page.get_by_role("table", name="Proficiency scale")
    expect(scale).to_contain_text("Capable")
    expect(scale).to_contain_text("Works without supervision")


def test_pathway_owner_changes_and_removes_capabilities(pathway, signed_in_page, assert_accessible):
    # Given Samir on Hackney Downs' asthma pathway
    page: Page = signed_in_page("pcn_manager")
    page.goto(f"/frameworks/pathways/{pathway}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hackney Downs asthma")
    at_both_widths(page, assert_accessible)
    # When he changes how many people the clinics capability needs
    page.get_by_role("link", name="Change CP.B5 Manages long-term conditions in clinics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Change CP.B5 Manages long-term conditions in clinics"
    )
    at_both_widths(page, assert_accessible)
    page.get_by_label("People needed in the team").fill("0")
    page.get_by_role("button", name="Save the capability").click()
    expect(page.get_by_role("alert")).to_contain_text("At least one person must hold it")
    at_both_widths(page, assert_accessible)
    page.get_by_label("Minimum level").select_option(value="3")
    page.get_by_label("People needed in the team").fill("2")
    page.get_by_role("button", name="Save the capability").click()
    # Then the pathway asks for two people at level 3
    expect(page.get_by_text("CP.B5 Manages long-term conditions in clinics saved.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="CP.B5")
    expect(row).to_contain_text("3")
    expect(row).to_contain_text("2")
    # When he removes the monitoring capability, after confirming
    page.get_by_role("link", name="Remove CP.C3 Monitors high-risk medicines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove CP.C3 Monitors high-risk medicines from Hackney Downs asthma?"
    )
    at_both_widths(page, assert_accessible)
    page.get_by_role("button", name="Remove the capability").click()
    # Then it is gone from the pathway
    expect(page.get_by_text("CP.C3 Monitors high-risk medicines removed.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="CP.C3")).to_have_count(0)
    at_both_widths(page, assert_accessible)
