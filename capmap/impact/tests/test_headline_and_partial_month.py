"""The headline total counts each activity once, and the month still running is marked as so
far, never drawn as a fall to zero."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from capmap.core.exceptions import DomainError
from capmap.impact import selectors, services
from capmap.impact.presenters import ImpactPresenter
from capmap.impact.tests.factories import ActivityRecordFactory, activity
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
MARCH = datetime.date(2026, 3, 1)


def record(person, slug, month, count):
    ActivityRecordFactory(
        person=person,
        activity_type=activity(slug),
        period_start=datetime.date(2026, month, 1),
        count=count,
    )


@pytest.fixture
def pharmacist_story():
    t = tree()
    viewer = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER).user
    pharmacist = PersonFactory(employer=t.practice_a, start_date=datetime.date(2025, 1, 1))
    return t, viewer, pharmacist


def test_headline_is_each_activity_counted_once_a_worked_example(pharmacist_story):
    t, viewer, pharmacist = pharmacist_story
    # Given a pharmacist's March: 10 medication reviews (1 appointment each), 4 reconciliations
    # (half an appointment each), 6 consultations instead of a GP (1 each), 3 medicines stopped
    # (none released).
    record(pharmacist, "structured-medication-reviews", 3, 10)
    record(pharmacist, "medicines-reconciliation", 3, 4)
    record(pharmacist, "gp-appointments-released", 3, 6)
    record(pharmacist, "intervention-stop", 3, 3)
    summary = selectors.impact_summary(viewer, t.pcn_a, end=datetime.date(2026, 3, 31), months=1)
    # Then 10 x 1 + 4 x 0.5 + 6 x 1 + 3 x 0 = 18 appointments, and 18 x 10 minutes = 3 hours.
    assert summary.total_gp_appointments == Decimal(18)
    assert summary.total_gp_hours == 3.0
    page = ImpactPresenter(summary)
    assert page.headline[0].label == "GP appointments released (all activities)"
    assert page.headline[0].value == "18"
    # The totals table's last row is the same figure, the sum of its last column.
    last_column = [row[-1] for row in page.totals_table.rows]
    assert last_column[-1] == "18"
    assert sum(float(v) for v in last_column[:-1]) == 18
    # And no activity row carries the headline's name.
    names = [row[0] for row in page.totals_table.rows]
    assert "GP appointments released" not in names
    assert "Consultations instead of a GP appointment" in names


def test_an_activity_cannot_take_the_headline_totals_name(pharmacist_story):
    admin = MembershipFactory(role=Role.ADMIN).user
    with pytest.raises(DomainError, match="Name the activity by what staff do"):
        services.create_activity_type(
            actor=admin, name="gp appointments  released", job_role=job_role("clinical-pharmacist")
        )


def test_the_running_month_is_partial_and_not_plotted_as_zero(pharmacist_story):
    t, viewer, pharmacist = pharmacist_story
    record(pharmacist, "structured-medication-reviews", 1, 10)
    record(pharmacist, "structured-medication-reviews", 2, 20)
    # Nothing recorded yet in March, on the 2nd.
    summary = selectors.impact_summary(viewer, t.pcn_a, end=datetime.date(2026, 3, 2), months=3)
    assert summary.partial_month == MARCH
    page = ImpactPresenter(summary)
    chart = page.trend_chart
    assert chart.labels[-1] == "Mar 2026 so far (partial)"
    assert chart.table.rows[-1] == ["Mar 2026 so far (partial)", "None recorded yet"]
    root = ET.fromstring(str(chart.svg))
    points = root.findall(f".//{SVG}circle")
    assert [p.get("data-value") for p in points] == ["10", "20"]  # no point at zero
    assert "not over yet" in page.partial_note


def test_a_month_that_has_ended_is_not_partial(pharmacist_story):
    t, viewer, _ = pharmacist_story
    summary = selectors.impact_summary(viewer, t.pcn_a, end=datetime.date(2026, 3, 31), months=3)
    assert summary.partial_month is None
    assert ImpactPresenter(summary).partial_note == ""
