"""Logging a session offers, and accepts, only the participant's own competencies."""

import datetime

import pytest

from capmap.core.exceptions import DomainError
from capmap.frameworks.models import Competency
from capmap.frameworks.tests.factories import framework, small_package
from capmap.placements import selectors, services
from capmap.placements.models import EligibilityKind, EligibilityRule
from capmap.placements.tests.factories import profile_requiring, running_story

pytestmark = pytest.mark.django_db


def second_package() -> dict:
    package = small_package("d2")
    package["CFDocument"]["title"] = "Another framework"
    package["CFItems"][0]["fullStatement"] = "Leadership"
    package["CFItems"][1]["fullStatement"] = "Leads a team huddle"
    package["CFItems"][1]["humanCodingScheme"] = "L.1"
    for association in package["CFAssociations"]:
        association["identifier"] += "-d2"
    return package


@pytest.fixture
def s():
    s = running_story()
    framework()
    framework(package=second_package(), slug="another")
    s.history = Competency.objects.get(title="Takes a history")
    s.huddle = Competency.objects.get(title="Leads a team huddle")
    profile_requiring(s.alice, [s.history])
    today = datetime.date.today()
    s.scheme.starts_on = today - datetime.timedelta(days=30)
    s.scheme.ends_on = today + datetime.timedelta(days=30)
    s.scheme.save()
    s.today = today
    return s


def log(s, competencies):
    return services.log_session(
        actor=s.alice.user,
        participation=s.participation,
        date=s.today,
        half_days=1,
        activities="Asthma clinic",
        competencies=competencies,
    )


def test_only_the_participants_role_profile_competencies_are_offered(s):
    assert list(selectors.participant_competencies(s.participation)) == [s.history]
    assert selectors.participant_competencies_by_domain(s.participation) == [
        ("Clinical practice", [s.history])
    ]


def test_a_competency_named_by_the_placements_rule_is_offered_too(s):
    EligibilityRule.objects.create(
        scheme=s.scheme,
        placement=s.respiratory,
        kind=EligibilityKind.COMPETENCY_LEVEL,
        competency=s.huddle,
        minimum_level=1,
    )
    offered = set(selectors.participant_competencies(s.participation))
    assert offered == {s.history, s.huddle}


def test_the_service_refuses_a_competency_outside_the_participants_set(s):
    with pytest.raises(DomainError, match="Leads a team huddle: not in your role profile"):
        log(s, [s.huddle])
    assert not s.participation.sessions.exists()


def test_the_service_accepts_the_participants_own_competency(s):
    session = log(s, [s.history])
    assert list(session.competencies.all()) == [s.history]


def test_the_page_shows_only_the_participants_competencies_grouped_by_domain(s, client):
    client.force_login(s.alice.user)
    page = client.get(f"/placements/participants/{s.participation.pk}/sessions/new/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Takes a history" in html
    assert "nhsuk-fieldset__legend" in html and "Clinical practice" in html
    assert "Leads a team huddle" not in html


def test_posting_a_competency_from_elsewhere_is_refused_on_the_page(s, client):
    client.force_login(s.alice.user)
    page = client.post(
        f"/placements/participants/{s.participation.pk}/sessions/new/",
        {
            "date": s.today.isoformat(),
            "half_days": "1",
            "activities": "Ward round",
            "competencies": [str(s.huddle.pk)],
        },
    )
    assert page.status_code == 200
    assert "Choose only competencies listed on this page" in page.content.decode()
    assert not s.participation.sessions.exists()
