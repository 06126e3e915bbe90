"""Maya Chaudhry, PCN clinical pharmacist on the placement scheme, logs a session."""

from playwright.sync_api import expect

from capmap.frameworks.models import Competency
from capmap.frameworks.selectors import applicable_role_profiles
from capmap.frameworks.tests.factories import framework
from capmap.placements import selectors
from capmap.placements.demo import load_demo_scheme
from capmap.placements.models import Participation
from capmap.placements.tests.factories import profile_requiring
from capmap.placements.tests.test_session_competencies import second_package
from tests.system.conftest import at_phone_width


def test_practitioner_logs_a_session_choosing_only_her_own_competencies(
    demo_stages, signed_in_page, assert_accessible
):
    # Given Maya, placed on the demo scheme, whose role profile names one competency of two
    # frameworks' two
    demo_stages.load(load_demo_scheme)
    participation = Participation.objects.get(
        application__applicant__user__email__startswith="maya.chaudhry"
    )
    framework()
    framework(package=second_package(), slug="another")
    history = Competency.objects.get(title="Takes a history")
    profile_requiring(participation.application.applicant, [history])
    offered = list(selectors.participant_competencies(participation))
    assert offered == [history]
    assert applicable_role_profiles(participation.application.applicant).exists()
    page = signed_in_page("practitioner")
    # When she opens her placement and chooses to log a session
    page.goto(f"/placements/participants/{participation.pk}/")
    page.get_by_role("button", name="Log a session").click()
    # Then the competencies offered are her role profile's, grouped by domain
    boxes = page.locator("input[name=competencies]")
    expect(boxes).to_have_count(len(offered))
    expect(page.locator("fieldset legend").first).to_be_visible()
    expect(page.get_by_label("Takes a history")).to_be_visible()
    expect(page.get_by_text("Leads a team huddle")).to_have_count(0)
    assert_accessible(page)
    at_phone_width(page)
    assert_accessible(page)
