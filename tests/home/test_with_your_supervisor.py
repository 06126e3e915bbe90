"""A practitioner's home says what of theirs waits on their supervisor: self-assessments
submitted for sign-off and evidence awaiting review. Nobody else sees those lines."""

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


def test_practitioner_sees_a_submitted_self_assessment_and_evidence_with_their_supervisor():
    w = world()
    submitted_assessment(w)
    add_reflection(w)
    page = home_page(w.pharmacist_user)
    assert [t.text for t in page.with_supervisor] == [
        "1 self-assessment waits for your supervisor to sign off",
        "1 piece of your evidence waits for your supervisor to review",
    ]
    assert page.with_supervisor[0].href == "/assessments/"
    assert page.with_supervisor[1].href == f"/portfolio/people/{w.pharmacist.pk}/"
    # Nothing of it is a task for the practitioner to do.
    assert not any("supervisor to" in t.text for t in page.tasks)


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
    assert "1 self-assessment waits for your supervisor to sign off" in page


def test_the_supervisor_and_another_organisation_see_no_such_line():
    w = world()
    submitted_assessment(w)
    add_reflection(w)
    assert home_page(w.mentor).with_supervisor == []
    assert home_page(w.other_admin).with_supervisor == []
    client = Client()
    client.force_login(w.other_admin)
    assert "With your supervisor" not in client.get("/").content.decode()
