"""A practitioner's home says what of theirs waits on their supervisor: self-assessments
submitted for sign-off and evidence awaiting review. Nobody else sees those lines."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from capmap.assessments import services
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.config.home import home_page
from capmap.portfolio import services as portfolio
from capmap.portfolio.models import EvidenceKind

pytestmark = pytest.mark.django_db


def add_reflection(w):
    return portfolio.add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind=EvidenceKind.REFLECTION,
        title="A reflection",
        occurred_on=timezone.localdate(),
        competencies=w.competencies[:1],
    )


def test_practitioner_is_told_who_holds_her_self_assessment_and_her_evidence():
    w = world()
    assessment = submitted_assessment(w)
    add_reflection(w)
    w.mentor.first_name, w.mentor.last_name = "Daniel", "Osei"
    w.mentor.save()
    page = home_page(w.pharmacist_user)
    assert [t.text for t in page.with_supervisor] == [
        f"Your self-assessment against {assessment.role_profile} is with Daniel Osei for sign-off",
        "1 piece of your evidence waits for your supervisor to review",
    ]
    assert page.with_supervisor[0].href == f"/assessments/{assessment.pk}/"
    assert page.with_supervisor[1].href == f"/portfolio/people/{w.pharmacist.pk}/"
    # Nothing of it is a task for the practitioner to do.
    assert not any("sign-off" in t.text or "supervisor to" in t.text for t in page.tasks)


def test_without_an_active_supervisor_the_line_says_your_supervisor():
    w = world()
    submitted_assessment(w)
    w.supervision.ends_on = timezone.localdate() - timedelta(days=1)
    w.supervision.save()
    [line] = home_page(w.pharmacist_user).with_supervisor
    assert line.text.endswith("is with your supervisor for sign-off")


def test_once_returned_the_assessment_leaves_the_supervisor_line():
    w = world()
    assessment = submitted_assessment(w)
    services.return_assessment(
        actor=w.mentor, assessment=assessment, comment="Add evidence.", ratings=levels(w, 2, 2, 1)
    )
    assert home_page(w.pharmacist_user).with_supervisor == []


def test_the_home_page_shows_the_with_your_supervisor_section():
    w = world()
    submitted_assessment(w)
    client = Client()
    client.force_login(w.pharmacist_user)
    page = client.get("/").content.decode()
    assert "With your supervisor" in page
    assert f"is with {w.mentor} for sign-off" in page
    # Her home no longer says flatly that nothing waits for her.
    assert "<p>Nothing waits for you.</p>" not in page
    assert "what you sent is with your supervisor" in page


def test_the_supervisor_and_another_organisation_see_no_such_line():
    w = world()
    submitted_assessment(w)
    add_reflection(w)
    assert home_page(w.mentor).with_supervisor == []
    assert home_page(w.other_admin).with_supervisor == []
    client = Client()
    client.force_login(w.other_admin)
    assert "With your supervisor" not in client.get("/").content.decode()
