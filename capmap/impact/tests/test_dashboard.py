"""The impact dashboard: totals, trends and GP time in the viewer's scope only."""

import datetime
import re

import pytest

from capmap.impact import selectors
from capmap.impact.models import ActivityRecord, ImpactAssumption
from capmap.impact.tests.factories import ActivityRecordFactory, activity
from capmap.organisations.models import Role
from capmap.organisations.tests.factories import MembershipFactory, tree
from capmap.people.tests.factories import PersonFactory, job_role

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def story():
    t = tree()
    viewer = MembershipFactory(organisation=t.pcn_a, role=Role.VIEWER).user
    ours = PersonFactory(employer=t.practice_a, start_date=datetime.date(2026, 1, 10))
    theirs = PersonFactory(employer=t.practice_b)
    reviews = activity("structured-medication-reviews")
    for month, count in ((1, 10), (2, 20), (3, 30)):
        ActivityRecordFactory(
            person=ours,
            activity_type=reviews,
            period_start=datetime.date(2026, month, 1),
            count=count,
        )
    ActivityRecordFactory(
        person=theirs, activity_type=reviews, period_start=datetime.date(2026, 2, 1), count=999
    )
    return t, viewer, ours


def test_totals_and_gp_time_count_only_our_pcn(story):
    t, viewer, _ = story
    ImpactAssumption.objects.create(organisation=t.ics, minutes_per_gp_appointment=12)
    summary = selectors.impact_summary(viewer, t.pcn_a, end=MARCH, months=3)
    reviews = next(
        x for x in summary.totals if x.activity_type.slug == "structured-medication-reviews"
    )
    assert reviews.count == 60
    assert reviews.monthly == [10, 20, 30]
    assert summary.minutes_per_gp_appointment == 12
    assert summary.total_gp_minutes == 60 * 12  # one appointment a review


def test_viewer_cannot_see_the_ics_as_a_whole(story):
    t, viewer, _ = story
    with pytest.raises(type(t.ics).DoesNotExist):
        selectors.get_impact_organisation(viewer, t.ics.pk)


def test_nearest_assumption_wins(story):
    t, *_ = story
    ImpactAssumption.objects.create(organisation=t.ics, minutes_per_gp_appointment=12)
    ImpactAssumption.objects.create(organisation=t.pcn_a, minutes_per_gp_appointment=9)
    assert selectors.minutes_per_gp_appointment(t.practice_a) == 9
    assert selectors.minutes_per_gp_appointment(t.practice_b) == 12


def test_before_and_after_compares_monthly_averages_around_the_first_start(story):
    t, viewer, _ = story
    reviews = activity("structured-medication-reviews")
    # A locum pharmacist's records from before our first pharmacist started count as "before".
    ActivityRecordFactory(
        person=PersonFactory(employer=t.practice_b),
        activity_type=reviews,
        organisation=t.practice_a,
        period_start=datetime.date(2025, 12, 1),
        count=4,
    )
    summary = selectors.impact_summary(
        viewer, t.practice_a, job_role=job_role(), end=MARCH, months=3
    )
    assert summary.role_started_on == datetime.date(2026, 1, 10)
    row = next(b for b in summary.before_after if b.activity_type == reviews)
    assert (row.months_before, row.average_before) == (1, 4.0)
    assert (row.months_after, row.average_after) == (3, 20.0)


def test_dashboard_page_shows_figures_charts_and_tables(client, story):
    t, viewer, _ = story
    client.force_login(viewer)
    page = client.get(f"/impact/organisations/{t.pcn_a.pk}/", {"months": 24}).content.decode()
    assert 'role="img"' in page and "<caption" in page
    assert "Structured medication reviews" in page
    assert ">60<" in page
    assert "999" not in page


def test_dashboard_of_another_pcn_is_not_found(client, story):
    t, _, _ = story
    outsider = MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user
    client.force_login(outsider)
    assert client.get(f"/impact/organisations/{t.pcn_a.pk}/").status_code == 404
    assert client.get(f"/impact/organisations/{t.practice_a.pk}/assumptions/").status_code == 404


def test_recording_page_for_someone_else_s_staff_is_not_found(client, story):
    t, _, ours = story
    outsider = MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user
    client.force_login(outsider)
    assert client.get(f"/impact/record/{ours.pk}/").status_code == 404
    assert ours.full_name not in client.get("/impact/record/").content.decode()


def test_manager_records_activity_through_the_form(client, story):
    t, _, ours = story
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    client.force_login(manager)
    response = client.post(
        f"/impact/record/{ours.pk}/",
        {
            "activity_type": activity("referrals-avoided").pk,
            "period_kind": "month",
            "period_start": "2026-03-14",
            "count": "4",
            "minutes": "",
        },
    )
    assert response.status_code == 302
    assert ours.activity_records.get(activity_type__slug="referrals-avoided").count == 4


def test_form_errors_are_shown_in_the_error_summary(client, story):
    t, _, ours = story
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    client.force_login(manager)
    page = client.post(f"/impact/record/{ours.pk}/", {"count": "-1"}).content.decode()
    assert "There is a problem" in page


def test_import_page_lists_row_errors(client, story):
    t, _, ours = story
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    client.force_login(manager)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        "a.csv", f"person,activity,period,count\n{ours.email},Nope,2026-01,1\n".encode(), "text/csv"
    )
    page = client.post("/impact/import/", {"file": upload}).content.decode()
    assert "Nothing was imported" in page
    assert re.search(r">2</div></td>", page)  # row 2, in the responsive table


def test_manager_of_another_pcn_cannot_import_activity_for_our_staff(client, story):
    from django.core.files.uploadedfile import SimpleUploadedFile

    t, _, ours = story
    client.force_login(MembershipFactory(organisation=t.pcn_b, role=Role.MANAGER).user)
    content = (
        f"person,activity,period,count\n{ours.email},structured-medication-reviews,2026-04,5\n"
    )
    upload = SimpleUploadedFile("a.csv", content.encode(), "text/csv")
    page = client.post("/impact/import/", {"file": upload}).content.decode()
    assert "Nothing was imported" in page and "No one you may record for" in page
    assert ours.full_name not in page
    assert not ActivityRecord.objects.filter(person=ours, period_start=datetime.date(2026, 4, 1))


def test_admin_changes_the_gp_appointment_length(client, story):
    t, *_ = story
    admin = MembershipFactory(organisation=t.pcn_a, role=Role.ADMIN).user
    client.force_login(admin)
    response = client.post(
        f"/impact/organisations/{t.pcn_a.pk}/assumptions/", {"minutes_per_gp_appointment": "15"}
    )
    assert response.status_code == 302
    assert selectors.minutes_per_gp_appointment(t.practice_a) == 15


def test_only_an_admin_of_the_organisation_is_offered_the_assumption_to_change(client, story):
    t, viewer, _ = story
    admin = MembershipFactory(organisation=t.pcn_a, role=Role.ADMIN).user
    manager = MembershipFactory(organisation=t.pcn_a, role=Role.MANAGER).user
    dashboard = f"/impact/organisations/{t.pcn_a.pk}/"
    form = f"/impact/organisations/{t.pcn_a.pk}/assumptions/"
    for user in (viewer, manager):
        client.force_login(user)
        assert "Change the assumption" not in client.get(dashboard).content.decode()
        assert client.get(form).status_code == 403  # no link to a page that refuses them
    client.force_login(admin)
    assert "Change the assumption" in client.get(dashboard).content.decode()
    assert client.get(form).status_code == 200
