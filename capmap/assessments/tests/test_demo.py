"""The demo's assessments: a cycle in Samir's PCN, Maya's submission in Daniel's queue, and
colleagues in the other states, all made through the services."""

import pytest
from auditlog.models import LogEntry

from capmap.accounts.models import User
from capmap.assessments import selectors, services
from capmap.assessments.demo import CYCLE_TITLE, _profile, _ratings, load_demo_assessments
from capmap.assessments.models import (
    Assessment,
    AssessmentCycle,
    AssessmentStatus,
    Notification,
    SelfRating,
    State,
)
from capmap.demo.loader import load_demo
from capmap.demo.story import HOME_PCN, load_demo_story, persona
from capmap.development.demo import load_demo_development
from capmap.portfolio.models import EvidenceItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()


def _user(key: str) -> User:
    return User.objects.get(email=persona(key)[0])


def test_the_demo_puts_mayas_submitted_assessment_in_daniels_sign_off_queue(demo):
    queue = selectors.sign_off_queue_rows(_user("supervisor"))
    maya = _user("practitioner").person
    assert [a.person for a in queue] == [maya]
    assessment = queue[0]
    assert assessment.state == State.SUBMITTED
    assert assessment.role_profile.stage == "junior"
    assert assessment.cycle.title == CYCLE_TITLE
    required = assessment.role_profile.requirements.count()
    assert SelfRating.objects.filter(assessment=assessment).count() == required
    assert EvidenceItem.objects.filter(person=maya).count() == 2
    notification = Notification.objects.get(recipient=_user("supervisor"))
    assert "Maya Chaudhry submitted" in notification.text


def test_the_pcn_manager_opened_the_cycle_and_sees_every_state_in_its_progress(demo):
    manager = _user("pcn_manager")
    cycle = AssessmentCycle.objects.get(title=CYCLE_TITLE)
    assert cycle.opened_by == manager
    assert cycle.organisation.name == HOME_PCN
    assert list(selectors.cycles_for(manager)) == [cycle]
    progress = selectors.cycle_progress(manager, cycle)
    assert progress.counts == {
        State.DRAFT: 1,
        State.SUBMITTED: 1,
        State.RETURNED: 1,
        State.SIGNED_OFF: 1,
    }
    assert progress.not_started == progress.team - 4
    calibrated = selectors.team_calibration(manager, cycle)
    assert len(calibrated) == 2
    assert any(
        row.calibration.rated and row.calibration.agreed < row.calibration.rated
        for row in calibrated
    )


def test_the_demo_assessments_leave_status_rows_and_audit_entries(demo):
    assessments = Assessment.objects.filter(cycle__title=CYCLE_TITLE)
    assert assessments.count() == 4
    for assessment in assessments:
        assert AssessmentStatus.objects.filter(assessment=assessment).exists()
    assert LogEntry.objects.filter(
        content_type__model="assessment", actor=_user("practitioner")
    ).exists()
    assert LogEntry.objects.filter(
        content_type__model="signoff", actor=_user("pcn_manager")
    ).exists()


def test_loading_the_demo_assessments_again_adds_nothing(demo):
    counts = (
        AssessmentCycle.objects.count(),
        Assessment.objects.count(),
        AssessmentStatus.objects.count(),
        Notification.objects.count(),
        EvidenceItem.objects.count(),
    )
    assert load_demo_assessments() is False
    assert "assessment cycle" not in " ".join(load_demo())
    assert (
        AssessmentCycle.objects.count(),
        Assessment.objects.count(),
        AssessmentStatus.objects.count(),
        Notification.objects.count(),
        EvidenceItem.objects.count(),
    ) == counts


def test_without_the_demo_story_nothing_is_added():
    assert load_demo_assessments() is False
    assert not AssessmentCycle.objects.exists()


def test_an_assessment_maya_already_submitted_by_hand_is_left_as_it_is():
    load_demo_story()
    load_demo_development()
    maya = _user("practitioner").person
    profile = _profile(maya)
    own = services.start_assessment(actor=maya.user, person=maya, role_profile=profile)
    services.save_self_ratings(actor=maya.user, assessment=own, ratings=_ratings(profile, [0]))
    services.submit_assessment(actor=maya.user, assessment=own)

    assert load_demo_assessments() is True
    assert list(Assessment.objects.filter(person=maya)) == [own]
    assert selectors.sign_off_queue_rows(_user("supervisor")) == [own]
    assert not EvidenceItem.objects.filter(person=maya).exists()
