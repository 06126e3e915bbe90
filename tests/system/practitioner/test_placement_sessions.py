"""Maya Chaudhry, PCN clinical pharmacist on the placement scheme, logs a session."""

from playwright.sync_api import expect

from capmap.frameworks.selectors import applicable_role_profiles
from capmap.placements import selectors
from capmap.placements.demo import load_demo_scheme
from capmap.placements.models import Participation
from tests.system.conftest import at_phone_width


def test_practitioner_logs_a_session_choosing_only_her_own_competencies(
    signed_in_page, assert_accessible
):
    # Given Maya, placed on the demo scheme
    load_demo_scheme()
    participation = Participation.objects.get(
        application__applicant__user__email__startswith="maya.chaudhry"
    )
    offered = list(selectors.participant_competencies(participation))
    assert offered, "the demo pharmacist's role profile names competencies"
    assert applicable_role_profiles(participation.application.applicant).exists()
    page = signed_in_page("practitioner")
    # When she opens her placement and chooses to log a session
    page.goto(f"/placements/participants/{participation.pk}/")
    page.get_by_role("button", name="Log a session").click()
    # Then the competencies offered are her role profile's, grouped by domain
    boxes = page.locator("input[name=competencies]")
    expect(boxes).to_have_count(len(offered))
    expect(page.locator("fieldset legend").first).to_be_visible()
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
