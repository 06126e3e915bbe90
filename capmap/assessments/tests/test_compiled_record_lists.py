"""The sign-off queue, the evidence waiting on a supervisor, and a person's own open
assessments and evidence are read by compiled queries (ADR 0027): they must give what the
access policy's own filter gives, for whoever asks."""

import datetime

import pytest
from django.utils import timezone

from capmap.accounts.tests.factories import UserFactory
from capmap.assessments import selectors
from capmap.assessments.models import State
from capmap.assessments.tests.factories import submitted_assessment, world
from capmap.core.workflow import with_status
from capmap.people import policy
from capmap.people.tests.factories import PersonFactory, SupervisionFactory
from capmap.portfolio import selectors as portfolio
from capmap.portfolio.models import EvidenceItem, EvidenceReview
from capmap.portfolio.services import add_evidence, review_evidence

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _queue_by_the_policy(user) -> list:
    """The queue as the policy's filter on every assessment gives it."""
    people = sorted(policy.supervised_person_ids(user))
    return list(
        selectors.assessments_for(user)
        .filter(person_id__in=people, state=State.SUBMITTED)
        .order_by("state_at")
    )


def _evidence_by_the_policy(user) -> list[int]:
    people = sorted(policy.supervised_person_ids(user))
    visible = EvidenceItem.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, "person__"))
    items = with_status(visible).filter(person_id__in=people)
    return sorted(items.filter(status=EvidenceReview.SUBMITTED).values_list("person_id", flat=True))


def _reflection(w, person, title: str) -> EvidenceItem:
    """A piece of evidence the person adds to their own portfolio today."""
    return add_evidence(
        actor=person.user,
        person=person,
        kind="reflection",
        title=title,
        occurred_on=timezone.localdate(),
        competencies=[w.competencies[0]],
    )


@pytest.fixture
def w():
    """Priya's assessment submitted to her mentor, beside people the mentor supervised once,
    will supervise, or supervises with nothing submitted, and evidence in each state."""
    w = world()
    today = timezone.localdate()
    w.first = submitted_assessment(w)
    for starts_on, ends_on in ((today - 30 * DAY, today - DAY), (today + DAY, None)):
        person = PersonFactory(employer=w.orgs.practice_b, user=UserFactory())
        SupervisionFactory(person=person, supervisor=w.mentor, starts_on=starts_on, ends_on=ends_on)
        _reflection(w, person, "Outside the dates")
    w.quiet = PersonFactory(employer=w.orgs.trust)
    SupervisionFactory(person=w.quiet, supervisor=w.mentor, starts_on=today, ends_on=today)
    for title, accept in (("Waiting", None), ("Accepted", True), ("Also waiting", None)):
        item = _reflection(w, w.pharmacist, title)
        if accept:
            review_evidence(actor=w.mentor, evidence=item, accept=True)
    askers = {
        "mentor": w.mentor,
        "manager of the PCN": w.manager,
        "admin of another PCN": w.other_admin,
        "viewer": w.viewer,
        "the person": w.pharmacist_user,
        "no membership": UserFactory(),
    }
    # As each request reads them: nothing remembered from setting up.
    w.askers = {name: type(u).objects.get(pk=u.pk) for name, u in askers.items()}
    return w


def test_the_queue_page_lists_what_the_policy_admits_for_whoever_asks(w):
    for name, user in w.askers.items():
        rows = selectors.sign_off_queue_rows(user)
        expected = _queue_by_the_policy(user)
        assert [a.pk for a in rows] == [a.pk for a in expected], name
        for row, full in zip(rows, expected, strict=True):
            assert (row.person.full_name, str(row.role_profile)) == (
                full.person.full_name,
                str(full.role_profile),
            )
            assert (row.state, row.state_at) == (full.state, full.state_at)
    mentor = w.askers["mentor"]
    assert [a.pk for a in selectors.sign_off_queue_rows(mentor)] == [w.first.pk]


def test_evidence_waiting_on_a_supervisor_is_what_the_policy_admits_for_whoever_asks(w):
    for name, user in w.askers.items():
        assert sorted(portfolio.evidence_owners_to_review(user)) == _evidence_by_the_policy(user), (
            name
        )
    assert portfolio.evidence_owners_to_review(w.askers["mentor"]) == [w.pharmacist.pk] * 2


def _own_open_by_the_policy(user) -> list:
    own = selectors.assessments_for(user).filter(
        person__user=user, state__in=[State.DRAFT, State.RETURNED, State.SUBMITTED]
    )
    return list(own.order_by("created_at", "pk"))


def _own_evidence_waiting_by_the_policy(user) -> int:
    visible = EvidenceItem.objects.filter(policy.allowed_q(user, policy.VIEW_RECORD, "person__"))
    return with_status(visible).filter(person__user=user, status=EvidenceReview.SUBMITTED).count()


def test_own_open_assessments_and_evidence_are_what_the_policy_admits_for_whoever_asks(w):
    for name, user in w.askers.items():
        own, expected = selectors.my_open_assessments(user), _own_open_by_the_policy(user)
        assert [a.pk for a in own] == [a.pk for a in expected], name
        for row, full in zip(own, expected, strict=True):
            assert (row.state, row.cycle, row.role_profile.job_role) == (
                full.state,
                full.cycle,
                full.role_profile.job_role,
            )
        assert portfolio.my_evidence_awaiting_review(user) == (
            _own_evidence_waiting_by_the_policy(user)
        ), name
    person = w.askers["the person"]
    assert [a.pk for a in selectors.my_open_assessments(person)] == [w.first.pk]
    assert portfolio.my_evidence_awaiting_review(person) == 2


def test_without_the_policys_promise_the_lists_are_filtered_by_the_policy(w, monkeypatch):
    """Should the rule for a person's record stop admitting everyone supervised, the lists
    fall back to the policy's filter rather than trust the supervision alone."""
    monkeypatch.setattr(policy, "admits_everyone_supervised", lambda action: False)
    monkeypatch.setattr(policy, "admits_oneself", lambda action: False)
    for name, user in w.askers.items():
        assert [a.pk for a in selectors.my_open_assessments(user)] == [
            a.pk for a in _own_open_by_the_policy(user)
        ], name
        assert portfolio.my_evidence_awaiting_review(user) == (
            _own_evidence_waiting_by_the_policy(user)
        ), name
        assert [a.pk for a in selectors.sign_off_queue_rows(user)] == [
            a.pk for a in _queue_by_the_policy(user)
        ], name
        assert sorted(portfolio.evidence_owners_to_review(user)) == _evidence_by_the_policy(user), (
            name
        )


def test_the_rule_for_a_persons_record_admits_them_and_everyone_they_supervise():
    assert policy.admits_oneself(policy.VIEW_RECORD)
    assert not policy.admits_oneself(policy.VERIFY_RECORD)
    assert policy.admits_everyone_supervised(policy.VIEW_RECORD)
    assert not policy.admits_everyone_supervised(policy.VERIFY_RECORD)  # never the person
    assert not policy.admits_everyone_supervised(policy.CHANGE_PERSON)
