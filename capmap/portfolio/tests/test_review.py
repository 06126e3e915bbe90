"""Evidence review is a workflow of status rows: submitted, then accepted or rejected,
each decision kept with who made it; a reviewer from elsewhere changes nothing."""

import pytest
from django.utils import timezone

from capmap.assessments.tests.factories import world
from capmap.core.exceptions import NotPermitted
from capmap.core.workflow import TransitionRefused, history
from capmap.portfolio import selectors
from capmap.portfolio.services import add_evidence, review_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return world()


def _evidence(w):
    return add_evidence(
        actor=w.pharmacist_user,
        person=w.pharmacist,
        kind="reflection",
        title="Inhaler technique review",
        occurred_on=timezone.localdate(),
        competencies=[w.competencies[0]],
    )


def test_new_evidence_is_submitted_and_the_mentor_accepts_it(w):
    item = _evidence(w)
    assert selectors.get_evidence(w.pharmacist_user, item.pk).status == "submitted"
    review_evidence(actor=w.mentor, evidence=item, accept=True, comment="Well reflected.")
    seen = selectors.get_evidence(w.pharmacist_user, item.pk)
    assert (seen.status, seen.status_comment) == ("accepted", "Well reflected.")
    assert [(r.status, r.actor) for r in history(item)] == [
        ("submitted", w.pharmacist_user),
        ("accepted", w.mentor),
    ]


def test_accepting_twice_is_refused_but_a_reviewer_may_change_their_mind(w):
    item = _evidence(w)
    review_evidence(actor=w.mentor, evidence=item, accept=True)
    with pytest.raises(TransitionRefused, match="is accepted, so it cannot move to accepted"):
        review_evidence(actor=w.manager, evidence=item, accept=True)
    review_evidence(actor=w.manager, evidence=item, accept=False, comment="Wrong competency.")
    assert [r.status for r in history(item)] == ["submitted", "accepted", "rejected"]


def test_an_admin_of_another_pcn_cannot_review_and_leaves_no_row(w):
    item = _evidence(w)
    with pytest.raises(NotPermitted):
        review_evidence(actor=w.other_admin, evidence=item, accept=True)
    assert [r.status for r in history(item)] == ["submitted"]
    with pytest.raises(item.DoesNotExist):
        selectors.get_evidence(w.other_admin, item.pk)
