"""Outcome measures: values entered or imported (all rows or none), run charts, change from
baseline judged by the measure's better direction."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capmap.core.exceptions import DomainError
from capmap.placements.models import Direction, MeasureValue, Phase
from capmap.placements.selectors import outcomes as outcome_selectors
from capmap.placements.services import outcomes as outcome_services
from capmap.placements.tests.factories import running_story

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "practice,month,value,phase\n"
    "F86001,2026-01,12,baseline\n"
    "F86002,2026-01,10,baseline\n"
    "F86001,2026-02,14,baseline\n"
    "F86001,2026-07,8,follow-up\n"
    "f86002,2026-07,6,Follow-up\n"
)


@pytest.fixture
def s():
    return running_story()


def referrals(s, better=Direction.LOWER):
    return outcome_services.define_measure(
        actor=s.lead,
        scheme=s.scheme,
        name="Referrals to the respiratory clinic",
        unit="referrals a month",
        better=better,
    )


def upload(content: str):
    return SimpleUploadedFile("values.csv", content.encode(), content_type="text/csv")


def test_lead_defines_a_measure_and_enters_a_value_in_the_form(client, s):
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:define_measure", args=[s.scheme.pk]),
        {"name": "Referrals to the respiratory clinic", "unit": "", "better": "lower"},
    )
    assert response.status_code == 302
    measure = s.scheme.measures.get()
    response = client.post(
        reverse("placements:record_value", args=[s.scheme.pk, measure.pk]),
        {"practice": s.t.practice_a.pk, "month": "2026-03", "phase": "baseline", "value": "7.5"},
    )
    assert response.status_code == 302
    value = MeasureValue.objects.get()
    assert (value.month, value.value) == (datetime.date(2026, 3, 1), Decimal("7.50"))


def test_a_month_not_written_as_yyyy_mm_is_refused_in_the_form(client, s):
    measure = referrals(s)
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:record_value", args=[s.scheme.pk, measure.pk]),
        {"practice": s.t.practice_a.pk, "month": "March", "phase": "baseline", "value": "7"},
    )
    assert response.status_code == 200
    assert "Enter the month as YYYY-MM" in response.content.decode()
    assert not MeasureValue.objects.exists()


def test_a_practice_outside_the_scheme_cannot_be_given_a_value(s):
    measure = referrals(s)
    with pytest.raises(DomainError, match="inside the scheme"):
        outcome_services.record_value(
            actor=s.lead,
            measure=measure,
            practice=s.far_practice,
            month=datetime.date(2026, 1, 1),
            phase=Phase.BASELINE,
            value=Decimal(3),
        )


def test_csv_import_saves_every_row_and_the_change_from_baseline_is_better(s):
    measure = referrals(s)
    result = outcome_services.import_values_csv(
        actor=s.lead, measure=measure, content=GOOD_CSV.encode()
    )
    assert (result.created, result.updated) == (5, 0)
    change = outcome_selectors.change_from_baseline(measure)
    assert change.baseline_mean == Decimal("12.00")
    assert change.follow_up_mean == Decimal("7.00")
    assert change.change == Decimal("-5.00")
    assert change.better is True
    assert change.verdict == "Better than baseline."


def test_the_same_fall_is_worse_when_higher_is_better(s):
    measure = referrals(s, better=Direction.HIGHER)
    outcome_services.import_values_csv(actor=s.lead, measure=measure, content=GOOD_CSV.encode())
    change = outcome_selectors.change_from_baseline(measure)
    assert change.better is False
    assert change.verdict == "Worse than baseline."


def test_a_csv_with_mistakes_saves_nothing_and_names_each_row(client, s):
    measure = referrals(s)
    content = (
        "practice,month,value,phase\n"
        "F86001,2026-01,12,baseline\n"
        "F86001,January,12,baseline\n"
        "Y99999,2026-01,4,baseline\n"
        "F86002,2026-01,-1,baseline\n"
        "F86002,2026-02,3,during\n"
        "F86001,2026-01,11,baseline\n"
    )
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:import_values", args=[s.scheme.pk, measure.pk]),
        {"file": upload(content)},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: 5 rows need correcting." in text
    for row in ("3", "4", "5", "6", "7"):
        assert f'<th scope="row" class="nhsuk-table__header">{row}</th>' in text
    assert "Enter the month as YYYY-MM" in text
    assert "ODS code &#39;Y99999&#39;" in text
    assert "Row 2 already gives F86001 for 2026-01." in text
    assert not MeasureValue.objects.exists()


def test_a_csv_without_the_columns_is_refused(s):
    measure = referrals(s)
    with pytest.raises(DomainError, match="Missing: phase"):
        outcome_services.import_values_csv(
            actor=s.lead, measure=measure, content=b"practice,month,value\nF86001,2026-01,3\n"
        )


def test_measure_page_draws_a_run_chart_with_its_median(client, s):
    measure = referrals(s)
    client.force_login(s.lead)
    response = client.post(
        reverse("placements:import_values", args=[s.scheme.pk, measure.pk]),
        {"file": upload(GOOD_CSV)},
    )
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert 'class="app-chart__median"' in text
    # Monthly means per practice: Jan 11, Feb 14, Jul 7; their median is 11.
    assert 'data-value="11"' in text and "Median 11" in text
    assert "Baseline and follow-up" not in text
    assert "Better than baseline." in text
    listing = client.get(reverse("placements:list_measures", args=[s.scheme.pk])).content.decode()
    assert "-5.00" in listing


def test_user_of_another_organisation_gets_404_on_outcome_pages_and_sees_nothing(client, s):
    measure = referrals(s)
    outcome_services.import_values_csv(actor=s.lead, measure=measure, content=GOOD_CSV.encode())
    client.force_login(s.other)
    pk = s.scheme.pk
    urls = [
        reverse("placements:list_measures", args=[pk]),
        reverse("placements:define_measure", args=[pk]),
        reverse("placements:show_measure", args=[pk, measure.pk]),
        reverse("placements:record_value", args=[pk, measure.pk]),
        reverse("placements:import_values", args=[pk, measure.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        response = client.post(url, {"name": "Spy", "better": "lower", "file": upload(GOOD_CSV)})
        assert response.status_code == 404, url
        assert measure.name not in response.content.decode()
    assert s.scheme.measures.count() == 1
    assert MeasureValue.objects.count() == 5


def test_the_lead_of_another_scheme_cannot_reach_this_measure_through_their_own(client, s):
    from capmap.placements.tests.factories import SchemeFactory

    measure = referrals(s)
    theirs = SchemeFactory(owner=s.elsewhere)
    client.force_login(s.other)
    url = reverse("placements:show_measure", args=[theirs.pk, measure.pk])
    assert client.get(url).status_code == 404
