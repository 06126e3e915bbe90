"""The demo scheme loads on top of the demo story: 12 placements at two trusts, 11 of 12 placed."""

import pytest

from capmap.demo.story import load_demo_story
from capmap.people.models import Supervision, SupervisionKind
from capmap.placements.demo import load_demo_scheme
from capmap.placements.models import (
    Audience,
    Invitation,
    Measure,
    MeasureValue,
    Participation,
    Response,
    Scheme,
    SchemeStatus,
)
from capmap.placements.selectors.outcomes import change_from_baseline

pytestmark = pytest.mark.django_db


def test_demo_scheme_places_eleven_of_twelve_and_logs_sessions():
    load_demo_story()
    assert load_demo_scheme() is True
    scheme = Scheme.objects.get()
    assert scheme.status == SchemeStatus.RUNNING
    assert scheme.placements.count() == 12
    assert scheme.placements.values("host").distinct().count() == 2
    assert scheme.applications.count() == 12
    participations = Participation.objects.filter(placement__scheme=scheme)
    assert participations.count() == 11
    assert participations.filter(application__applicant__first_name="Maya").exists()
    assert (
        Supervision.objects.filter(kind=SupervisionKind.MENTOR, participation__isnull=False).count()
        == 11
    )
    assert participations.filter(sessions__confirmed_at__isnull=False).exists()
    assert load_demo_scheme() is False


def test_demo_scheme_needs_the_demo_story():
    assert load_demo_scheme() is False


def test_demo_scheme_has_feedback_from_every_audience_and_a_respiratory_outcome():
    load_demo_story()
    load_demo_scheme()
    scheme = Scheme.objects.get()
    assert sorted(scheme.surveys.values_list("audience", flat=True)) == sorted(Audience.values)
    for survey in scheme.surveys.all():
        assert Response.objects.filter(survey=survey).exists()
        assert survey.invitations.filter(used_at__isnull=True).exists()
    measure = Measure.objects.get(scheme=scheme)
    assert measure.name == "Referrals to the respiratory clinic per month per practice"
    change = change_from_baseline(measure)
    assert change.better is True
    counts = (Invitation.objects.count(), Response.objects.count(), MeasureValue.objects.count())
    # Loading again changes nothing; an older demo database without feedback gets it added.
    assert load_demo_scheme() is False
    assert (
        Invitation.objects.count(),
        Response.objects.count(),
        MeasureValue.objects.count(),
    ) == counts
    scheme.surveys.all().delete()
    scheme.measures.all().delete()
    assert load_demo_scheme() is False
    assert scheme.surveys.count() == 3 and scheme.measures.count() == 1
