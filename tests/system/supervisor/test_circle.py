"""Daniel, a hospital pharmacist, reads the circle of Maya, whom he supervises."""

import pytest
from playwright.sync_api import Page, expect

from capmap.assessments.demo import load_demo_assessments
from capmap.demo.story import persona
from capmap.development.demo import load_demo_development
from capmap.people.models import Person
from tests.system.conftest import at_phone_width


@pytest.fixture
def capability_demo(demo_story, demo_stages) -> None:
    demo_stages.load(load_demo_development, load_demo_assessments)


def test_supervisor_reads_his_supervisees_circle_and_her_growth(
    capability_demo, page: Page, signed_in_page, assert_accessible
):
    page.set_default_timeout(45_000)  # a busy shared machine: several SVGs a page
    maya = Person.objects.get(user__email=persona("practitioner")[0])
    # Given Daniel signed in, supervising Maya
    signed_in_page("supervisor")
    # When he opens Maya's circle of competence from her record
    page.goto(f"/people/{maya.pk}/")
    page.get_by_role("link", name="Circle of competence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Circle of competence: Maya Chaudhry")
    # Then he sees her verified levels beside her own ratings
    circle = page.locator("#circle-svg")
    expect(circle).to_be_visible()
    assert circle.locator(".app-circle__segment[aria-label*='self-rated']").count() > 0
    assert_accessible(page)
    # And he compares today with six months ago
    page.get_by_label("Compare today with").select_option("6")
    page.get_by_role("button", name="Show this date").click()
    expect(page.get_by_label("Compare today with")).to_have_value("6")
    expect(page.locator("#circle-then-svg")).to_be_visible()
    expect(page.get_by_role("table", name="Verified levels on", exact=False)).to_be_visible()
    assert_accessible(page)
    # And the page reads on a phone too
    at_phone_width(page)
    page.reload()
    expect(page.locator("#circle-compact-svg")).to_be_visible()
    assert_accessible(page)
