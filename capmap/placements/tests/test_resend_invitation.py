"""A programme lead sends a survey link again to someone who has not answered: a new link on the
same invitation (never a second way to answer), rate-limited, audited."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.placements.models import Audience, Invitation
from capmap.placements.services import feedback as feedback_services
from capmap.placements.tests.factories import running_story
from capmap.placements.tests.test_feedback import answers_for, invite, path_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = running_story()
    s.survey = feedback_services.create_survey(
        actor=s.lead, scheme=s.scheme, audience=Audience.HOME_MANAGER
    )
    [s.first_link] = invite(s, s.survey)
    s.invitation = Invitation.objects.get(survey=s.survey)
    return s


def an_hour_ago(invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    invitation.refresh_from_db()


def resend(s, actor=None):
    return feedback_services.resend_invitation(
        actor=actor or s.lead,
        invitation=s.invitation,
        link_for=lambda token: f"http://testserver/placements/feedback/{token}/",
    )


def url(s):
    return reverse("placements:resend_invitation", args=[s.scheme.pk, s.survey.pk, s.invitation.pk])


def test_resending_replaces_the_link_on_the_same_invitation(s, client):
    an_hour_ago(s.invitation)
    mail.outbox.clear()
    sent = resend(s)
    assert Invitation.objects.filter(survey=s.survey).count() == 1  # no second slot
    assert mail.outbox[0].to == ["gp@example.nhs.uk"]
    assert sent.link in mail.outbox[0].body
    s.invitation.refresh_from_db()
    assert s.invitation.times_sent == 2
    # The old link no longer works; the new one does, once.
    assert client.get(path_of(s.first_link)).status_code == 404
    assert client.post(path_of(sent.link), answers_for(s.survey)).status_code == 302
    assert s.survey.responses.count() == 1


def test_resending_within_fifteen_minutes_is_refused(s):
    with pytest.raises(DomainError, match="less than 15 minutes ago"):
        resend(s)


def test_an_answered_invitation_is_not_resent(s, client):
    client.post(path_of(s.first_link), answers_for(s.survey))
    s.invitation.refresh_from_db()
    an_hour_ago(s.invitation)
    with pytest.raises(DomainError, match="already answered"):
        resend(s)


def test_resending_is_audited_with_the_lead(s):
    an_hour_ago(s.invitation)
    resend(s)
    entry = LogEntry.objects.get_for_object(s.invitation).order_by("-timestamp").first()
    assert entry.actor == s.lead
    assert "times_sent" in entry.changes_dict
    assert "token_hash" not in entry.changes_dict  # the hash is never written to the trail


def test_only_the_schemes_lead_may_resend(s):
    an_hour_ago(s.invitation)
    with pytest.raises(NotPermitted):
        resend(s, actor=s.manager_a)


def test_lead_confirms_then_sees_a_success_message(s, client):
    an_hour_ago(s.invitation)
    client.force_login(s.lead)
    survey_page = client.get(reverse("placements:show_survey", args=[s.scheme.pk, s.survey.pk]))
    assert "Send again" in survey_page.content.decode()
    confirm = client.get(url(s))
    assert "Send the invitation again to gp@example.nhs.uk?" in confirm.content.decode()
    assert "once every 15 minutes" in confirm.content.decode()
    done = client.post(url(s), follow=True)
    assert "Invitation sent again to gp@example.nhs.uk" in done.content.decode()


def test_a_second_resend_at_once_says_when_it_can_be_sent(s, client):
    client.force_login(s.lead)
    page = client.post(url(s), follow=True).content.decode()
    assert "You can send it again from" in page


def test_another_organisations_user_gets_nothing(s, client):
    client.force_login(s.other)
    assert client.get(url(s)).status_code == 404
    assert client.post(url(s)).status_code == 404
    s.invitation.refresh_from_db()
    assert s.invitation.times_sent == 1
