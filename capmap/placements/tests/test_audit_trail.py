"""Scheme status changes, survey link claims and responses reach the right admins' audit trail."""

import pytest
from django.test import Client

from capmap.organisations.models import Role
from capmap.organisations.tests.conftest import audit_trail, member
from capmap.placements import services
from capmap.placements.models import Audience, QuestionKind, SchemeStatus
from capmap.placements.selectors import feedback as feedback_selectors
from capmap.placements.services import feedback as feedback_services
from capmap.placements.tests.factories import running_story, scheme_story

pytestmark = pytest.mark.django_db
NO_ENTRIES = "No changes to show"


def test_a_scheme_status_change_is_in_the_owner_admins_audit_trail_only(client):
    s = scheme_story(status=SchemeStatus.APPLICATIONS_OPEN)
    services.change_status(actor=s.lead, scheme=s.scheme, status=SchemeStatus.ALLOCATING)
    ics_admin = member(s.t.ics, Role.ADMIN)
    ours = audit_trail(client, ics_admin, "placements.schemestatuschange")
    assert f"{s.scheme.title}: Allocating" in ours and s.lead.email in ours
    theirs = audit_trail(client, s.other, "placements.schemestatuschange")
    assert NO_ENTRIES in theirs and s.scheme.title not in theirs


@pytest.fixture
def answered():
    """A GP survey of the running scheme, one link sent to a GP who answered it."""
    s = running_story()
    survey = feedback_services.create_survey(
        actor=s.lead, scheme=s.scheme, audience=Audience.HOME_MANAGER
    )
    [sent] = feedback_services.send_invitations(
        actor=s.lead, survey=survey, emails=["gp@example.nhs.uk"], link_for=lambda token: token
    )
    answers = {
        f"q{q.pk}": "4" if q.kind == QuestionKind.LIKERT else "Fewer referrals to clinic"
        for q in survey.questions.all()
    }
    # The GP happens to be signed in: the audit trail must still not name them.
    gp = Client()
    gp.force_login(member(s.t.practice_a, Role.MANAGER))
    assert gp.post(f"/placements/feedback/{sent.link}/", answers).status_code == 302
    return s, survey


def test_a_survey_link_claim_is_audited_anonymously_for_the_owner_admins(client, answered):
    s, survey = answered
    ics_admin = member(s.t.ics, Role.ADMIN)
    page = audit_trail(client, ics_admin, "placements.invitation")
    assert "Updated" in page and "Used at" in page
    assert "Anonymous (survey link)" in page
    theirs = audit_trail(client, s.other, "placements.invitation")
    assert NO_ENTRIES in theirs and survey.title not in theirs


def test_a_survey_response_is_audited_without_its_answers_or_who_gave_it(client, answered):
    s, survey = answered
    respondent = survey.invitations.get().email
    ics_admin = member(s.t.ics, Role.ADMIN)
    page = audit_trail(client, ics_admin, "placements.response")
    assert f"Response to {survey.title}" in page
    assert "Anonymous (survey link)" in page
    assert "Fewer referrals" not in page and respondent not in page
    theirs = audit_trail(client, s.other, "placements.response")
    assert NO_ENTRIES in theirs and survey.title not in theirs


def test_free_text_answers_are_listed_alphabetically_not_in_the_order_links_were_used(answered):
    s, survey = answered
    links = feedback_services.send_invitations(
        actor=s.lead, survey=survey, emails=["a@example.nhs.uk"], link_for=lambda token: token
    )
    later = {
        f"q{q.pk}": "3" if q.kind == QuestionKind.LIKERT else "Already better"
        for q in survey.questions.all()
    }
    assert Client().post(f"/placements/feedback/{links[0].link}/", later).status_code == 302
    text_question = next(q for q in feedback_selectors.survey_summary(survey) if q.texts)
    assert text_question.texts == ["Already better", "Fewer referrals to clinic"]
