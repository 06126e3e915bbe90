import pytest

from capmap.assessments import services as assessment_services
from capmap.assessments.tests.factories import levels, submitted_assessment, world
from capmap.people.tests.factories import PersonFactory


@pytest.fixture
def w(db):
    """The assessments world (Riverside PCN's pharmacist signed off by her mentor), with a
    colleague in Hillside PCN whom Riverside must never see."""
    w = world()
    assessment = submitted_assessment(w)
    assessment_services.sign_off_assessment(
        actor=w.mentor, assessment=assessment, ratings=levels(w, 2, 1, 1)
    )
    w.hillside_person = PersonFactory(
        first_name="Hana", last_name="Hillside", employer=w.orgs.practice_b
    )
    return w
