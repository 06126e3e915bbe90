"""Daniel finds Maya's demo self-assessment waiting for him, and reaches her capability
pages from her staff record.

The demo's assessments come from `capmap.assessments.demo.load_demo_assessments()`,
loaded here on top of the demo story and its capability data.
"""

import pytest
from playwright.sync_api import Page, expect

from capmap.assessments.demo import load_demo_assessments
from capmap.development.demo import load_demo_development
from capmap.people.models import Person


@pytest.fixture
def assessments_demo(demo_story, demo_stages) -> Person:
    demo_stages.load(load_demo_development, load_demo_assessments)
    return Person.objects.get(first_name="Maya", last_name="Chaudhry")


def test_mentor_finds_the_demo_submission_and_follows_links_from_the_staff_record(
    assessments_demo, signed_in_page, assert_accessible
):
    maya = assessments_demo
    # Given Daniel, Maya's mentor at the hospital trust, signed in
    page: Page = signed_in_page("supervisor")
    # When he opens his sign-off queue
    page.goto("/assessments/queue/")
    # Then Maya's submitted self-assessment is waiting for him
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-off queue")
    expect(page.get_by_role("link", name="Maya Chaudhry")).to_be_visible()
    # When he opens Maya's staff record
    page.goto(f"/people/{maya.pk}/")
    # Then it links to her capability pages, but he may not assign supervisors
    expect(page.get_by_role("heading", name="Capability and development")).to_be_visible()
    expect(
        page.get_by_role("link", name="Supervisors and mentors of Maya Chaudhry")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Assign or end supervisors")).to_have_count(0)
    assert_accessible(page)
    # And following the scope of practice link opens it
    page.get_by_role("link", name="Scope of practice of Maya Chaudhry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scope of practice")
