"""A programme lead sends the placement offer again to a participant who has not started
(logged no session) yet: rate-limited, audited, shown on the scheme page with "last sent"."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from capmap.core.exceptions import DomainError, NotPermitted
from capmap.placements import services
from capmap.placements.models import Participation
from capmap.placements.services import offers
from capmap.placements.tests.factories import running_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = running_story()
    s.alice.email = "alice.ashby@example.nhs.uk"
    s.alice.save(update_fields=["email"])
    return s


def an_hour_ago(participation):
    Participation.objects.filter(pk=participation.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    participation.refresh_from_db()


def resend(s, actor=None):
    return offers.resend_offer(actor=actor or s.lead, participation=s.participation)


def url(s):
    return reverse("placements:resend_offer", args=[s.scheme.pk, s.participation.pk])


def scheme_page(s, client):
    return client.get(reverse("placements:show_scheme", args=[s.scheme.pk])).content.decode()


def test_resending_e_mails_the_offer_and_counts_it(s):
    an_hour_ago(s.participation)
    mail.outbox.clear()
    resend(s)
    [message] = mail.outbox
    assert message.to == ["alice.ashby@example.nhs.uk"]
    assert message.subject == f"Reminder: {s.scheme.title}: your placement"
    assert "Respiratory clinic" in message.body
    s.participation.refresh_from_db()
    assert s.participation.offers_sent == 2
    assert s.participation.offer_sent_at > timezone.now() - timedelta(minutes=1)


def test_resending_within_fifteen_minutes_is_refused(s):
    with pytest.raises(DomainError, match="less than 15 minutes ago"):
        resend(s)
    assert mail.outbox == []


def test_a_participant_who_has_logged_a_session_is_not_sent_the_offer_again(s):
    an_hour_ago(s.participation)
    services.log_session(
        actor=s.alice.user,
        participation=s.participation,
        date=max(s.scheme.starts_on, timezone.localdate() - timedelta(days=1)),
        half_days=1,
        activities="Asthma clinic",
    )
    with pytest.raises(DomainError, match="already logged a session"):
        resend(s)


def test_a_participant_without_an_e_mail_address_is_explained(s):
    an_hour_ago(s.participation)
    s.alice.email = ""
    s.alice.save(update_fields=["email"])
    s.participation.refresh_from_db()
    with pytest.raises(DomainError, match="no e-mail address"):
        resend(s)


def test_resending_is_audited_with_the_lead(s):
    an_hour_ago(s.participation)
    resend(s)
    entry = LogEntry.objects.get_for_object(s.participation).order_by("-timestamp").first()
    assert entry.actor == s.lead
    assert "offers_sent" in entry.changes_dict


def test_only_the_schemes_lead_may_resend(s):
    an_hour_ago(s.participation)
    with pytest.raises(NotPermitted):
        resend(s, actor=s.manager_a)


def test_lead_sees_last_sent_confirms_then_sees_a_success_message(s, client):
    an_hour_ago(s.participation)
    client.force_login(s.lead)
    page = scheme_page(s, client)
    assert "Last sent" in page
    assert 'Send again<span class="nhsuk-u-visually-hidden"> to Alice Ashby' in page
    confirm = client.get(url(s)).content.decode()
    assert "Send the placement offer again to Alice Ashby?" in confirm
    assert "once every 15 minutes" in confirm
    done = client.post(url(s), follow=True).content.decode()
    assert "Placement offer sent again to Alice Ashby." in done
    assert len(mail.outbox) == 1


def test_a_second_resend_at_once_says_when_it_can_be_sent(s, client):
    client.force_login(s.lead)
    page = client.post(url(s), follow=True).content.decode()
    assert "You can send it again from" in page
    assert mail.outbox == []


def test_once_started_the_scheme_page_says_so_and_offers_no_resend(s, client):
    services.log_session(
        actor=s.alice.user,
        participation=s.participation,
        date=max(s.scheme.starts_on, timezone.localdate() - timedelta(days=1)),
        half_days=1,
        activities="Asthma clinic",
    )
    client.force_login(s.lead)
    page = scheme_page(s, client)
    assert "Started" in page
    assert url(s) not in page
    assert "has started their placement" in client.get(url(s)).content.decode()


def test_the_participant_sees_no_offer_column(s, client):
    client.force_login(s.alice.user)
    page = scheme_page(s, client)
    assert "Last sent" not in page
    assert client.get(url(s)).status_code == 404


def test_another_organisations_user_gets_nothing(s, client):
    an_hour_ago(s.participation)
    client.force_login(s.other)
    assert client.get(url(s)).status_code == 404
    assert client.post(url(s)).status_code == 404
    s.participation.refresh_from_db()
    assert s.participation.offers_sent == 1
    assert mail.outbox == []
