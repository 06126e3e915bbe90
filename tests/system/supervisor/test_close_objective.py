"""A supervisor closes one of their mentee's development objectives with a note.

Daniel mentors Maya, whose demo plan proposes three objectives from her biggest gaps.
Every page is checked with axe at 1280 px and at 375 px.
"""

import pytest
from playwright.sync_api import Page, expect

from capmap.development.demo import load_demo_development
from capmap.people.models import Person
from tests.system.conftest import DESKTOP, at_phone_width


@pytest.fixture
def plan_demo(demo_story, demo_stages, live_server) -> int:
    demo_stages.load(load_demo_development)
    return Person.objects.get(first_name="Maya", last_name="Chaudhry").pk


def at_both_widths(page: Page, assert_accessible) -> None:
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)


def test_supervisor_closes_an_objective_as_achieved_with_a_note(
    plan_demo, signed_in_page, assert_accessible
):
    # Given Daniel, Maya's mentor, signed in and on her development plan
    page: Page = signed_in_page("supervisor")
    page.goto(f"/development/people/{plan_demo}/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Development plan: Maya Chaudhry")
    at_both_widths(page, assert_accessible)
    card = page.locator(".nhsuk-card").first
    objective = card.get_by_role("heading", level=3).inner_text().split("\n")[0]
    # When he closes her first objective without saying how it went
    card.get_by_role("link", name="Close").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Close an objective for Maya Chaudhry"
    )
    at_both_widths(page, assert_accessible)
    page.get_by_role("button", name="Close the objective").click()
    # Then he is told what to do, with focus on the error summary
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose whether the objective was achieved")
    expect(summary).to_contain_text("Enter a note saying how the objective went")
    at_both_widths(page, assert_accessible)
    # When he says it was achieved, with a note
    page.get_by_label("Achieved", exact=True).check()
    page.get_by_label("Note").fill("Ran two supervised clinics and reflected on both.")
    page.get_by_role("button", name="Close the objective").click()
    # Then the plan shows it achieved, with his note, and no longer offers to close it
    expect(page.get_by_text("Objective closed as Achieved")).to_be_visible()
    closed = page.locator(".nhsuk-card").filter(has_text=objective[:40])
    expect(closed).to_contain_text("Achieved")
    expect(closed).to_contain_text("Ran two supervised clinics and reflected on both.")
    expect(closed.get_by_role("link", name="Close")).to_have_count(0)
    at_both_widths(page, assert_accessible)
