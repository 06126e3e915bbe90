"""Daniel reviews Maya's demo self-assessment in one form: a mistake in one part never
loses what he entered in another, and the error summary takes him straight to it."""

import re

import pytest
from playwright.sync_api import Page, expect

from capmap.assessments.demo import load_demo_assessments
from capmap.development.demo import load_demo_development
from tests.system.conftest import at_phone_width

REFLECTION = "Reflection on running my first hypertension clinic"
CASE_DISCUSSION = "Case-based discussion: polypharmacy review in a frail patient"


@pytest.fixture
def maya_waiting(demo_story, demo_stages) -> None:
    demo_stages.load(load_demo_development, load_demo_assessments)


def when_he_opens_mayas_review(page: Page) -> None:
    page.goto("/assessments/queue/")
    page.get_by_role("link", name="Maya Chaudhry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review self-assessment")


def when_he_rates_the_first_competencies(page: Page, how_many: int) -> list[str]:
    """Chooses level 1 and writes a comment for the first competencies; returns the
    names of the radios he chose."""
    names = []
    groups = page.locator("fieldset:has(input[name^='level-'])")
    for index in range(how_many):
        radio = groups.nth(index).locator("input[type=radio]").first
        radio.check(force=True)
        name = radio.get_attribute("name")
        names.append(name)
        page.locator(f"textarea[name='comment-{name.removeprefix('level-')}']").fill(
            f"Comment {index + 1}"
        )
    return names


def evidence_decision(page: Page, title: str, decision: str):
    return page.get_by_role("group", name=f"Accept or reject {title}").get_by_label(decision)


def then_everything_he_entered_is_still_there(page: Page, names: list[str]) -> None:
    for index, name in enumerate(names):
        expect(page.locator(f"input[name='{name}']").first).to_be_checked()
        pk = name.removeprefix("level-")
        expect(page.locator(f"textarea[name='comment-{pk}']")).to_have_value(f"Comment {index + 1}")
    expect(evidence_decision(page, CASE_DISCUSSION, "Accept")).to_be_checked()
    expect(evidence_decision(page, REFLECTION, "Reject")).to_be_checked()
    expect(page.get_by_label("Comments for Maya")).to_have_value("Good progress")


def test_a_missing_reason_keeps_every_value_and_the_summary_takes_focus(
    maya_waiting, signed_in_page, assert_accessible
):
    # Given Daniel, Maya's mentor, on her review
    page = signed_in_page("supervisor")
    when_he_opens_mayas_review(page)
    assert_accessible(page)
    # When he rates four competencies with comments, accepts one piece of evidence,
    # rejects the other without saying why, writes to Maya, and saves
    names = when_he_rates_the_first_competencies(page, 4)
    evidence_decision(page, CASE_DISCUSSION, "Accept").check(force=True)
    evidence_decision(page, REFLECTION, "Reject").check(force=True)
    page.get_by_label("Comments for Maya").fill("Good progress")
    page.get_by_role("button", name="Save evidence reviews").click()
    # Then the error summary says what to do, has the focus, and links to the reason
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text(f"Enter why you are rejecting {REFLECTION}")
    expect(summary).to_be_focused()
    # And every value he entered is still there
    then_everything_he_entered_is_still_there(page, names)
    assert_accessible(page)
    assert_accessible(at_phone_width(page))
    # When he follows the error's link, the reason box takes the focus
    summary.get_by_role("link").first.click()
    reason = page.get_by_label(f"Comment on {REFLECTION}")
    expect(reason).to_be_focused()
    # And with a reason, the evidence reviews are saved, and still nothing is lost
    reason.fill("Please add what you would do differently next time.")
    page.get_by_role("button", name="Save evidence reviews").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("have been saved")
    expect(page.locator("body")).to_contain_text(re.compile("Status: Rejected"))
    then_everything_he_entered_is_still_there(page, names)
    assert_accessible(page)
