"""Feedback surveys: single-use links answered without an account, response rates, summaries."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from capmap.core.exceptions import DomainError
from capmap.placements.models import Answer, Audience, Invitation, QuestionKind, Response
from capmap.placements.selectors import feedback as feedback_selectors
from capmap.placements.services import feedback as feedback_services
from capmap.placements.tests.factories import running_story

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver/placements/feedback/[A-Za-z0-9_-]{40,}/")


@pytest.fixture
def s():
    return running_story()


def gp_survey(s):
    return feedback_services.create_survey(
        actor=s.lead, scheme=s.scheme, audience=Audience.HOME_MANAGER
    )


def invite(s, survey, emails=("gp@example.nhs.uk",)) -> list[str]:
    sent = feedback_services.send_invitations(
        actor=s.lead,
        survey=survey,
        emails=list(emails),
        link_for=lambda token: f"http://testserver/placements/feedback/{token}/",
    )
    return [invitation.link for invitation in sent]


def answers_for(survey, likert="5", text="Fewer referrals"):
    return {
        f"q{q.pk}": likert if q.kind == QuestionKind.LIKERT else text
        for q in survey.questions.all()
    }


def path_of(link: str) -> str:
    return link.removeprefix("http://testserver")


def test_lead_creates_a_survey_for_gps_with_the_suggested_questions(client, s):
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:create_survey", args=[s.scheme.pk]),
        {"audience": "home_manager", "title": "", "with_default_questions": "on"},
    )
    survey = s.scheme.surveys.get()
    assert response.status_code == 302
    assert survey.title == "Feedback from GPs and practice managers"
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert kinds.count(QuestionKind.LIKERT) == 4 and kinds.count(QuestionKind.TEXT) == 2
    page = client.get(response["Location"]).content.decode()
    assert "Releasing them for sessions was manageable for the practice." in page


def test_a_second_survey_for_the_same_audience_is_refused(s):
    gp_survey(s)
    with pytest.raises(DomainError, match="already has a survey"):
        gp_survey(s)


def test_invitations_are_emailed_and_shown_once_with_only_a_hash_stored(client, s):
    survey = gp_survey(s)
    client.force_login(s.lead)
    url = reverse("placements:invite", args=[s.scheme.pk, survey.pk])
    form = client.get(url).content.decode()
    assert s.manager_a.email in form  # suggested: the manager who confirmed Alice's release
    page = client.post(url, {"emails": "gp@example.nhs.uk\nmanager@example.nhs.uk"})
    links = LINK.findall(page.content.decode())
    assert len(links) == 2
    assert len(mail.outbox) == 2
    assert LINK.search(mail.outbox[0].body).group() in links
    token = links[0].rstrip("/").rsplit("/", 1)[1]
    stored = list(Invitation.objects.values_list("token_hash", flat=True))
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    assert token not in stored


def test_a_gp_answers_without_an_account_and_the_link_then_says_it_was_used(s):
    survey = gp_survey(s)
    [link] = invite(s, survey)
    gp = Client()
    page = gp.get(path_of(link))
    assert page.status_code == 200
    assert survey.title in page.content.decode()
    response = gp.post(path_of(link), answers_for(survey))
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:survey_thanks")
    assert Response.objects.filter(survey=survey).count() == 1
    again = gp.get(path_of(link))
    assert again.status_code == 410
    assert "This link has already been used" in again.content.decode()
    resend = gp.post(path_of(link), answers_for(survey, likert="1"))
    assert resend.status_code == 410
    assert Answer.objects.filter(likert=1).count() == 0


def test_expired_and_unknown_links_get_a_clear_page(s):
    survey = gp_survey(s)
    [link] = invite(s, survey)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = Client().get(path_of(link))
    assert expired.status_code == 410
    assert "This link has expired" in expired.content.decode()
    unknown = Client().get(reverse("placements:answer_survey", args=["not-a-real-token"]))
    assert unknown.status_code == 404
    assert "This link is not valid" in unknown.content.decode()


def test_answer_page_shows_the_scheme_title_and_questions_and_nothing_else(s):
    survey = gp_survey(s)
    [link] = invite(s, survey)
    response = Client().get(path_of(link))
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves the site
    text = response.content.decode()
    assert s.scheme.title in text
    for secret in (
        s.alice.full_name,
        s.respiratory.title,
        s.t.trust.name,
        s.t.ics.name,
        s.mentor.email,
        "/placements/",
    ):
        assert secret not in text.replace(path_of(link), "")


def test_answer_page_refuses_a_post_without_the_csrf_token(s):
    survey = gp_survey(s)
    [link] = invite(s, survey)
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(path_of(link)).status_code == 200
    response = browser.post(path_of(link), answers_for(survey))
    assert response.status_code == 403
    assert Invitation.objects.get().used_at is None


def test_every_agree_or_disagree_question_needs_an_answer_from_one_to_five(s):
    survey = gp_survey(s)
    [link] = invite(s, survey)
    gp = Client()
    missing = gp.post(path_of(link), answers_for(survey, likert=""))
    assert missing.status_code == 200
    assert "There is a problem" in missing.content.decode()
    out_of_range = gp.post(path_of(link), answers_for(survey, likert="6"))
    assert out_of_range.status_code == 200
    assert Invitation.objects.get().used_at is None
    assert not Response.objects.exists()


def test_response_rates_and_summary_show_counts_chart_and_comments(client, s):
    survey = gp_survey(s)
    links = invite(s, survey, emails=[f"gp{n}@example.nhs.uk" for n in range(4)])
    for link, likert, text in zip(links, ["5", "4", "2"], ["Great", "", "Too busy"], strict=False):
        Client().post(path_of(link), answers_for(survey, likert=likert, text=text))
    [rate] = [r for r in feedback_selectors.response_rates(s.scheme) if r.survey]
    assert (rate.invited, rate.answered, rate.percent) == (4, 3, 75)
    first = feedback_selectors.survey_summary(survey)[0]
    assert first.counts == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert first.mean == 3.7 and first.agree_percent == 67
    client.force_login(s.lead)
    page = client.get(reverse("placements:show_survey", args=[s.scheme.pk, survey.pk]))
    text = page.content.decode()
    assert "3 answered: a response rate of 75%" in text
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text
    assert "Strongly agree" in text and "Too busy" in text and "Great" in text
    listing = client.get(reverse("placements:list_surveys", args=[s.scheme.pk])).content.decode()
    assert "75%" in listing


def test_questions_cannot_change_once_someone_has_answered(s):
    survey = gp_survey(s)
    [link] = invite(s, survey)
    Client().post(path_of(link), answers_for(survey))
    with pytest.raises(DomainError, match="already answered"):
        feedback_services.add_question(
            actor=s.lead, survey=survey, kind=QuestionKind.TEXT, text="Anything else?"
        )


def test_lead_adds_a_free_text_question(client, s):
    survey = gp_survey(s)
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:add_question", args=[s.scheme.pk, survey.pk]),
        {"kind": "text", "text": "Anything else?"},
    )
    assert response.status_code == 302
    assert survey.questions.last().text == "Anything else?"


def test_only_a_programme_lead_can_send_invitations(s):
    survey = gp_survey(s)
    with pytest.raises(DomainError):
        feedback_services.send_invitations(
            actor=s.manager_a, survey=survey, emails=["x@example.nhs.uk"], link_for=str
        )


def test_user_of_another_organisation_gets_404_on_feedback_pages_and_sees_nothing(client, s):
    survey = gp_survey(s)
    invite(s, survey)
    question = survey.questions.first()
    client.force_login(s.other)
    pk = s.scheme.pk
    urls = [
        reverse("placements:list_surveys", args=[pk]),
        reverse("placements:create_survey", args=[pk]),
        reverse("placements:show_survey", args=[pk, survey.pk]),
        reverse("placements:add_question", args=[pk, survey.pk]),
        reverse("placements:invite", args=[pk, survey.pk]),
        reverse("placements:remove_question", args=[pk, survey.pk, question.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code in (404, 405), url
        response = client.post(url, {"emails": "spy@example.com", "kind": "text", "text": "x"})
        assert response.status_code == 404, url
        assert survey.title not in response.content.decode()
    assert Invitation.objects.count() == 1
    assert survey.questions.count() == 6


def test_a_practice_manager_of_the_same_ics_cannot_open_the_lead_feedback_pages(client, s):
    survey = gp_survey(s)
    client.force_login(s.manager_b)
    assert client.get(reverse("placements:list_surveys", args=[s.scheme.pk])).status_code == 404
    url = reverse("placements:show_survey", args=[s.scheme.pk, survey.pk])
    assert client.get(url).status_code == 404


def test_lead_removes_a_question_before_anyone_answers(client, s):
    survey = gp_survey(s)
    question = survey.questions.first()
    client.force_login(s.lead)
    url = reverse("placements:remove_question", args=[s.scheme.pk, survey.pk, question.pk])
    assert client.post(url).status_code == 302
    assert not survey.questions.filter(pk=question.pk).exists()
