"""Maya reads why her self-assessment came back (as words, never as markup), adds
evidence without choosing the file twice after a mistake, and finds her way back."""

import re

import pytest
from playwright.sync_api import Page, expect

from capmap.assessments import services
from capmap.assessments.demo import load_demo_assessments
from capmap.assessments.models import Assessment
from capmap.demo.story import persona
from capmap.development.demo import load_demo_development
from tests.system.conftest import at_phone_width

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
COMMENT = "Add a reflection for CP.B4. <script>alert('x')</script> <b>Thanks</b>"


@pytest.fixture
def mayas_returned_assessment(demo_story, demo_stages) -> Assessment:
    """Given Maya's demo self-assessment, returned by Daniel with a comment that holds
    markup."""
    from django.contrib.auth import get_user_model

    demo_stages.load(load_demo_development, load_demo_assessments)
    assessment = Assessment.objects.get(person__user__email=persona("practitioner")[0])
    daniel = get_user_model().objects.get(email=persona("supervisor")[0])
    services.return_assessment(actor=daniel, assessment=assessment, comment=COMMENT)
    return assessment


def test_the_returned_box_reads_as_text(
    mayas_returned_assessment, signed_in_page, assert_accessible
):
    page: Page = signed_in_page("practitioner")
    # When Maya opens her returned assessment
    page.goto(f"/assessments/{mayas_returned_assessment.pk}/")
    # Then the box has a heading and her supervisor's words, shown as they were written
    box = page.locator(".nhsuk-inset-text")
    expect(box.get_by_role("heading", name="Returned by your supervisor")).to_be_visible()
    expect(box).to_contain_text(COMMENT)
    expect(box).not_to_contain_text("<h2")
    expect(box.locator("script, b")).to_have_count(0)
    assert_accessible(page)
    assert_accessible(at_phone_width(page))


def test_a_mistake_on_the_evidence_form_keeps_the_chosen_file(
    mayas_returned_assessment, signed_in_page, assert_accessible
):
    page: Page = signed_in_page("practitioner")
    assessment_path = f"/assessments/{mayas_returned_assessment.pk}/"
    page.goto(assessment_path)
    # When she follows "Add evidence" from her assessment
    page.get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    # And chooses a file and a competency but forgets the title
    page.get_by_label("Kind of evidence").select_option("reflection")
    page.get_by_label("Date").fill("2026-11-20")
    page.locator('input[name="competencies"]').first.check(force=True)
    # (the NHS.UK script turns the file input into a drop zone: set the input itself)
    page.locator("input[type=file][name=file]").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Add evidence").click()
    # Then the error names the title, and the page says her file is kept
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the title")
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.locator("body")).to_contain_text(
        "You chose report.pdf. Choose a different file to replace it."
    )
    assert_accessible(page)
    assert_accessible(at_phone_width(page))
    # When she adds the title only and sends it again
    page.get_by_label("Title").fill("Reflection on the clinic audit")
    page.get_by_role("button", name="Add evidence").click()
    # Then the evidence holds the file she chose the first time
    expect(page.get_by_role("heading", level=1)).to_have_text("Reflection on the clinic audit")
    expect(page.get_by_role("link", name=re.compile("Download report.pdf"))).to_be_visible()
    # And a link leads back to her assessment
    page.get_by_role("link", name="Back to the assessment").click()
    expect(page).to_have_url(re.compile(re.escape(assessment_path) + "$"))
    assert_accessible(page)
