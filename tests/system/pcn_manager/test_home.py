"""Samir Haddad manages Hackney Downs PCN: his home page shows where the team stands."""

from playwright.sync_api import expect

from capmap.demo.story import HOME_PCN
from tests.system.conftest import DESKTOP, at_phone_width
from tests.system.steps import (
    given_the_demo_assessments_and_scheme,
    then_their_menu_offers,
    then_they_land_on_home_greeted_by_name,
    what_waits,
)


def test_pcn_manager_sees_the_cycle_and_the_teams_cover_and_opens_a_roles_map(
    demo_stages, signed_in_page, assert_accessible
):
    # Given the demo, with Samir's "2026 Q4" assessment cycle open for Hackney Downs PCN
    given_the_demo_assessments_and_scheme(demo_stages)
    # When he signs in through the sign-in form
    page = signed_in_page("pcn_manager")
    # Then he lands on his home page, greeted by name
    then_they_land_on_home_greeted_by_name(page, "pcn_manager")
    # And his menu offers organisations and people but no audit trail
    then_their_menu_offers(page, offers=["Home", "Organisations", "People"], hides=["Audit trail"])
    # And he is told how far his cycle has gone
    assert any(line.startswith("2026 Q4:") for line in what_waits(page))
    # And one line per role says how many meet their role profile, and the biggest gap
    team = page.get_by_role("region", name=f"How {HOME_PCN} meets its role profiles")
    role = team.get_by_role("link", name="Clinical pharmacist (")
    expect(role).to_be_visible()
    line = team.locator("li").filter(has=page.get_by_role("link", name="Clinical pharmacist ("))
    expect(line).to_contain_text("meet every essential requirement; biggest gap:")
    # And how the team covers the care pathways it takes part in
    expect(team.get_by_role("heading", name="Care pathways")).to_be_visible()
    # And the page has no serious accessibility problems, at 1280 px or on a phone
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)

    # When he follows the clinical pharmacists' line
    role.click()
    # Then the capability map of Hackney Downs PCN opens
    expect(page.get_by_role("heading", level=1)).to_contain_text(HOME_PCN)
